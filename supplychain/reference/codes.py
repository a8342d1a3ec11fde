"""Reference data: ISO 3166 countries and NACE Rev. 2 activity codes."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import pycountry
import yaml
from babel import Locale

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


@cache
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> English short name."""
    return {c.alpha_2: c.name for c in pycountry.countries}


@lru_cache(maxsize=8)
def country_names(lang: str) -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> the country's name in lang (CLDR; English where it has
    none)."""
    territories = Locale.parse(lang).territories
    return {code: territories.get(code, name) for code, name in countries().items()}


@lru_cache(maxsize=1024)
def normalise_country(raw: str) -> str | None:
    """Return the upper-case alpha-2 code, or None if raw is not an ISO 3166-1 code."""
    code = raw.strip().upper()
    return code if code in countries() else None
