"""The worker's tick: queue due reminders, send what the outbox holds, carry out assessments,
imports and reports. `supplychain worker` runs it tick after tick; with JOBS_IN_APP on, each app
process also runs it in a thread of its own (see jobs)."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlmodel import Session, col, select

from .. import db
from ..models import (
    AssessmentRun,
    Invitation,
    OutboxMessage,
    OutboxStatus,
    RunStatus,
    utcnow,
)
from . import outbox
from .allowance import Policy
from .services import REMINDER_BEFORE, send_due_reminders

Counts = dict[str, int]

REMINDERS_LOCK_KEY = 7_301_451_812  # any fixed number: names the lock among PostgreSQL's


def run_once(
    app: Flask, *, now: datetime | None = None, stop_event: threading.Event | None = None
) -> Counts:
    """One tick: queue due reminders, send every due message, then carry out the chain imports,
    the risk assessments (those the imports queued too) and the reports waiting; return what
    happened. The worker runs it, and so does an app's job thread (see jobs).

    :param now: a fixed time for the whole tick (tests); by default the clock, read afresh.
    :param stop_event: when set, the tick stops after the message or job in hand.
    """
    from ..chain.import_jobs import run_waiting as run_imports
    from ..reports.services import make_waiting as make_reports

    counts = dict.fromkeys(("reminders", "sent", "retried", "dead", "assessments"), 0)
    with app.app_context():
        session = db.get_session()
        counts["reminders"] = _queue_reminders(app, session, now or utcnow())
        _drain(app, session, counts, now=now, stop_event=stop_event)
    counts["imports"] = run_imports(app, stop_event=stop_event)
    with app.app_context():
        counts["assessments"] = _assess(app, db.get_session(), stop_event)
    counts["reports"] = make_reports(app, stop_event=stop_event)
    return counts


def next_due(app: Flask, now: datetime | None = None) -> datetime | None:
    """When a tick will next find work that is not due yet: mail to retry or put off to the
    next day, a reminder, an assessment whose runner's lease runs out; None when nothing waits.
    Work queued later wakes the app's job thread itself (see jobs)."""
    now = now or utcnow()
    with app.app_context():
        session = db.get_session()
        moments = [
            outbox.next_due(session=session, now=now),
            _next_reminder(session, now),
            _next_assessment(session, now),
        ]
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
    return None if expires is None else _utc(expires) - REMINDER_BEFORE


def _next_assessment(session: Session, now: datetime) -> datetime | None:
    queued = select(AssessmentRun.id).where(AssessmentRun.status == RunStatus.QUEUED)
    if session.exec(queued.limit(1)).first() is not None:
        return now
    lease = session.exec(
        select(AssessmentRun.claimed_until)
        .where(AssessmentRun.status == RunStatus.RUNNING, col(AssessmentRun.claimed_until) > now)
        .order_by(col(AssessmentRun.claimed_until))
        .limit(1)
    ).first()
    return None if lease is None else _utc(lease)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite's are naive UTC


def _assess(app: Flask, session: Session, stop_event: threading.Event | None) -> int:
    """Carry out waiting assessment runs, one at a time, until none is left."""
    from ..questionnaires.catalogue import get_catalogue
    from ..risk import services as risk

    done = 0
    while stop_event is None or not stop_event.is_set():
        run = risk.claim_queued(session, utcnow())
        if run is None:
            break
        try:
            risk.execute(session=session, run=run, catalogue=get_catalogue(), now=utcnow())
            done += 1
        except Exception:
            app.logger.exception("assessment run %s failed", run.id)  # recorded on the run
    return done


def _queue_reminders(app: Flask, session: Session, now: datetime) -> int:
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


def _drain(
    app: Flask,
    session: Session,
    counts: Counts,
    *,
    now: datetime | None,
    stop_event: threading.Event | None,
) -> None:
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
            return
        # Past the lease another worker may claim the rest of this batch: stop at half of it,
        # give the rest back and claim afresh, so slow SMTP never sends a message twice.
        budget_ends = time.monotonic() + lease / 2
        for index, message in enumerate(batch):
            if _stopping(stop_event) or time.monotonic() > budget_ends:
                outbox.release(session=session, messages=batch[index:])
                session.commit()
                break
            _send(app, session, message, counts, now)


def _send(
    app: Flask, session: Session, message: OutboxMessage, counts: Counts, now: datetime | None
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


def run_forever(
    app: Flask,
    *,
    interval: float,
    stop_event: threading.Event,
    on_tick: Callable[[Counts], None] | None = None,
) -> None:
    """Tick every interval seconds until stop_event is set; SIGTERM and SIGINT set it.

    A failing tick is logged and the next one runs: the worker never dies of one bad mail.
    """
    previous = _stop_on_signals(stop_event)
    try:
        while not stop_event.is_set():
            try:
                counts = run_once(app, stop_event=stop_event)
            except Exception:
                app.logger.exception("worker tick failed")
            else:
                if on_tick is not None:
                    on_tick(counts)
            stop_event.wait(interval)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _stop_on_signals(stop_event: threading.Event) -> dict[int, Any]:
    if threading.current_thread() is not threading.main_thread():
        return {}  # only the main thread may set handlers; the caller owns stop_event

    def stop(_signum: int, _frame: FrameType | None) -> None:
        # Event.set() takes a lock that the interrupted code may hold (inside Event.wait):
        # setting it from a short-lived thread cannot deadlock the handler.
        threading.Thread(target=stop_event.set, daemon=True).start()

    return {signum: signal.signal(signum, stop) for signum in (signal.SIGTERM, signal.SIGINT)}
