"""Screening states and summaries as people read them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from .state import State, Summary

STATE_NAMES = {
    State.NOT_CHECKED: _l("Not checked"),
    State.PASSED: _l("Passed"),
    State.DUE_SOON: _l("Due soon"),
    State.FAILED: _l("Failed"),
    State.EXPIRED: _l("Expired"),
    State.NOT_APPLICABLE: _l("Does not apply"),
}


def summary_text(summary: Summary) -> str:
    """'3 of 5 passed (1 due soon) · 1 expired · 1 not checked' (parts with no items left
    out; the passed ones include those due soon and those that do not apply)."""
    parts = [
        ngettext(
            "%(passed)d of %(num)d passed",
            "%(passed)d of %(num)d passed",
            summary.total,
            passed=summary.passed,
        )
    ]
    due = summary.count(State.DUE_SOON)
    if due:  # passed, but to be renewed within DUE_SOON_DAYS
        parts[0] += " (" + ngettext("%(num)d due soon", "%(num)d due soon", due) + ")"
    for state, text in (
        (State.FAILED, lambda n: ngettext("%(num)d failed", "%(num)d failed", n)),
        (State.EXPIRED, lambda n: ngettext("%(num)d expired", "%(num)d expired", n)),
        (State.NOT_CHECKED, lambda n: ngettext("%(num)d not checked", "%(num)d not checked", n)),
    ):
        if summary.count(state):
            parts.append(text(summary.count(state)))
    return " · ".join(parts)
