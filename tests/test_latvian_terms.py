"""Latvian texts keep to the glossary in docs/latvian-terms.md.

Every Latvian text the product shows is read: the catalogue (the .po file; test_i18n checks that
the compiled .mo matches it), the Latvian guide pages, the questionnaires' `lv:` texts,
contacts.yaml, the data files and the few Latvian strings in code. None may use a variant the
glossary's Avoid column lists, none may write "Jūs", "Jūsu" or "Jums" with a capital in the middle
of a sentence, and every plural entry has its three Latvian forms.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from supplychain.questionnaires.schema import NOTE_HELP, NOTE_TEXT

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "latvian-terms.md"
CATALOG = ROOT / "supplychain" / "translations" / "lv" / "LC_MESSAGES" / "messages.po"
GUIDE = ROOT / "supplychain" / "guide" / "content" / "lv"
YAML_FILES = [
    *sorted((ROOT / "questionnaires").glob("*.yaml")),
    ROOT / "supplychain" / "guide" / "contacts.yaml",
    *sorted((ROOT / "supplychain" / "data").glob("*.yaml")),
]
# Guide pages another change is rewriting; each must still break the glossary (so that this list
# is emptied the moment the rewrite lands, see test_pending_pages_are_still_pending).
PENDING_REWRITE: set[str] = set()

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PRONOUN = re.compile(r"\bJ(?:ūs|ūsu|ums|ūsos|ūsām|ūsējais|ūsējā)\b")
# What may stand between a sentence's end and its first word: spaces, markup, quotes, dashes.
LEAD = " \t*_>\"'„“”«»|#`-–—"


def _avoid_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """The Avoid column of the glossary's table, as (term, compiled pattern) pairs."""
    found = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| ") or line.startswith("| English") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        term, avoid = cells[0], cells[-1]
        for item in re.findall(r"`([^`]+)`", avoid):
            found.append((term, re.compile(r"(?<!\w)" + item.replace(r"\|", "|"), re.I)))
    return found


def _yaml_lv(node, where):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "lv" and isinstance(value, str):
                yield where, value
            else:
                yield from _yaml_lv(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _yaml_lv(value, f"{where}[{i}]")


def _all_strings(node, where):
    if isinstance(node, str):
        yield where, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _all_strings(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _all_strings(value, f"{where}[{i}]")


def _catalog():
    with CATALOG.open("rb") as handle:
        return read_po(handle)


def _texts(pages: set[str] = frozenset()):
    """(where, text) for every Latvian text; a guide page's text is one line at a time."""
    for message in _catalog():
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for i, text in enumerate(strings):
            yield f"messages.po:{message.lineno}[{i}]", text
    for page in sorted(GUIDE.glob("*.md")):
        if page.name in PENDING_REWRITE and page.name not in pages:
            continue
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            yield f"guide/lv/{page.name}:{n}", line
    for path in YAML_FILES:
        # a safe loader (the C one when PyYAML has it: the questionnaires are large)
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506
        yield from _yaml_lv(data, path.relative_to(ROOT).as_posix())
    workers = ROOT / "supplychain" / "data" / "workers" / "lv.yaml"  # Latvian throughout
    yield from _all_strings(yaml.safe_load(workers.read_text(encoding="utf-8")), "workers/lv")
    yield "schema.NOTE_TEXT", NOTE_TEXT["lv"]
    yield "schema.NOTE_HELP", NOTE_HELP["lv"]


def _capital_you(text: str) -> list[str]:
    """Each capital "Jūs"/"Jūsu"/"Jums" that does not open a sentence, with what precedes it."""
    found = []
    for match in PRONOUN.finditer(text):
        before = text[: match.start()].rstrip(LEAD)
        if before and before[-1] not in ".!?…\n":
            found.append(f"…{text[max(0, match.start() - 30) : match.end()]}")
    return found


def _term_problems(texts) -> list[str]:
    patterns = _avoid_patterns()
    problems = []
    for where, text in texts:
        for term, pattern in patterns:
            for match in pattern.finditer(text):
                problems.append(f"{where}: {match.group(0)!r} (glossary: {term})")
    return problems


def _pronoun_problems(texts) -> list[str]:
    return [f"{where}: {hit}" for where, text in texts for hit in _capital_you(text)]


def test_the_glossary_lists_variants_to_avoid_for_the_key_terms():
    terms = {term.split(" (")[0].split(",")[0] for term, _ in _avoid_patterns()}
    for key in ("flag", "labour hire", "temporary-work agency", "input VAT"):
        assert key in terms, f"{key!r} has no Avoid entry in {GLOSSARY.name}"


def test_no_latvian_text_uses_a_variant_the_glossary_avoids():
    problems = _term_problems(_texts())
    assert problems == [], "\n".join(problems)


def test_jus_has_a_capital_only_at_the_start_of_a_sentence():
    problems = _pronoun_problems(_texts())
    assert problems == [], "\n".join(problems)


def test_every_plural_entry_has_three_latvian_forms():
    catalog = _catalog()
    assert catalog.num_plurals == 3
    assert "n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2" in catalog.plural_expr
    plurals = [m for m in catalog if m.id and isinstance(m.id, tuple)]
    assert plurals, "the catalogue has no plural entries to check"
    for message in plurals:
        assert len(message.string) == 3, f"line {message.lineno}: {len(message.string)} forms"
        assert all(s.strip() for s in message.string), f"line {message.lineno}: an empty form"


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("Jūsu ķēde ir tukša.", False),
        ("Tā ir pabeigta. Jūs varat turpināt.", False),
        ("- **Jūsu organizācija** ir kreisajā pusē.", False),
        ("Atgādinājums: %(organisation)s gaida Jūsu atbildes.", True),
        ("Vai darbinieki maksā (Jums vai aģentūrai)?", True),
    ],
)
def test_the_capital_check_tells_a_sentence_start_from_the_middle(text, bad):
    assert bool(_capital_you(text)) is bad


def test_the_term_check_catches_a_listed_variant():
    texts = [("x", "Darbaspēka noma"), ("y", "izskata riska signālus"), ("z", "iepircēji")]
    assert [p.split(":")[0] for p in _term_problems(texts)] == ["x", "y"]


def test_pending_pages_are_still_pending():
    """A page in PENDING_REWRITE that now keeps to the glossary is taken off the list."""
    for name in PENDING_REWRITE:
        page = [t for t in _texts({name}) if t[0].startswith(f"guide/lv/{name}:")]
        assert page, f"{name} is gone: take it off PENDING_REWRITE"
        assert _term_problems(page) or _pronoun_problems(page), (
            f"{name} keeps to the glossary now: take it off PENDING_REWRITE"
        )
