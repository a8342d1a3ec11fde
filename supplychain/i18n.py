"""Languages: English and Latvian for the officer's pages; English, Latvian and Russian for the
supplier's. The choice is kept in the session (or the user's profile)."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, format_date, format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .models import Severity
from .reference.codes import countries
from .reference.nace_sections import section_name
from .vocab import GRAVEST_FIRST, Source

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


def init_app(app: Flask) -> None:
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
    )
    app.jinja_env.filters["format_date"] = format_date
    app.jinja_env.filters["format_datetime"] = format_datetime
