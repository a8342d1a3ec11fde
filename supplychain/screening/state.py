"""Where a supplier's screening stands today (pure: no Flask, no ORM).

item_states() takes the items that apply, the latest check of each (any object with result,
checked_on and valid_until) and today, and gives each item's state; summarise() counts them.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

DUE_SOON_DAYS = 30  # a passed check this close to its end is due for renewal (our choice)


class State(enum.StrEnum):
    NOT_CHECKED = "not_checked"
    PASSED = "passed"
    DUE_SOON = "due_soon"  # passed, but good for at most DUE_SOON_DAYS more
    FAILED = "failed"
    EXPIRED = "expired"  # its valid_until is past
    NOT_APPLICABLE = "not_applicable"  # the officer found the item does not apply


class Check(Protocol):
    result: Any
    checked_on: date
    valid_until: date


@dataclass(frozen=True)
class ItemState:
    item: Any  # packs.Item
    state: State
    check: Any | None  # the latest check, or None


@dataclass(frozen=True)
class Summary:
    total: int
    counts: Mapping[State, int]

    @property
    def passed(self) -> int:
        """Items that stand: passed (due soon included) or not applicable."""
        c = self.counts
        return c.get(State.PASSED, 0) + c.get(State.DUE_SOON, 0) + c.get(State.NOT_APPLICABLE, 0)

    def count(self, state: State) -> int:
        return self.counts.get(state, 0)


def state_of(check: Check | None, today: date) -> State:
    """The state of one item given its latest check."""
    if check is None:
        return State.NOT_CHECKED
    result = str(getattr(check.result, "value", check.result))  # passed | failed | not_applicable
    if result == "failed":
        return State.FAILED
    if check.valid_until < today:
        return State.EXPIRED
    if result == "not_applicable":
        return State.NOT_APPLICABLE
    if check.valid_until <= today + timedelta(days=DUE_SOON_DAYS):
        return State.DUE_SOON
    return State.PASSED


def item_states(items: Sequence[Any], latest: Mapping[str, Check], today: date) -> list[ItemState]:
    """Each item's state, in the items' order; latest maps item id to its newest check."""
    return [ItemState(i, state_of(latest.get(i.id), today), latest.get(i.id)) for i in items]


def summarise(states: Sequence[ItemState]) -> Summary:
    return Summary(total=len(states), counts=Counter(s.state for s in states))
