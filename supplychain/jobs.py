"""Background work that no web request waits for: mail, reminders, assessments, imports, reports.

The worker's tick does it all (`supplychain worker`, see worker.run_once). With
JOBS_IN_APP on, an app process runs the same tick in one thread of its own, so that a single app
server with no worker still delivers it: the thread is woken when a request commits queued mail
or a queued assessment, when a page is viewed and it has not looked for a while, and by itself
while work remains that falls due later (a retry after backoff, mail put off to the next day, a
reminder). Every claim is lease-based, so app processes and workers can run side by side.

The features wake the thread from here, and the worker imports every feature's jobs: so the
thread is handed the worker's functions by create_app rather than importing them.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, g, has_request_context
from sqlmodel import Session

from .models import AssessmentRun, OutboxMessage, OutboxStatus, RunStatus, SendingJob, utcnow

_QUEUED = "jobs.queued"  # session.info: this transaction queued work for the job thread
_CREATING = threading.Lock()

Tick = Callable[..., object]  # worker.run_once: (app, *, stop_event) -> what it did
NextDue = Callable[[Flask], datetime | None]  # worker.next_due


@dataclass
class _InApp:
    """This process's job thread: at most one, and told to look again if woken while busy."""

    pid: int = field(default_factory=os.getpid)
    lock: threading.Lock = field(default_factory=threading.Lock)
    woken: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)
    wanted: bool = False
    thread: threading.Thread | None = None
    looked_at: float = float("-inf")  # time.monotonic() of the last tick's start


def init_app(app: Flask, tick: Tick, next_due: NextDue) -> None:
    """With JOBS_IN_APP on, wake the job thread after a request that queued work, and on a page
    view when the thread has not looked for WORKER_INTERVAL_SECONDS (this also starts it in a
    fresh process, and sends mail that waited for an organisation's confirmation). The thread
    runs tick, then sleeps until next_due (the worker's run_once and next_due)."""
    if not app.config["JOBS_IN_APP"]:
        return
    app.extensions["jobs_worker"] = (tick, next_due)

    @app.before_request
    def _look_now_and_then() -> None:
        state = _state(app)
        if time.monotonic() - state.looked_at >= _interval(app):
            wake(app)

    @app.teardown_request
    def _wake_if_queued(_exc: BaseException | None) -> None:
        # At the request's end, not at its commit: a request that queues a run and then
        # carries it out itself ("Assess now") has finished it by then.
        if g.pop("jobs_queued", False):
            wake(app)


def _state(app: Flask) -> _InApp:
    with _CREATING:  # two request threads of a fresh process must not start two job threads
        state: _InApp | None = app.extensions.get("jobs_in_app")
        # After a fork the parent's state is copied, but its thread is not running here.
        if state is None or state.pid != os.getpid():
            state = app.extensions["jobs_in_app"] = _InApp()
        return state


def _interval(app: Flask) -> float:
    return float(app.config.get("WORKER_INTERVAL_SECONDS", 10))


def wake(app: Flask) -> threading.Thread | None:
    """Have this process run the waiting work in its job thread, if JOBS_IN_APP is on; return
    that thread (None when the work is left to the worker)."""
    if not app.config["JOBS_IN_APP"]:
        return None
    state = _state(app)
    with state.lock:
        if state.stop.is_set():
            return None
        state.wanted = True
        state.woken.set()
        if state.thread is None or not state.thread.is_alive():
            state.thread = threading.Thread(
                target=_run, args=(app, state), name="jobs", daemon=True
            )
            state.thread.start()
        return state.thread


def stop(app: Flask, timeout: float = 60) -> None:
    """Stop this process's job thread after the job in hand, and wait for it (tests, shutdown)."""
    state: _InApp | None = app.extensions.get("jobs_in_app")
    if state is None:
        return
    with state.lock:
        state.stop.set()
        state.woken.set()
        thread = state.thread
    if thread is not None:
        thread.join(timeout)


def _run(app: Flask, state: _InApp) -> None:
    run_once, next_due = app.extensions["jobs_worker"]
    while True:
        with state.lock:
            if state.stop.is_set() or not state.wanted:
                state.thread = None
                return
            state.wanted = False
            state.woken.clear()
        state.looked_at = time.monotonic()
        delay = None
        try:
            run_once(app, stop_event=state.stop)
            delay = _delay(next_due(app), _interval(app))
        except Exception:  # each job records its own failure; this is the claiming itself
            app.logger.exception("background jobs failed")
            delay = _interval(app)
        if delay is not None:
            state.woken.wait(delay)  # until due, or woken sooner
            with state.lock:
                state.wanted = True


def _delay(due: datetime | None, interval: float) -> float | None:
    """Seconds to sleep before the next tick: until due, at least a second (no busy loop on
    work that cannot be claimed yet), at most interval; None when nothing waits."""
    if due is None:
        return None
    seconds = (due - utcnow()).total_seconds()
    return min(max(seconds, 1.0), interval)


@sa.event.listens_for(Session, "after_flush")
def _note_queued(session: Session, _context: Any) -> None:
    if _QUEUED in session.info or not has_request_context():
        return
    for obj in (*session.new, *session.dirty):
        if (isinstance(obj, OutboxMessage) and obj.status == OutboxStatus.PENDING) or (
            isinstance(obj, AssessmentRun | SendingJob) and obj.status == RunStatus.QUEUED
        ):
            session.info[_QUEUED] = True
            return


@sa.event.listens_for(Session, "after_commit")
def _queued_committed(session: Session) -> None:
    if session.info.pop(_QUEUED, False) and has_request_context():
        g.jobs_queued = True


@sa.event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # a savepoint's end: the outer transaction decides
        session.info.pop(_QUEUED, None)  # rolled back, or moved to g at the commit
