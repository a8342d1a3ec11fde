"""Numbers, money, dates and times as the reader writes them (Babel, CLDR), in any language.

Pure: the language and the time zone are given. i18n.py binds them to the request for the
pages' filters; the report passes its own.

Latvian puts a month's name in the case the sentence asks for: "līdz 2026. gada
20. decembrim" (dative after "līdz"), "2026. gada 20. decembrī" (locative: on that day). CLDR
has only the nominative (its format and stand-alone names are both "decembris"), so a date
that stands after such a word is formatted with the role it plays (`until`, `on`) and the
month's name is put in the case that role takes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from typing import Literal

from babel import dates, numbers

# The role a date plays in its sentence: none, "until" (by, due, valid until), "on" (on a day).
Role = Literal["", "until", "on"]

_LV_MONTHS: dict[str, tuple[str, ...]] = {
    "": (
        "janvāris",
        "februāris",
        "marts",
        "aprīlis",
        "maijs",
        "jūnijs",
        "jūlijs",
        "augusts",
        "septembris",
        "oktobris",
        "novembris",
        "decembris",
    ),
    "until": (  # dative
        "janvārim",
        "februārim",
        "martam",
        "aprīlim",
        "maijam",
        "jūnijam",
        "jūlijam",
        "augustam",
        "septembrim",
        "oktobrim",
        "novembrim",
        "decembrim",
    ),
    "on": (  # locative
        "janvārī",
        "februārī",
        "martā",
        "aprīlī",
        "maijā",
        "jūnijā",
        "jūlijā",
        "augustā",
        "septembrī",
        "oktobrī",
        "novembrī",
        "decembrī",
    ),
}
# The cases each language has month names for beyond CLDR's; others keep CLDR's text.
_MONTH_CASES = {"lv": _LV_MONTHS}


def _day(value: date | datetime, timezone: tzinfo) -> date:
    """The calendar day of value where the reader is (a naive datetime is UTC)."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(timezone).date()
    return value


def format_date(
    value: date | datetime,
    lang: str,
    format: str = "medium",
    role: Role = "",
    timezone: tzinfo = UTC,
) -> str:
    """value as a date in lang; with a role, a month's full name takes the case the role
    asks for where the language has one (format_date(d, "lv", "long", "until") ->
    "2026. gada 20. decembrim")."""
    day = _day(value, timezone)
    text = dates.format_date(day, format, locale=lang)
    cases = _MONTH_CASES.get(lang.split("_")[0])
    if not role or cases is None:
        return text
    nominative, wanted = cases[""][day.month - 1], cases[role][day.month - 1]
    return text.replace(nominative, wanted)


def zone_label(moment: datetime, lang: str, timezone: tzinfo) -> str:
    """The short name of the time zone at moment, as lang writes it ("EET", "EEST")."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return dates.format_datetime(aware, "z", tzinfo=timezone, locale=lang)


def format_datetime(
    value: datetime, lang: str, timezone: tzinfo = UTC, format: str = "medium"
) -> str:
    """value in the reader's time zone, labelled with it: "2026. gada 7. dec. 12:05 (EET)";
    short and medium to the minute, any other format (a Babel pattern) as it says."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    if format in ("short", "medium"):  # minutes are enough for a person; seconds are noise
        joined = str(dates.get_datetime_format(format, locale=lang))
        pattern = joined.replace("{1}", _date_pattern(format, lang)).replace(
            "{0}", _time_pattern(lang)
        )
    else:
        pattern = format
    text = dates.format_datetime(aware, pattern, tzinfo=timezone, locale=lang)
    return f"{text} ({zone_label(aware, lang, timezone)})"


def run_labels(moments: Sequence[datetime], lang: str, timezone: tzinfo = UTC) -> list[str]:
    """Short labels for runs on a chart: the day ("7.12."), and the time as well where several
    runs share a day ("7.12. 10:05"), so that three runs on one day can be told apart."""
    days = [format_date(moment, lang, "d.M.", timezone=timezone) for moment in moments]
    shared = {day for day in days if days.count(day) > 1}
    return [
        f"{day} {_clock(moment, lang, timezone)}" if day in shared else day
        for day, moment in zip(days, moments, strict=True)
    ]


def _clock(moment: datetime, lang: str, timezone: tzinfo) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return dates.format_time(aware, "HH:mm", tzinfo=timezone, locale=lang)


def _date_pattern(format: str, lang: str) -> str:
    return str(dates.get_date_format(format, locale=lang).pattern)


def _time_pattern(lang: str) -> str:
    return str(dates.get_time_format("short", locale=lang).pattern)


def format_number(value: int | float | Decimal, lang: str, places: int | None = None) -> str:
    """value with lang's grouping and decimal mark: 1200000.5 -> "1 200 000,5" in Latvian;
    with places, exactly that many decimals."""
    pattern = None if places is None else "#,##0" + ("." + "0" * places if places else "")
    return numbers.format_decimal(value, format=pattern, locale=lang, decimal_quantization=True)


def format_money(value: int | float | Decimal, lang: str, currency: str = "EUR") -> str:
    """An amount with two decimals and the currency's code: "1 200 000,00 EUR"."""
    return f"{format_number(value, lang, places=2)}\N{NO-BREAK SPACE}{currency}"
