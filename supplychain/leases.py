"""Claiming background jobs: one runner at a time takes the oldest waiting job, for a lease.

Assessment runs, reports and chain imports share the shape (id, status, claimed_until). A job
waits while it is queued, or while it runs under a lease that ran out (its runner died: another
takes it over). On PostgreSQL the row is read FOR UPDATE SKIP LOCKED, so runners never wait on
each other nor take the same job; on SQLite the single writer gives the same guarantee. The
mail outbox claims whole batches under its own rules (see invitations.outbox.claim_batch).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from .models import RunStatus

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
