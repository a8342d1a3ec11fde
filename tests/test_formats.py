"""Numbers, money, dates and times as the reader writes them, and Latvian months in the case
their sentence asks for."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale

from supplychain import formats, i18n

RIGA = ZoneInfo("Europe/Riga")
NBSP = "\N{NO-BREAK SPACE}"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("", "2026. gada 20. decembris"),
        ("until", "2026. gada 20. decembrim"),
        ("on", "2026. gada 20. decembrī"),
    ],
)
def test_a_latvian_month_takes_the_case_of_its_sentence(role, expected):
    assert formats.format_date(date(2026, 12, 20), "lv", "long", role) == expected


def test_every_latvian_month_has_its_cases():
    for month in range(1, 13):
        day = date(2026, month, 1)
        plain = formats.format_date(day, "lv", "long")
        until = formats.format_date(day, "lv", "long", "until")
        assert plain != until and until.endswith(("im", "am")), until
        assert formats.format_date(day, "lv", "long", "on").endswith(("ī", "ā"))


def test_other_languages_and_abbreviated_months_are_left_as_cldr_has_them():
    assert formats.format_date(date(2026, 12, 20), "en", "long", "until") == "December 20, 2026"
    assert formats.format_date(date(2026, 12, 20), "lv", "medium", "until") == (
        "2026. gada 20. dec."
    )


def test_a_date_is_the_readers_day():
    late = datetime(2026, 12, 20, 23, 30, tzinfo=UTC)  # already the 21st in Riga
    assert formats.format_date(late, "lv", "long", "until", RIGA) == "2026. gada 21. decembrim"


def test_a_time_is_shown_in_the_organisations_zone_and_labelled():
    winter = datetime(2026, 12, 7, 10, 5, tzinfo=UTC)
    summer = datetime(2026, 7, 7, 10, 5, tzinfo=UTC)
    assert formats.format_datetime(winter, "lv", RIGA) == "2026. gada 7. dec. 12:05 (EET)"
    assert formats.format_datetime(summer, "lv", RIGA) == "2026. gada 7. jūl. 13:05 (EEST)"
    assert formats.format_datetime(winter, "en", RIGA).endswith("12:05\u202fPM (+0200)")
    assert formats.format_datetime(winter, "lv", RIGA, "HH:mm") == "12:05 (EET)"


def test_money_and_numbers_use_the_readers_grouping_and_decimal_mark():
    assert formats.format_money(Decimal("1200000"), "lv") == f"1{NBSP}200{NBSP}000,00{NBSP}EUR"
    assert formats.format_money(1200000, "en") == f"1,200,000.00{NBSP}EUR"
    assert formats.format_number(Decimal("4.125"), "lv") == "4,125"
    assert formats.format_number(Decimal("4.1"), "lv", places=2) == "4,10"
    assert formats.format_number(1200000, "lv", places=0) == f"1{NBSP}200{NBSP}000"


def test_the_pages_filters_read_the_locale_and_the_configured_zone(form_app):
    assert form_app.config["TIMEZONE"] == form_app.config["BABEL_DEFAULT_TIMEZONE"]
    assert form_app.config["TIMEZONE"] == "Europe/Riga"
    with form_app.test_request_context(), force_locale("lv"):
        assert i18n.format_date(date(2026, 12, 20), "long", "until").endswith("decembrim")
        assert i18n.format_datetime(datetime(2026, 12, 7, 10, 5, tzinfo=UTC)).endswith(
            "12:05 (EET)"
        )
        assert i18n.format_money(Decimal("1200000")) == f"1{NBSP}200{NBSP}000,00{NBSP}EUR"
        assert i18n.format_iso_date("2026-12-07") == "2026. gada 7. dec."
        assert i18n.language_name("en") == "angļu"
        assert i18n.format_date(None) == ""


def test_countries_and_sectors_are_named_in_the_readers_language():
    from supplychain.reference.codes import countries, nace_codes, nace_titles

    assert countries("lv")["LV"] == "Latvija" and countries("en")["LV"] == "Latvia"
    assert nace_titles("lv")["F41.20"] == "Ēku būvniecība"
    assert nace_titles("en")["F41.20"] == nace_codes()["F41.20"].title
    english = {c: n.title for c, n in nace_codes().items()}
    assert not [c for c, title in nace_titles("lv").items() if title == english[c]]


def test_an_unknown_time_zone_stops_the_start(tmp_path):
    from zoneinfo import ZoneInfoNotFoundError

    from supplychain import create_app

    with pytest.raises(ZoneInfoNotFoundError):
        create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "TIMEZONE": "Europe/Atlantis"})


def test_runs_on_one_day_are_told_apart_by_their_time():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from supplychain.formats import run_labels

    riga = ZoneInfo("Europe/Riga")
    moments = [
        datetime(2026, 12, 5, 9, 0, tzinfo=UTC),
        datetime(2026, 12, 7, 8, 5),  # naive: UTC
        datetime(2026, 12, 7, 14, 30, tzinfo=UTC),
    ]
    assert run_labels(moments, "lv", riga) == ["5.12.", "7.12. 10:05", "7.12. 16:30"]
