"""Whether the figures of the latest assessment are still those of the chain: computed here
and nowhere else, for every page that shows them.

"Changed" is read from the audit trail: every change to what the rules read (suppliers, links,
imports, disclosures, answers, invitations, screening checks, thresholds, the organisation's
country) writes an audit event, so the first such event since the latest finished run started
is the moment its figures went out of date. Time changes two things the rules read without an
event: an invitation's deadline passing (the rule no-response) and a screening check's
valid-until passing (the rule screening-check), read from the rows themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func

from ..jobstate import JobState, JobStatus, aware, job_status
from ..models import (
    AssessmentRun,
    AuditEvent,
    Invitation,
    Response,
    ResponseStatus,
    RunStatus,
    ScreeningCheck,
    ScreeningResult,
    Supplier,
)
from ..screening.state import DUE_SOON_DAYS
from ..tenancy import in_org
from . import snapshot
from .inputs import check_ins_read, newest_invitations
from .services import LEASE, latest_run

# Audit actions after which an assessment is out of date: a prefix ends with "." and covers
# every action under it (supplier.archived and supplier.restored too), the rest match whole.
STALE_ACTIONS = (
    "supplier.",
    "link.",
    "chain.",  # chain.imported
    "disclosure.",  # disclosure.confirmed: proposed links become part of the chain
    "invitation.",  # revoked, resent: the rules read each supplier's newest invitation
    "campaign.created",  # new invitations
    "response.submitted",
    "risk_settings.",  # risk_settings.updated: thresholds or the organisation's country
    "screening.",  # screening.recorded: a check of a screening item
)

# Actions that change the settings the rules read (written by the Thresholds page).
RISK_SETTINGS_UPDATED = "risk_settings.updated"


def stale_action(action: str) -> bool:
    """Whether an audit action makes the latest assessment out of date."""
    return any(action.startswith(a) if a.endswith(".") else action == a for a in STALE_ACTIONS)


def stale_clause() -> sa.ColumnElement[bool]:
    action = col(AuditEvent.action)
    return sa.or_(
        *[
            action.startswith(a, autoescape=True) if a.endswith(".") else action == a
            for a in STALE_ACTIONS
        ]
    )


@dataclass(frozen=True)
class Freshness:
    """How the latest assessment stands against the chain and the answers of today."""

    run: AssessmentRun | None  # the latest finished run; None: not assessed yet
    changed_at: datetime | None  # first change since that run started; None: up to date
    pending: AssessmentRun | None  # a run queued or running
    pending_status: JobStatus | None
    failed: AssessmentRun | None  # the newest run, if it failed after the latest finished one

    @property
    def assessed(self) -> bool:
        return self.run is not None

    @property
    def stale(self) -> bool:
        return self.run is not None and self.changed_at is not None

    @property
    def under_way(self) -> bool:
        return self.pending is not None

    @property
    def running(self) -> bool:
        """A runner is at work on a run (Assess now would start a second one; on a queued
        run it only carries that run out at once)."""
        return self.pending_status is not None and self.pending_status.state == JobState.RUNNING

    @property
    def offer_run(self) -> bool:
        """Whether to offer Assess now: out of date with no run under way, or the run under
        way does not move (no worker took it, or its runner stopped)."""
        if self.pending_status is None:
            return self.stale
        return self.pending_status.state in (JobState.NO_WORKER, JobState.STOPPED)


def changed_since(session: Session, organisation_id: int, moment: datetime) -> datetime | None:
    """The time of the first change to what the rules read at or after moment, or None.

    Reads audit_event by (organisation_id, created_at) in time order and stops at the first
    matching action."""
    found = session.execute(
        in_org(AuditEvent, organisation_id)
        .where(col(AuditEvent.created_at) >= moment, stale_clause())
        .order_by(col(AuditEvent.created_at))
        .limit(1)
        .with_only_columns(col(AuditEvent.created_at))
    ).scalar()
    return aware(found)


def deadline_passed(
    session: Session, organisation_id: int, moment: datetime, now: datetime
) -> datetime | None:
    """The first deadline of an unanswered invitation that passed after moment and by now, or
    None. The rule no-response reads deadlines against the run's time, and a deadline passing
    writes no audit event: without this, a run made the day before a deadline would read as
    current after it."""
    found = session.execute(
        passed_deadlines(organisation_id, moment, now).with_only_columns(
            func.min(Invitation.expires_at)
        )
    ).scalar()
    return aware(found)


def passed_deadlines(organisation_id: int, moment: datetime, now: datetime) -> sa.Select[Any]:
    """The newest invitations, unanswered and not revoked, whose deadline passed after moment
    and by now (choose the columns wanted)."""
    submitted = sa.type_coerce(Response.status, sa.String) == ResponseStatus.SUBMITTED.value
    return (
        newest_invitations(organisation_id)
        .where(
            col(Invitation.expires_at) >= moment,
            col(Invitation.expires_at) <= now,
            col(Invitation.revoked_at).is_(None),
        )
        .outerjoin(Response, col(Response.id) == Invitation.response_id)
        .where(sa.or_(col(Response.id).is_(None), sa.not_(submitted)))
    )


def screening_expired(
    session: Session, organisation_id: int, moment: datetime, now: datetime
) -> datetime | None:
    """The first moment after moment (and by now) at which a supplier's latest check of a
    screening item expired, or None: a check expires when the day after its valid-until begins
    (UTC), which writes no audit event. A failed check stays failed and is left out."""
    from ..screening.services import newest_checks

    first, last = moment.date(), now.date() - timedelta(days=1)
    if last < first:
        return None
    found = session.execute(
        newest_checks(organisation_id)
        .where(
            col(ScreeningCheck.valid_until) >= first,
            col(ScreeningCheck.valid_until) <= last,
            col(ScreeningCheck.result) != ScreeningResult.FAILED,
        )
        .with_only_columns(func.min(ScreeningCheck.valid_until))
    ).scalar()
    if found is None:
        return None
    return datetime.combine(found + timedelta(days=1), time.min, tzinfo=UTC)


def screening_moved(organisation_id: int, after: date, until: date) -> sa.Select[Any]:
    """The suppliers with a check whose state may differ between an assessment on after and
    one on until (screening.state): its valid-until passed, or came within DUE_SOON_DAYS, on a
    day in between. Any check, not only the newest: a few more suppliers re-assessed at most."""
    soon = timedelta(days=DUE_SOON_DAYS)
    valid_until, day = col(ScreeningCheck.valid_until), timedelta(days=1)
    return (
        in_org(ScreeningCheck, organisation_id)
        .where(
            sa.or_(
                valid_until.between(after, until - day),
                valid_until.between(after + soon + day, until + soon),
            )
        )
        .with_only_columns(col(ScreeningCheck.supplier_id))
        .distinct()
    )


def check_ins_arrived(
    session: Session, organisation_id: int, run: AssessmentRun, now: datetime
) -> datetime | None:
    """When the run started, if the check-ins an assessment would read now are not the ones it
    read (new ones came, or old ones passed the window); None if they are. A check-in keeps its
    day only and writes no audit entry, so the run's count is what is compared."""
    read = (run.summary or {}).get("check_ins", 0)
    if check_ins_read(session, organisation_id, now.date()) == read:
        return None
    return started(run)


