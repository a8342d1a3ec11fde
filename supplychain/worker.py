"""The worker: every background job, tick after tick. Each tick queues due reminders, sends what
the outbox holds, then carries out the chain imports, the risk assessments (those the imports
queued too) and the reports waiting, and once a day deletes the cases closed longer ago than the
retention period and the sign-ups never confirmed (see periodic). Each kind's step lives in its
feature's jobs module (invitations.jobs, chain.jobs, risk.jobs, reports.jobs, cases.jobs,
accounts.jobs); this module only runs them in order.

`supplychain worker` runs it tick after tick (see ops.cli); with JOBS_IN_APP on, each app
process also runs it in a thread of its own (see jobs).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from datetime import datetime
from types import FrameType
from typing import Any

from flask import Flask

from . import db, periodic
from .accounts import jobs as accounts
from .cases import jobs as cases
from .chain import jobs as imports
from .invitations import jobs as mail
from .invitations import sending
from .models import utcnow
from .reports import jobs as reports
from .risk import jobs as assessments

Counts = dict[str, int]


def run_once(
    app: Flask, *, now: datetime | None = None, stop_event: threading.Event | None = None
) -> Counts:
    """One tick: invite the suppliers of large campaigns, queue due reminders, send every due
    message, then carry out the chain imports, the risk assessments (those the imports queued
    too) and the reports waiting, then the daily tasks if no runner did them in the last day
    (the nightly full assessments they queue are carried out at the next tick); return what
    happened. The worker runs it, and so does an app's job thread (see jobs).

    :param now: a fixed time for the whole tick (tests); by default the clock, read afresh.
    :param stop_event: when set, the tick stops after the message or job in hand.
    """
    counts = dict.fromkeys(("reminders", *mail.MAIL_COUNTS, "assessments"), 0)
    counts["sendings"] = sending.run_waiting(app, stop_event=stop_event)
    with app.app_context():
        session = db.get_session()
        counts["reminders"] = mail.queue_reminders(app, session, now or utcnow())
        counts |= mail.send_mail(app, session, now=now, stop_event=stop_event)
    counts["imports"] = imports.run_waiting(app, stop_event=stop_event)
    counts["assessments"] = assessments.run_waiting(app, stop_event=stop_event)
    counts["reports"] = reports.run_waiting(app, stop_event=stop_event)
    at = now or utcnow()
    counts["cases_purged"] = periodic.run_daily(app, cases.PURGE, cases.purge, at)
    counts["signups_deleted"] = periodic.run_daily(
        app, accounts.SWEEP, accounts.delete_unconfirmed, at
    )
    counts["nightly_runs"] = periodic.run_daily(
        app, assessments.NIGHTLY, assessments.queue_nightly, at
    )
    return counts


def next_due(app: Flask, now: datetime | None = None) -> datetime | None:
    """When a tick will next find work that is not due yet: mail to retry or put off to the
    next day, a reminder, an assessment whose runner's lease runs out; None when nothing waits.
    Work queued later wakes the app's job thread itself (see jobs)."""
    now = now or utcnow()
    with app.app_context():
        session = db.get_session()
        moments = [
            mail.next_due(session, now),
            assessments.next_due(session, now),
            sending.next_due(session, now),
        ]
    return min((m for m in moments if m is not None), default=None)


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
