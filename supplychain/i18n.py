"""Languages: English and Latvian for the officer's pages; English, Latvian and Russian for the
supplier's. The choice is kept in the session (or the user's profile)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, get_locale, get_timezone
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from . import formats
from .models import Severity
from .reference.codes import countries
from .reference.nace_sections import section_name
from .vocab import GRAVEST_FIRST, Source

# Each language in its own name, for the switchers (marked up with lang="..."); in a sentence
# or a list, language_name() says it in the reader's language.
LANGUAGE_NAMES = {"en": "English", "lv": "Latviešu"}
SEVERITY_NAMES = {
    Severity.LOW: _l("Low"),
    Severity.MEDIUM: _l("Medium"),
    Severity.HIGH: _l("High"),
    Severity.CRITICAL: _l("Critical"),
}

# Where a flag's evidence comes from (see vocab.Source): pages and reports keep them apart.
SOURCE_NAMES = {
    Source.STRUCTURE: _l("Chain structure"),
    Source.ANSWERS: _l("Supplier's answers"),
    Source.CHECKS: _l("Register checks"),
    Source.WORKERS: _l("Workers"),
}

# Every language a page may offer in its own name: the officer's (LANGUAGE_NAMES) and the more
# a supplier may answer in (config SUPPLIER_LANGUAGES).
NATIVE_NAMES = {**LANGUAGE_NAMES, "ru": "Русский"}


def page_languages() -> tuple[str, ...]:
    """The languages this request's page may speak: a supplier's page (answering from a link,
    no account) has more than the officer's."""
    key = "SUPPLIER_LANGUAGES" if request.blueprint == "respond" else "LANGUAGES"
    return tuple(current_app.config[key])


def select_locale() -> str:
    """The user's choice, then their profile, then the browser's preference."""
    if not has_request_context():  # the CLI and background work speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = page_languages()
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages) or languages[0]


def country_names() -> dict[str, str]:
    """Country code -> name in the page's language, for the country pickers."""
    return countries(str(get_locale()))


def current_language() -> str:
    """The language in force; the default one outside an app (a rule's test, the CLI)."""
    locale = get_locale()
    return str(locale) if locale is not None else "en"


def _zone() -> tzinfo:
    return get_timezone() or UTC


def language_name(code: str) -> str:
    """The name of a language in the language in force: "angļu" for "en" in Latvian."""
    return Locale.parse(code).get_display_name(current_language()) or code


def format_date(
    value: date | datetime | None, format: str = "medium", role: formats.Role = ""
) -> str:
    """A date as the reader writes it, on the reader's calendar day; role: formats.Role."""
    if value is None:
        return ""
    return formats.format_date(value, current_language(), format, role, _zone())


def format_datetime(value: datetime | None, format: str = "medium") -> str:
    """A moment in the organisation's time zone, labelled with it."""
    if value is None:
        return ""
    return formats.format_datetime(value, current_language(), _zone(), format)


def run_labels(moments: Sequence[datetime]) -> list[str]:
    """Runs' labels on a chart, in the reader's language and the organisation's time zone."""
    return formats.run_labels(moments, current_language(), _zone())


def format_iso_date(value: str | None, format: str = "medium") -> str:
    """A date kept as text (YYYY-MM-DD, as the data files have it) as the reader writes it."""
    if not value:
        return ""
    try:
        return format_date(date.fromisoformat(str(value)[:10]), format)
    except ValueError:
        return str(value)


def format_number(value: int | float | Decimal | None, places: int | None = None) -> str:
    return "" if value is None else formats.format_number(value, current_language(), places)


def format_money(value: int | float | Decimal | None, currency: str = "EUR") -> str:
    return "" if value is None else formats.format_money(value, current_language(), currency)


def init_app(app: Flask) -> None:
    ZoneInfo(app.config["TIMEZONE"])  # an unknown zone stops the start, not the first page
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals.update(
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        NATIVE_NAMES=NATIVE_NAMES,
        page_languages=page_languages,
        SEVERITIES=[s.value for s in GRAVEST_FIRST],
        SEVERITY_NAMES=SEVERITY_NAMES,
        SOURCE_NAMES=SOURCE_NAMES,
        get_locale=get_locale,
        section_name=section_name,
        country_names=country_names,
        language_name=language_name,
    )
    app.jinja_env.filters.update(
        format_date=format_date,
        format_datetime=format_datetime,
        iso_date=format_iso_date,
        number=format_number,
        money=format_money,
    )
