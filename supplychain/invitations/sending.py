"""Large sendings as background jobs: above SEND_INLINE_SUPPLIERS suppliers the sending form
records the campaign and a job (services.create_campaign in_background), and the worker invites the
suppliers in batches of SEND_BATCH, each batch one transaction with its mails and its progress.
Reminders to more open invitations than that go the same way (services.queue_reminders).

A runner that dies mid-way leaves the job running under a lease that runs out; the next takes
it over from the last committed batch. Inviting is idempotent per supplier (a batch skips those
the campaign already invited), and a runner writes only while the job is still its own (the
attempts it claimed it with), so nobody is ever invited twice. A reminder is claimed on the
invitation as an officer's reminder always is: one reminded since the job was asked for is
not reminded again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from .. import leases
from ..jobstate import aware
from ..models import Campaign, RunStatus, SendingJob, utcnow
from ..questionnaires.catalogue import get_catalogue
from . import services

LEASE = timedelta(minutes=5)  # renewed at every batch, and a batch takes seconds
MAX_ATTEMPTS = 3  # a sending that kills its runner this often is given up


class TakenOver(Exception):  # noqa: N818 (reads as the state it reports)
    """Another runner holds the job now: this one must write nothing more."""


def inline_limit(config: Any) -> int:
    """The most suppliers a sending invites inside the web request."""
    return int(config.get("SEND_INLINE_SUPPLIERS", 200))


def for_campaign(session: Session, organisation_id: int, campaign_id: int) -> SendingJob | None:
    """The job inviting the suppliers of the organisation's campaign, if it was sent as one."""
    return session.exec(
        select(SendingJob).where(
            SendingJob.organisation_id == organisation_id,
            SendingJob.campaign_id == campaign_id,
        )
    ).first()


def percent(job: SendingJob) -> int:
    return 100 if not job.total else 100 * job.done // job.total


def claim_queued(session: Session, now: datetime) -> SendingJob | None:
    """Take the oldest waiting job, or one whose runner died, for this runner; commits. The
    claim is an UPDATE on the attempts seen: two runners never both take a job."""
    return leases.claim_counted(
        session,
        SendingJob,
        now,
        lease=LEASE,
        max_attempts=MAX_ATTEMPTS,
        give_up=lambda job: {"error": _give_up_text(job)},
    )


def _give_up_text(job: SendingJob) -> str:
    return str(
        _l(
            "The sending stopped %(n)d times without finishing: %(done)d of %(total)d were sent.",
            n=job.attempts,
            done=job.done,
            total=job.total,
        )
    )


def execute(*, session: Session, job: SendingJob, base_url: str, batch: int) -> SendingJob:
    """Carry out the job's invitations or reminders from where it stands, batch after batch;
    commits each."""
    attempts = job.attempts
    try:
        handle = _inviter(session, job, base_url) if job.kind == services.INVITE else None
        while job.done < job.total:
            ids = job.targets[job.done : job.done + batch]
            if handle is not None:
                handle(ids)
            else:
                services.remind_more(
                    session=session,
                    organisation_id=job.organisation_id,
                    invitation_ids=ids,
                    asked_at=aware(job.created_at) or utcnow(),
                    now=utcnow(),
                )
            done = job.done + len(ids)
            values: dict[str, Any] = {"done": done, "claimed_until": utcnow() + LEASE}
            if done >= job.total:
                values |= {"status": RunStatus.DONE, "claimed_until": None}
                values |= {"finished_at": utcnow(), "targets": []}
            _update(session, job, attempts, **values)
            session.commit()
            session.refresh(job)
    except TakenOver:
        session.rollback()
        raise
    except Exception:
        session.rollback()
        error = _l(
            "The sending stopped: %(done)d of %(total)d were sent.",
            done=job.done,
            total=job.total,
        )
        _update(
            session,
            job,
            attempts,
            status=RunStatus.FAILED,
            error=str(error),
            claimed_until=None,
            finished_at=utcnow(),
        )
        session.commit()
        raise
    return job


def _inviter(session: Session, job: SendingJob, base_url: str) -> Callable[[list[int]], int]:
    """What invites a batch of the job's suppliers to its campaign."""
    campaign = session.get(Campaign, job.campaign_id)
    assert campaign is not None
    questionnaire = get_catalogue().get(campaign.questionnaire_id, campaign.questionnaire_version)
    if questionnaire is None:
        raise LookupError(f"questionnaire {campaign.questionnaire_id} is gone")

    def invite(ids: list[int]) -> int:
        return services.invite_more(
            session=session,
            campaign=campaign,
            supplier_ids=ids,
            questionnaire=questionnaire,
            language=job.language or None,
            base_url=base_url,
            now=utcnow(),
        )

    return invite


def _update(session: Session, job: SendingJob, attempts: int, **values: Any) -> None:
    """Write to the job if this runner still holds it (it has not been claimed since)."""
    written = session.execute(
        sa.update(SendingJob)
        .where(col(SendingJob.id) == job.id, col(SendingJob.attempts) == attempts)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if not written:
        raise TakenOver(f"sending job {job.id} was taken over")


def run_waiting(app: Flask, stop_event: threading.Event | None = None) -> int:
    """Carry out every waiting sending, one at a time; return how many were taken."""
    base_url = app.config["BASE_URL"]
    batch = max(1, int(app.config.get("SEND_BATCH", 200)))

    def carry_out(session: Session, job: SendingJob) -> None:
        try:
            execute(session=session, job=job, base_url=base_url, batch=batch)
        except TakenOver:
            app.logger.warning("sending job %s was taken over by another runner", job.id)

    return leases.drain(app, claim_queued, carry_out, "sending job", stop_event)[0]


def next_due(session: Session, now: datetime) -> datetime | None:
    """Now if a sending waits; else when a running one's lease runs out; None if none."""
    return leases.next_due(session, SendingJob, now)
