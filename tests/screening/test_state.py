"""Each item's state from its latest check and the day, and the summary."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from supplychain.screening.packs import shipped
from supplychain.screening.state import State, item_states, state_of, summarise

TODAY = date(2026, 12, 7)


class Check(NamedTuple):
    result: str
    checked_on: date
    valid_until: date


def test_states_by_result_and_date():
    assert state_of(None, TODAY) == State.NOT_CHECKED
    assert state_of(Check("passed", date(2026, 6, 1), date(2027, 6, 1)), TODAY) == State.PASSED
    assert state_of(Check("passed", date(2026, 1, 1), date(2026, 12, 6)), TODAY) == State.EXPIRED
    assert state_of(Check("passed", date(2026, 1, 1), TODAY), TODAY) == State.DUE_SOON
    assert state_of(Check("passed", date(2026, 1, 1), date(2027, 1, 6)), TODAY) == State.DUE_SOON
    assert state_of(Check("passed", date(2026, 1, 1), date(2027, 1, 7)), TODAY) == State.PASSED
    assert state_of(Check("failed", date(2026, 12, 1), date(2027, 12, 1)), TODAY) == State.FAILED
    # a failure stays a failure when its date has passed too
    assert state_of(Check("failed", date(2025, 1, 1), date(2025, 2, 1)), TODAY) == State.FAILED
    na = Check("not_applicable", date(2026, 12, 1), date(2027, 12, 1))
    assert state_of(na, TODAY) == State.NOT_APPLICABLE


def test_summary_counts_the_items_of_the_pack():
    items = shipped().for_country("LV").items_for(is_agency=False, sector="F41")
    latest = {
        "enterprise-register": Check("passed", date(2026, 6, 1), date(2027, 6, 1)),
        "vat-register": Check("passed", date(2025, 6, 1), date(2026, 6, 1)),
        "tax-debtors": Check("failed", date(2026, 11, 1), date(2027, 2, 1)),
    }
    states = item_states(items, latest, TODAY)
    assert [s.state for s in states] == [
        State.PASSED,
        State.EXPIRED,
        State.FAILED,
        State.NOT_CHECKED,
    ]
    summary = summarise(states)
    assert summary.total == 4 and summary.passed == 1
    assert summary.count(State.EXPIRED) == summary.count(State.FAILED) == 1
