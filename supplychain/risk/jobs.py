"""Assessment runs as jobs that commit step by step: execute carries a run out (reading,
evaluating, keeping; each step committed with its progress, renewing the run's lease). The
worker claims the oldest waiting run (a page, an import or the API queued it); `supplychain
assess` and "Assess now" carry theirs out at once (run_now)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlmodel import Session, col, select

from .. import leases
from ..db import refresh_statistics
from ..gcpause import gc_paused
from ..jobstate import aware
from ..models import AssessmentRun, Organisation, RunStatus, utcnow
from ..questionnaires.loader import Catalogue
from ..tenancy import in_org
from . import incremental
from .engine import evaluate, exposure
from .inputs import load_inputs
from .services import LEASE, latest_run, queue_run, record_run

Progress = Callable[[int, str], None]
# The tables a full run rewrites or reads in bulk: their statistics are refreshed after it.
STATISTICS = ("flag", "supplier_exposure", "run_supplier", "run_link", "supplier", "link")


def execute(
    *,
    session: Session,
    run: AssessmentRun,
    catalogue: Catalogue,
    now: datetime,
    progress: Progress | None = None,
) -> AssessmentRun:
    """Carry out a run: read, evaluate, keep the flags and scores; commits at each step."""

    step = leases.stepper(session, run, LEASE, progress)

    organisation = session.get(Organisation, run.organisation_id)
    assert organisation is not None
    run.status, run.started_at = RunStatus.RUNNING, now
    step(5, "reading")
    try:
        overrides = organisation.risk_thresholds or {}
        previous = latest_run(session, run.organisation_id)
        planned = incremental.plan(session, run, previous, now)
        if planned.mode == "full":
            _full(session, run, catalogue, now, overrides, step)
            run.summary = run.summary | {"method": planned.method(run.summary["suppliers"])}
        else:
            assert previous is not None  # plan: a first run is full
            incremental.carry_out(session, run, previous, planned, catalogue, now, overrides)
        incremental.consume(session, planned.marks)
        run.status, run.finished_at, run.claimed_until = RunStatus.DONE, utcnow(), None
        step(100, "done")
    except Exception as exc:
        session.rollback()
        run.status, run.error, run.finished_at = RunStatus.FAILED, str(exc)[:1000], utcnow()
        session.add(run)
        session.commit()
        raise
    if planned.mode == "full":
        refresh_statistics(session, STATISTICS)
    return run


def _full(
    session: Session,
    run: AssessmentRun,
    catalogue: Catalogue,
    now: datetime,
    overrides: dict[str, Any],
    step: Callable[[int, str], None],
) -> None:
    """Read the whole chain, evaluate every rule, keep the flags and scores."""
    inputs = load_inputs(session, run.organisation_id, catalogue, now)
    step(40, "evaluating")
    with gc_paused():  # half a million findings, none of them garbage
        findings = evaluate(inputs, overrides=overrides)
        unanswered = inputs.suppliers.keys() - inputs.responses.keys()
        # What follows reads no paths or edges, and keeping the run reads facts and tiers,
        # not the graph: each goes as soon as it is done with (the peak memory of a run).
        graph, inputs = inputs.graph, inputs.without_graph()
        scores = exposure(graph, findings.severity_pairs(), unanswered)
        del graph, unanswered
    step(70, "saving")
    record_run(session, run, inputs, findings, scores, overrides)


def run_now(
    *,
    session: Session,
    organisation_id: int,
    catalogue: Catalogue,
    trigger: str = "manual",
    user_id: int | None = None,
    progress: Progress | None = None,
) -> AssessmentRun:
    """Queue and carry out a run at once (the CLI, small chains, the demo). The run is
    claimed in the commit that makes it visible, so no worker takes it as well; where a worker
    claimed the waiting run first, this one is a run of its own."""
    now = utcnow()
    run = queue_run(
        session=session, organisation_id=organisation_id, trigger=trigger, user_id=user_id
    )
    claimed = session.execute(
        sa.update(AssessmentRun)
        .where(col(AssessmentRun.id) == run.id, col(AssessmentRun.status) == RunStatus.QUEUED)
        .values(status=RunStatus.RUNNING, claimed_until=now + LEASE)
    )
    # An UPDATE's result is a CursorResult, but Session.execute is typed as returning a Result.
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        run = AssessmentRun(
            organisation_id=organisation_id,
            trigger=trigger,
            user_id=user_id,
            status=RunStatus.RUNNING,
            claimed_until=now + LEASE,
        )
        session.add(run)
    session.commit()
    return execute(session=session, run=run, catalogue=catalogue, now=now, progress=progress)


def claim_queued(session: Session, now: datetime) -> AssessmentRun | None:
    """Take the oldest waiting run (or one whose worker died, or whose web request died a
    lease after it started) for this worker; commits."""
    running = col(AssessmentRun.status) == RunStatus.RUNNING
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
    finished (a failed one is recorded on the run).

    :param stop_event: when set, stop after the run in hand.
    """
    from ..questionnaires.catalogue import get_catalogue

    def carry_out(session: Session, run: AssessmentRun) -> None:
        execute(session=session, run=run, catalogue=get_catalogue(), now=utcnow())

    return leases.drain(app, claim_queued, carry_out, "assessment run", stop_event)[1]


NIGHTLY = "risk.nightly"
NIGHTLY_AFTER = timedelta(hours=23)  # a full run this recent makes the nightly one needless


def queue_nightly(_app: Flask, session: Session, now: datetime) -> int:
    """The nightly check (a periodic task): queue a full run for every organisation assessed
    before whose last full run is a day old, so that whatever no mark named (a reference
    figure changed by an upgrade, a check-in that came and went) is read again at least once a
    day; return how many were queued."""
    assessed = session.exec(select(AssessmentRun.organisation_id).distinct()).all()
    queued = 0
    for organisation_id in assessed:
        last = aware(_last_full(session, organisation_id))
        if last is None or last < now - NIGHTLY_AFTER:
            queue_run(session=session, organisation_id=organisation_id, trigger="nightly")
            queued += 1
    return queued


def _last_full(session: Session, organisation_id: int) -> datetime | None:
    """When the organisation's latest full run started (runs kept before the method was
    recorded were all full), looking back over its last hundred runs."""
    runs = session.exec(
        in_org(AssessmentRun, organisation_id)
        .where(col(AssessmentRun.status) == RunStatus.DONE)
        .order_by(col(AssessmentRun.id).desc())
        .limit(100)
    )
    for run in runs:
        if (run.summary or {}).get("method", {}).get("mode", "full") == "full":
            return run.started_at or run.created_at
    return None


def next_due(session: Session, now: datetime) -> datetime | None:
    """Now if a run is queued; else when the first running run's lease runs out (its runner
    may have died); None when no run waits."""
    return leases.next_due(session, AssessmentRun, now)
