"""Reference data: ISO 3166 countries and NACE Rev. 2 activity codes."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import babel
import pycountry
import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
_NACE_RE = re.compile(r"^([A-U])?(\d{2})(?:\.(\d)(\d)?)?$")


@dataclass(frozen=True)
class NaceCode:
    code: str  # e.g. "F41.2"
    level: str  # section | division | group | class
    title: str


@cache
def nace_codes() -> dict[str, NaceCode]:
    """Every NACE Rev. 2 entry by code: section F, division F41, group F41.2, class F41.20."""
    with (DATA_DIR / "nace_rev2.csv").open(encoding="utf-8", newline="") as handle:
        return {row["code"]: NaceCode(**row) for row in csv.DictReader(handle)}


@cache
def _section_of_division() -> dict[str, str]:
    return {c.code[1:]: c.code[0] for c in nace_codes().values() if c.level == "division"}


@lru_cache(maxsize=4096)
def normalise_nace(raw: str) -> str | None:
    """Return the canonical code for raw ('41.2', 'f41.2', 'F 41.20'), or None if unknown."""
    text = raw.strip().upper().replace(" ", "")
    if len(text) == 1 and text in nace_codes():
        return text
    match = _NACE_RE.match(text)
    if not match:
        return None
    letter, division, group, klass = match.groups()
    section = _section_of_division().get(division)
    if section is None or (letter and letter != section):
        return None
    code = section + division + (f".{group}" if group else "") + (klass or "")
    return code if code in nace_codes() else None


def nace_title(code: str) -> str:
    entry = nace_codes().get(code)
    return entry.title if entry else ""


# The languages whose country names are understood wherever a country is typed (names from
# CLDR through Babel), whatever the page's language: officers write Latvian or English,
# many suppliers' managers Russian.
NAME_LANGUAGES = ("en", "lv", "ru")
_CODE_IN_BRACKETS = re.compile(r"^(.*)\(\s*([A-Za-z]{2,3})\s*\)\s*$")
# ISO 3166's "exceptionally reserved" codes in everyday use in the EU (VAT numbers, the
# Official Journal): UK for the United Kingdom, EL for Greece.
_RESERVED = {"UK": "GB", "EL": "GR"}
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015,.'\u2019()]+")


@cache
def _translated_titles() -> dict[str, dict[str, str]]:
    """NACE sections' and divisions' titles by language and code (data/nace_titles.yaml)."""
    data = yaml.safe_load((DATA_DIR / "nace_titles.yaml").read_text(encoding="utf-8"))
    names: dict[str, dict[str, str]] = {}
    for letter, by_lang in data.items():
        for lang, name in by_lang.items():
            names.setdefault(lang, {})[letter] = name
    return names


@lru_cache(maxsize=8)
def nace_titles(lang: str) -> dict[str, str]:
    """Every NACE code below the sections -> its title in lang: in English the code's own
    title; in a language that has only the sections' and divisions' titles, its division's."""
    titles = _translated_titles().get(lang)
    return {
        c: titles.get(c, titles.get(c[:3], titles.get(c[0], n.title))) if titles else n.title
        for c, n in nace_codes().items()
        if n.level != "section"
    }


def countries(locale: str = "en") -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> the country's name in locale (CLDR), sorted by that name."""
    names = _territories(locale)
    pairs = [(c.alpha_2, names.get(c.alpha_2) or c.name) for c in pycountry.countries]
    return dict(sorted(pairs, key=lambda pair: fold(pair[1])))


def _territories(locale: str) -> dict[str, str]:
    try:
        return dict(babel.Locale.parse(locale.replace("-", "_")).territories)
    except (ValueError, babel.UnknownLocaleError):
        return {}


def fold(text: str) -> str:
    """text for comparison: no accents, case or punctuation ("Côte d’Ivoire" ~ "cote d ivoire")."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", bare.casefold()).strip()


@cache
def _country_names() -> dict[str, str]:
    """Every known name of a country, folded -> its alpha-2 code: the English, Latvian and
    Russian names of CLDR, and ISO 3166's own names. A name two countries share is left out."""
    found: dict[str, set[str]] = {}
    codes = {c.alpha_2 for c in pycountry.countries}

    def add(name: str | None, code: str) -> None:
        if name:
            found.setdefault(fold(name), set()).add(code)

    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            add(getattr(country, attribute, None), country.alpha_2)
    for language in NAME_LANGUAGES:
        for code, name in _territories(language).items():
            if code in codes:
                add(name, code)
    return {name: next(iter(owners)) for name, owners in found.items() if len(owners) == 1}


@cache
def _alpha_3() -> dict[str, str]:
    return {c.alpha_3: c.alpha_2 for c in pycountry.countries}


@lru_cache(maxsize=4096)
def normalise_country(raw: str) -> str | None:
    """The upper-case alpha-2 code of the country raw names, or None if it names none.

    raw may be an ISO 3166-1 alpha-2 or alpha-3 code, or the country's name in English,
    Latvian or Russian, in any case, with or without accents, or "Name (LV)" as the pickers
    offer it. Nothing is ever cut short: "Latvija" is Latvia, never "LA" (Laos).
    """
    text = raw.strip()
    bracketed = _CODE_IN_BRACKETS.match(text)
    if bracketed:
        code = normalise_country(bracketed.group(2))
        name = bracketed.group(1).strip()
        return code if code and (not name or normalise_country(name) in (code, None)) else None
    upper = text.upper()
    if len(upper) == 2:
        return upper if upper in countries() else _RESERVED.get(upper)
    if len(upper) == 3 and upper in _alpha_3():
        return _alpha_3()[upper]
    return _country_names().get(fold(text))
