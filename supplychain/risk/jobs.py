"""Assessment runs as background jobs: the worker claims the oldest waiting run and carries it
out (services.execute commits at each step, renewing its lease). A run queued by a page, an
import or the API waits here; `supplychain assess` and "Assess now" carry theirs out at once
(services.run_now)."""

from __future__ import annotations

import threading
from datetime import datetime

from flask import Flask
from sqlmodel import Session, col, select

from .. import db, leases
from ..jobstate import aware
from ..models import AssessmentRun, RunStatus, utcnow
from .services import LEASE, execute


def claim_queued(session: Session, now: datetime) -> AssessmentRun | None:
    """Take the oldest waiting run (or one whose worker died, or whose web request died a
    lease after it started) for this worker; commits."""
    running = AssessmentRun.status == RunStatus.RUNNING
    unleased = (
        running
        & col(AssessmentRun.claimed_until).is_(None)
        & (col(AssessmentRun.started_at) < now - LEASE)
    )
    run = leases.oldest(session, AssessmentRun, leases.waiting(AssessmentRun, now) | unleased)
    if run is None:
        return None
    run.status, run.claimed_until = RunStatus.RUNNING, now + LEASE
    session.add(run)
    session.commit()
    return run


def run_waiting(app: Flask, stop_event: threading.Event | None = None) -> int:
    """Carry out waiting assessment runs, one at a time, until none is left; return how many
    finished.

    :param stop_event: when set, stop after the run in hand.
    """
    from ..questionnaires.catalogue import get_catalogue

    done = 0
    with app.app_context():
        session = db.get_session()
        while stop_event is None or not stop_event.is_set():
            run = claim_queued(session, utcnow())
            if run is None:
                break
            try:
                execute(session=session, run=run, catalogue=get_catalogue(), now=utcnow())
                done += 1
            except Exception:
                app.logger.exception("assessment run %s failed", run.id)  # recorded on the run
    return done


def next_due(session: Session, now: datetime) -> datetime | None:
    """Now if a run is queued; else when the first running run's lease runs out (its runner
    may have died); None when no run waits."""
    queued = select(AssessmentRun.id).where(AssessmentRun.status == RunStatus.QUEUED)
    if session.exec(queued.limit(1)).first() is not None:
        return now
    lease = session.exec(
        select(AssessmentRun.claimed_until)
        .where(AssessmentRun.status == RunStatus.RUNNING, col(AssessmentRun.claimed_until) > now)
        .order_by(col(AssessmentRun.claimed_until))
        .limit(1)
    ).first()
    return aware(lease)
