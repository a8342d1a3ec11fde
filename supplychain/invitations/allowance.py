"""What an organisation may mail to people outside it: suppliers and invited colleagues.

Anyone can sign up, and the mail goes out from the platform's own address, so a stranger must
not be able to use it for spam or phishing. An organisation mails no one outside it until one of
its admins has confirmed their address; and while it is new (for NEW_ORG_DAYS days after that)
at most NEW_ORG_DAILY_MAIL_LIMIT such mails go out a day (a UTC day). Mail over the limit waits
in the outbox for the next day: nothing is dropped. Account mail (a sign-up's confirmation, a
password reset) goes to the person who asked for it and is never held back.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, and_, col, func, or_, select

from ..models import Organisation, OutboxMessage, OutboxStatus

# The outbox kinds written by an organisation to people outside it.
LIMITED_KINDS = ("invitation", "reminder", "user_invitation")


@dataclass(frozen=True)
class Policy:
    daily_limit: int
    new_days: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Policy:
        return cls(
            daily_limit=int(config.get("NEW_ORG_DAILY_MAIL_LIMIT", 50)),
            new_days=int(config.get("NEW_ORG_DAYS", 14)),
        )


@dataclass(frozen=True)
class Standing:
    """Where an organisation's mail to others stands, for its officers."""

    confirmed: bool
    daily_limit: int | None  # None: not new, no limit
    new_days: int
    left_today: int | None
    waiting: int  # its mails to others not sent yet

    @property
    def held(self) -> bool:
        return not self.confirmed and self.waiting > 0

    @property
    def limited(self) -> bool:
        return self.left_today is not None and self.waiting > self.left_today


def may_be_sent() -> ColumnElement[bool]:
    """SQL condition on outbox rows: leaves out the mail to others of unconfirmed organisations
    (they stay queued, and go out once an admin confirms)."""
    confirmed = select(Organisation.id).where(col(Organisation.confirmed_at).is_not(None))
    return or_(
        col(OutboxMessage.kind).not_in(LIMITED_KINDS),
        col(OutboxMessage.organisation_id).is_(None),
        col(OutboxMessage.organisation_id).in_(confirmed),
    )


def next_day(now: datetime) -> datetime:
    """The start of the UTC day after now's."""
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(
        days=1
    )


def is_new(organisation: Organisation, policy: Policy, now: datetime) -> bool:
    confirmed = organisation.confirmed_at
    if confirmed is None:
        return True
    confirmed = confirmed if confirmed.tzinfo else confirmed.replace(tzinfo=UTC)
    return confirmed > now - timedelta(days=policy.new_days)


def _used_today(session: Session, organisation_id: int, now: datetime) -> int:
    """The organisation's mails to others sent today, or being sent now."""
    day_start = next_day(now) - timedelta(days=1)
    query = select(func.count()).where(
        OutboxMessage.organisation_id == organisation_id,
        col(OutboxMessage.kind).in_(LIMITED_KINDS),
        or_(
            and_(
                OutboxMessage.status == OutboxStatus.SENT, col(OutboxMessage.sent_at) >= day_start
            ),
            and_(
                OutboxMessage.status == OutboxStatus.PENDING,
                col(OutboxMessage.claimed_until) > now,
            ),
        ),
    )
    return int(session.exec(query).one())


class Allowance:
    """Counts, while mail is claimed for sending, how many more mails to others each
    organisation may send today."""

    def __init__(self, session: Session, policy: Policy, now: datetime) -> None:
        self._session = session
        self._policy = policy
        self._now = now
        self._left: dict[int, float] = {}

    def admit(self, message: OutboxMessage) -> bool:
        """Whether message may go now; if not, it is put off to the next day (flushed later)."""
        if message.kind not in LIMITED_KINDS or message.organisation_id is None:
            return True
        left = self._left.get(message.organisation_id)
        if left is None:
            left = self._remaining(message.organisation_id)
        if left < 1:
            message.next_attempt_at = next_day(self._now)
            self._session.add(message)
            return False
        self._left[message.organisation_id] = left - 1
        return True

    def _remaining(self, organisation_id: int) -> float:
        # The organisation's row stays locked until the claim commits (PostgreSQL): two
        # workers claiming at once count one after the other, not both under the limit.
        organisation = self._session.exec(
            select(Organisation).where(Organisation.id == organisation_id).with_for_update()
        ).one()
        if not is_new(organisation, self._policy, self._now):
            return math.inf
        return self._policy.daily_limit - _used_today(self._session, organisation_id, self._now)


def standing(*, session: Session, organisation_id: int, policy: Policy, now: datetime) -> Standing:
    """Whether the organisation's mail to others waits, and why."""
    organisation = session.get(Organisation, organisation_id)
    assert organisation is not None
    waiting = session.exec(
        select(func.count()).where(
            OutboxMessage.organisation_id == organisation_id,
            col(OutboxMessage.kind).in_(LIMITED_KINDS),
            OutboxMessage.status == OutboxStatus.PENDING,
        )
    ).one()
    new = is_new(organisation, policy, now)
    return Standing(
        confirmed=organisation.confirmed_at is not None,
        daily_limit=policy.daily_limit if new else None,
        new_days=policy.new_days,
        left_today=max(policy.daily_limit - _used_today(session, organisation_id, now), 0)
        if new
        else None,
        waiting=int(waiting),
    )
