"""Where a background job stands, for the pages that show one: assessments, reports and chain
imports share the shape (status, created_at, claimed_until, error), and so no progress bar
waits for ever.

A queued job that no runner has taken for WORKER_PATIENCE says that it waits for a worker; a
running job whose lease ran out says that its runner stopped (a runner takes such jobs over);
a failed one gives its reason. Pure: no Flask, no database.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .models import RunStatus

# A runner looks for work every few seconds (SUPPLYCHAIN_WORKER_INTERVAL_SECONDS, 10 by
# default): a job still queued after this long has nobody to run it.
WORKER_PATIENCE = timedelta(minutes=2)


class JobState(enum.StrEnum):
    QUEUED = "queued"  # waiting for its turn, for less than WORKER_PATIENCE
    NO_WORKER = "no_worker"  # waiting for longer: is a worker running?
    RUNNING = "running"
    STOPPED = "stopped"  # running, but its runner's lease ran out: it will be taken over
    FAILED = "failed"
    DONE = "done"


@dataclass(frozen=True)
class JobStatus:
    state: JobState
    since: datetime | None  # queued since (NO_WORKER), lease ran out at (STOPPED)
    error: str = ""
    recent: bool = True  # since is within the last twelve hours: its time of day says enough

    @property
    def working(self) -> bool:
        """Not finished yet (the page refreshes itself)."""
        return self.state in (
            JobState.QUEUED,
            JobState.NO_WORKER,
            JobState.RUNNING,
            JobState.STOPPED,
        )


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


_CREATED = object()


def job_status(
    job: Any, now: datetime, queued_at: Any = _CREATED, unleased: timedelta | None = None
) -> JobStatus:
    """Where job (an AssessmentRun, a Report or a ChainImport) stands at now.

    :param queued_at: when it was queued, if not its created_at; None if unknown (then it
        never says that it waits for a worker).
    :param unleased: a job running with no lease (carried out in a web request) counts as
        stopped once it started this long ago; by default it never does.
    """
    status = job.status
    if status == RunStatus.QUEUED:
        queued = aware(job.created_at if queued_at is _CREATED else queued_at)
        if queued is not None and now - queued > WORKER_PATIENCE:
            return JobStatus(JobState.NO_WORKER, queued, recent=_recent(queued, now))
        return JobStatus(JobState.QUEUED, queued)
    if status == RunStatus.RUNNING:
        until = aware(job.claimed_until)
        started = aware(getattr(job, "started_at", None))
        if until is None and unleased is not None and started is not None:
            until = started + unleased
        if until is not None and until < now:
            return JobStatus(JobState.STOPPED, until, recent=_recent(until, now))
        return JobStatus(JobState.RUNNING, None)
    if status == RunStatus.FAILED:
        return JobStatus(JobState.FAILED, aware(job.finished_at), job.error or "")
    return JobStatus(JobState.DONE, aware(job.finished_at))


def _recent(moment: datetime, now: datetime) -> bool:
    return now - moment < timedelta(hours=12)
