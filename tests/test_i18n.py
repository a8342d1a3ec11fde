"""English and Latvian: every string we show has a translation, and the catalogs are current.
Russian (the supplier's pages and mails) translates what a supplier sees: test_russian."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "supplychain" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _catalog(lang: str = "lv"):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def _key(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def _messages(catalog):
    return [m for m in catalog if m.id]


def test_every_string_in_the_code_is_in_the_catalog(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(pot),
            "--no-location",
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    for lang in ("lv", "ru"):  # Russian may leave a text empty (English), but lists it
        have = {m.id for m in _messages(_catalog(lang))}
        missing = sorted(str(m) for m in wanted - have)
        assert missing == [], f"{lang}: run pybabel extract/update and translate: {missing[:10]!r}"


def test_every_string_has_a_latvian_translation_with_the_same_placeholders():
    for message in _messages(_catalog()):
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        latvian = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(latvian), f"no Latvian for {message.id!r}"
        assert not message.fuzzy, f"fuzzy translation for {message.id!r}"
        wanted = sorted(set(PLACEHOLDER.findall(english[-1])))
        for text in latvian:
            assert sorted(set(PLACEHOLDER.findall(text))) == wanted, message.id


def test_russian_translations_keep_the_placeholders():
    for message in _messages(_catalog("ru")):
        russian = message.string if isinstance(message.string, tuple) else (message.string,)
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = sorted(set(PLACEHOLDER.findall(english[-1])))
        for text in filter(None, russian):
            assert sorted(set(PLACEHOLDER.findall(text))) == wanted, message.id


@pytest.mark.parametrize("lang", ["lv", "ru"])
def test_compiled_catalog_matches_the_source(lang):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
    # An untranslated message (empty, as Russian leaves the officer's) shows the English.
    messages = _messages(_catalog(lang))
    untranslated = {_key(m.id) for m in messages if not all(_strings(m))}
    source = {_key(m.id): _key(m.string) for m in messages if _key(m.id) not in untranslated}
    compiled = {k: v for k, v in compiled.items() if k not in untranslated}
    assert compiled == source, "run: pybabel compile -d supplychain/translations"


def test_pages_speak_latvian_when_chosen(client):
    response = client.get("/account/language/lv?next=/account/login")
    assert response.headers["Location"] == "/account/login"
    html = client.get("/account/login").get_data(as_text=True)
    assert 'lang="lv"' in html
    assert "Pieteik" in html  # "Sign in"


def test_language_switch_refuses_other_sites_as_next(client):
    response = client.get("/account/language/lv?next=//evil.example/")
    assert response.headers["Location"] == "/"
    assert client.get("/account/language/xx").status_code == 404


def test_browser_preference_picks_latvian(client):
    html = client.get("/", headers={"Accept-Language": "lv,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="lv">' in html
