"""The invitations' background jobs: queue the reminders that fall due, and send what the
outbox holds, with retries (see outbox). The top-level worker runs both at every tick."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask
from sqlmodel import Session, col, select

from ..jobstate import aware
from ..models import Invitation, OutboxMessage, OutboxStatus, utcnow
from . import outbox
from .allowance import Policy
from .services import REMINDER_BEFORE, send_due_reminders

MAIL_COUNTS = ("sent", "retried", "dead")
REMINDERS_LOCK_KEY = 7_301_451_812  # any fixed number: names the lock among PostgreSQL's


def queue_reminders(app: Flask, session: Session, now: datetime) -> int:
    """Queue the reminders due at now (one worker at a time); commits; return how many."""
    try:
        if not _reminders_lock(session):
            return 0  # another worker is queueing them this very moment
        count = send_due_reminders(session=session, now=now)
        session.commit()
    except Exception:
        # A fault in the reminders must not hold back the mail already queued.
        session.rollback()
        app.logger.exception("queueing reminders failed")
        return 0
    return count


def _reminders_lock(session: Session) -> bool:
    # Two workers choosing due reminders at once would both queue one per invitation: one
    # worker at a time does it, until its transaction ends.
    if session.connection().dialect.name == "postgresql":
        taken = session.execute(
            sa.text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": REMINDERS_LOCK_KEY}
        ).scalar()
        return bool(taken)
    outbox.lock_for_writing(session)
    return True


def send_mail(
    app: Flask,
    session: Session,
    *,
    now: datetime | None,
    stop_event: threading.Event | None,
) -> dict[str, int]:
    """Send every due message, batch after batch; return how many were sent, put off for a
    retry and given up (MAIL_COUNTS).

    :param now: a fixed time (tests); by default the clock, read afresh for each batch.
    :param stop_event: when set, stop after the message in hand.
    """
    counts = dict.fromkeys(MAIL_COUNTS, 0)
    size = int(app.config.get("OUTBOX_BATCH", 50))
    lease = float(app.config.get("OUTBOX_LEASE_SECONDS", 300))
    while not _stopping(stop_event):
        batch = outbox.claim_batch(
            session=session,
            now=now or utcnow(),
            limit=size,
            lease=timedelta(seconds=lease),
            policy=Policy.from_config(app.config),
        )
        if not batch:
            break
        # Past the lease another worker may claim the rest of this batch: stop at half of it,
        # give the rest back and claim afresh, so slow SMTP never sends a message twice.
        budget_ends = time.monotonic() + lease / 2
        for index, message in enumerate(batch):
            if _stopping(stop_event) or time.monotonic() > budget_ends:
                outbox.release(session=session, messages=batch[index:])
                session.commit()
                break
            _send(app, session, message, counts, now)
    return counts


def _send(
    app: Flask,
    session: Session,
    message: OutboxMessage,
    counts: dict[str, int],
    now: datetime | None,
) -> None:
    message_key = message.id
    try:
        outbox.send_one(session=session, message=message, config=app.config, now=now or utcnow())
    except Exception:
        # Only the database can fail here (send_one records mail errors on the row); the
        # message stays claimed and is tried again when its lease runs out.
        session.rollback()
        app.logger.exception("outbox message %s could not be recorded", message_key)
        return
    if message.status == OutboxStatus.SENT:
        counts["sent"] += 1
    elif message.status == OutboxStatus.DEAD:
        counts["dead"] += 1
        app.logger.warning("outbox message %s is dead: %s", message_key, message.last_error)
    else:
        counts["retried"] += 1
        app.logger.warning(
            "outbox message %s failed (attempt %s), retrying at %s: %s",
            message_key,
            message.attempts,
            message.next_attempt_at.isoformat(),
            message.last_error,
        )


def _stopping(stop_event: threading.Event | None) -> bool:
    return stop_event is not None and stop_event.is_set()


def next_due(session: Session, now: datetime) -> datetime | None:
    """When mail or a reminder next falls due that is not due yet: mail to retry or put off
    to the next day, a reminder; None when none waits for a time."""
    moments = (outbox.next_due(session=session, now=now), _next_reminder(session, now))
    return min((m for m in moments if m is not None), default=None)


def _next_reminder(session: Session, now: datetime) -> datetime | None:
    # The same invitations as send_due_reminders, whose reminder time is still ahead.
    expires = session.exec(
        select(Invitation.expires_at)
        .where(
            col(Invitation.revoked_at).is_(None),
            col(Invitation.bounced_at).is_(None),
            col(Invitation.reminded_at).is_(None),
            col(Invitation.sent_at).is_not(None),
            Invitation.expires_at > now + REMINDER_BEFORE,
        )
        .order_by(col(Invitation.expires_at))
        .limit(1)
    ).first()
    return None if expires is None else aware(expires) - REMINDER_BEFORE
