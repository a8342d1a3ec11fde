"""The age of the reference figures, as the status page shows it to admins."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import current_app
from flask_babel import gettext as _

from ..i18n import current_language
from ..reference.risk_factors import (
    FigureAge,
    ReferenceDataError,
    figure_ages,
    labour_costs_path,
    load_labour_costs,
    translated_sources,
)


def aged_figures(today: date) -> list[FigureAge]:
    """The figures due for a check on today (checked over a year ago, or past valid-to), with
    their kind and source in the language in force."""
    try:
        costs = load_labour_costs(labour_costs_path())
    except ReferenceDataError:  # the app does not start on a bad shipped file; a configured
        current_app.logger.exception("reference figures cannot be read")  # one is reported
        return []
    sources = translated_sources(current_language())
    return [
        replace(a, what=_what(a.what), source=sources.get(a.source, a.source))
        for a in figure_ages(costs, today)
        if a.warns
    ]


def _what(what: str) -> str:
    """A figure's kind ("minimum wage", "sector floor F") in the language in force."""
    if what.startswith("sector floor "):
        return str(_("sector floor %(nace)s", nace=what.removeprefix("sector floor ")))
    return str(_("minimum wage")) if what == "minimum wage" else what
