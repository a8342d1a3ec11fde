"""Claiming background jobs: one runner at a time takes the oldest waiting job, for a lease.

Assessment runs, reports and chain imports share the shape (id, status, claimed_until). A job
waits while it is queued, or while it runs under a lease that ran out (its runner died: another
takes it over). On PostgreSQL the row is read FOR UPDATE SKIP LOCKED, so runners never wait on
each other nor take the same job; on SQLite the single writer gives the same guarantee. The
mail outbox claims whole batches under its own rules (see invitations.outbox.claim_batch).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask
from sqlmodel import Session, col, select

from . import db
from .jobstate import aware
from .models import RunStatus, utcnow

Job = TypeVar("Job")


def waiting(model: Any, now: datetime) -> Any:
    """The condition of a job waiting for a runner at now: queued, or its lease ran out."""
    return (col(model.status) == RunStatus.QUEUED) | (
        (col(model.status) == RunStatus.RUNNING) & (col(model.claimed_until) < now)
    )


def oldest(session: Session, model: type[Job], condition: Any, *options: Any) -> Job | None:
    """The oldest job (lowest id) meeting condition, locked for this runner on PostgreSQL;
    None, with the transaction rolled back, when no job waits.

    :param options: loader options of the query (such as deferring a large column).
    """
    query = (
        select(model)
        .options(*options)
        .where(condition)
        .order_by(col(model.id))  # type: ignore[attr-defined]
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    job = session.exec(query).first()
    if job is None:
        session.rollback()
    return job


def take(session: Session, job: Any, now: datetime, **values: Any) -> bool:
    """Write values to a waiting job if no runner claimed it since it was read (its attempts
    are as seen); commits. True if this runner took it: two runners never both do, on SQLite
    as on PostgreSQL."""
    model = type(job)
    taken = session.execute(
        sa.update(model)
        .where(
            col(model.id) == job.id,
            col(model.attempts) == job.attempts,
            waiting(model, now),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.commit()
    return bool(taken)


def claim_counted(
    session: Session,
    model: type[Job],
    now: datetime,
    *options: Any,
    lease: timedelta,
    max_attempts: int,
    give_up: Callable[[Any], dict[str, Any]],
    **running: Any,
) -> Job | None:
    """Take the oldest waiting job of model (one with attempts), or one whose runner died, for
    this runner, counting the attempt; commits. A job already taken max_attempts times is
    failed instead, with the values give_up(job) adds (its error), and the next one looked at.

    :param options: loader options of the query (see oldest).
    :param running: more values written to the job taken.
    """
    while True:
        job: Any = oldest(session, model, waiting(model, now), *options)
        if job is None:
            return None
        if job.attempts >= max_attempts:
            values = {"status": RunStatus.FAILED, "claimed_until": None, "finished_at": now}
            values |= give_up(job)
        else:
            values = {
                "status": RunStatus.RUNNING,
                "attempts": job.attempts + 1,
                "claimed_until": now + lease,
                **running,
            }
        if take(session, job, now, **values) and values["status"] == RunStatus.RUNNING:
            session.refresh(job)
            return job  # type: ignore[no-any-return]


def next_due(session: Session, model: Any, now: datetime) -> datetime | None:
    """Now if a job of model is queued; else when the first running one's lease runs out (its
    runner may have died); None when none waits."""
    queued = select(model.id).where(col(model.status) == RunStatus.QUEUED)
    if session.exec(queued.limit(1)).first() is not None:
        return now
    lease = session.exec(
        select(model.claimed_until)
        .where(col(model.status) == RunStatus.RUNNING, col(model.claimed_until) > now)
        .order_by(col(model.claimed_until))
        .limit(1)
    ).first()
    return aware(lease)


def stepper(
    session: Session, job: Any, lease: timedelta, progress: Callable[[int, str], None] | None
) -> Callable[[int, str], None]:
    """A job's step(percent, name): record its progress, renew its lease while it holds one
    (or another runner takes it over), commit, and tell progress."""

    def step(percent: int, name: str) -> None:
        job.progress, job.step = percent, name
        if job.claimed_until is not None:
            job.claimed_until = utcnow() + lease
        session.add(job)
        session.commit()
        if progress is not None:
            progress(percent, name)

    return step


def drain(
    app: Flask,
    claim: Callable[[Session, datetime], Any],
    work: Callable[[Session, Any], None],
    label: str,
    stop_event: threading.Event | None = None,
) -> tuple[int, int]:
    """Claim and carry out waiting jobs one at a time, in one session, until none waits (or
    stop_event is set, after the job in hand): (jobs taken, jobs that finished). A job that
    fails records its failure itself; it is logged and the next one goes on."""
    taken = finished = 0
    with app.app_context():
        session = db.get_session()
        while stop_event is None or not stop_event.is_set():
            job = claim(session, utcnow())
            if job is None:
                break
            taken += 1
            try:
                work(session, job)
                finished += 1
            except Exception:
                app.logger.exception("%s %s failed", label, job.id)
    return taken, finished