def _first(*moments: datetime | None) -> datetime | None:
    return min((m for m in moments if m is not None), default=None)


def started(run: AssessmentRun) -> datetime:
    """When the run began reading (a run never started counts from its queueing)."""
    moment = aware(run.started_at or run.created_at)
    assert moment is not None
    return moment


def freshness(session: Session, organisation_id: int, now: datetime) -> Freshness:
    """The latest finished run, whether the chain or the answers changed since it started,
    and any run queued, running or failed since."""
    run = latest_run(session, organisation_id)
    runs = in_org(AssessmentRun, organisation_id).order_by(col(AssessmentRun.id).desc())
    if run is not None:  # one begun before the latest finished run would not replace it
        runs = runs.where(col(AssessmentRun.id) > run.id)
    pending = session.exec(
        runs.where(col(AssessmentRun.status).in_([RunStatus.QUEUED, RunStatus.RUNNING]))
    ).first()
    newest = session.exec(runs).first()
    failed = newest if newest is not None and newest.status == RunStatus.FAILED else None
    return Freshness(
        run=run,
        changed_at=_first(
            changed_since(session, organisation_id, started(run)),
            deadline_passed(session, organisation_id, started(run), now),
            screening_expired(session, organisation_id, started(run), now),
            check_ins_arrived(session, organisation_id, run, now),
        )
        if run
        else None,
        pending=pending,
        pending_status=run_status(pending, now) if pending is not None else None,
        failed=failed,
    )


def run_status(run: AssessmentRun, now: datetime) -> JobStatus:
    """Where a run stands; one carried out in a web request (no lease) that started more
    than a lease ago has stopped, and a worker takes it over (risk.jobs.claim_queued)."""
    return job_status(run, now, unleased=LEASE)


def assessed(session: Session, run: AssessmentRun | None, supplier: Supplier) -> bool:
    """Whether run read this supplier: it is in the chain the run kept (and existed when the
    run started, so that a supplier given a deleted one's id is not taken for it). Runs from
    before runs kept their chain are judged by the time alone."""
    if run is None:
        return False
    created = aware(supplier.created_at)
    if created is None or created >= started(run):
        return False
    if not snapshot.has_snapshot(run):
        return True
    sid = supplier.id
    return sid is not None and sid in snapshot.run_suppliers(session, run, [sid])
