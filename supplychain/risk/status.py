"""The age of the reference figures, as the status page shows it to admins."""

from __future__ import annotations

from datetime import date

from flask import current_app

from ..reference.risk_factors import (
    FigureAge,
    ReferenceDataError,
    figure_ages,
    labour_costs_path,
    load_labour_costs,
)


def aged_figures(today: date) -> list[FigureAge]:
    """The figures due for a check on today (checked over a year ago, or past valid-to)."""
    try:
        costs = load_labour_costs(labour_costs_path())
    except ReferenceDataError:  # the app does not start on a bad shipped file; a configured
        current_app.logger.exception("reference figures cannot be read")  # one is reported
        return []
    return [a for a in figure_ages(costs, today) if a.warns]
