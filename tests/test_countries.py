"""Countries typed as codes or names (English, Latvian, Russian) resolve to ISO alpha-2 codes,
never by cutting the text short; what names no country is refused showing what was typed."""

from __future__ import annotations

import pytest

from supplychain.reference.codes import countries, normalise_country
from supplychain.validation import check_country, typed


@pytest.mark.parametrize(
    "text",
    [
        "Latvija",
        "latvija",
        "LATVIJA",
        "Latvia",
        "Латвия",
        "латвия",
        "LV",
        " lv ",
        "LVA",
        "Latvija (LV)",
    ],
)
def test_latvia_in_three_languages_and_as_codes(text):
    assert normalise_country(text) == "LV"


def test_latvija_is_latvia_not_laos():
    """The old reading kept two letters: "Latvija" became LA (Laos) and raised a false
    cross-border flag."""
    assert normalise_country("Latvija") == "LV"
    assert normalise_country("Laos") == normalise_country("LA") == "LA"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Igaunija", "EE"),
        ("Эстония", "EE"),
        ("Lietuva", "LT"),
        ("литва", "LT"),
        ("Vācija", "DE"),
        ("vacija", "DE"),  # without the accent
        ("Германия", "DE"),
        ("Côte d’Ivoire", "CI"),
        ("cote d'ivoire", "CI"),
        ("Kotdivuāra", "CI"),
        ("Russian Federation", "RU"),
        ("UKR", "UA"),
        ("UK", "GB"),  # ISO's exceptionally reserved codes the EU uses
        ("EL", "GR"),
    ],
)
def test_names_and_codes_of_other_countries(text, code):
    assert normalise_country(text) == code


@pytest.mark.parametrize("text", ["", "XX", "Lettland", "Latvij", "Latvija (LT)", "LVAX"])
def test_what_names_no_country_is_not_guessed(text):
    assert normalise_country(text) is None


def test_every_code_is_offered_by_name_in_the_pages_language():
    latvian, russian = countries("lv"), countries("ru")
    assert (
        latvian["LV"] == "Latvija" and russian["LV"] == "Латвия" and countries()["LV"] == "Latvia"
    )
    assert set(latvian) == set(russian) == set(countries()) and len(latvian) == 249
    assert all(normalise_country(name) == code for code, name in latvian.items())


def test_an_unknown_country_is_refused_showing_what_was_typed(app):
    with app.test_request_context():
        errors: dict = {}
        assert check_country(errors, "country", "Lettland", required=True) == ""
        assert str(errors["country"]).startswith('"Lettland" is not a country we know')
        errors.clear()
        assert check_country(errors, "country", "Латвия", required=True) == "LV" and not errors
        assert check_country(errors, "work_country", " ", required=False) == "" and not errors


def test_what_was_typed_is_shown_bounded_and_without_control_characters():
    assert typed("x" * 100) == "x" * 39 + "…"
    assert typed("a\x00b\u202ec") == "a\ufffdbc"
