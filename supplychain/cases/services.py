"""Handling a worker's report: commands that flush (the view commits) and the queries the
pages read. Every change is in the audit trail; the worker's own words are never in it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, delete, select

from .. import audit, events, storage
from ..models import CaseMessage, CasePhoto, CaseStatus, Site, Supplier, WorkerCase
from ..tenancy import in_org
from ..validation import InvalidInput
from ..vocab import KEY_INDICATORS, IloIndicator
from ..voice import effectiveness

MAX_MESSAGE = 4000
MAX_EXCERPT = 1000


def cases_of(
    session: Session, organisation_id: int, status: CaseStatus | None = None
) -> list[tuple[WorkerCase, str]]:
    """The organisation's cases with their site's name, the newest first."""
    query = (
        select(WorkerCase, Site.name)
        .join(Site, col(Site.id) == col(WorkerCase.site_id))
        .where(WorkerCase.organisation_id == organisation_id)
        .order_by(col(WorkerCase.id).desc())
    )
    if status is not None:
        query = query.where(col(WorkerCase.status) == status)
    return [(case, name) for case, name in session.exec(query).all()]


def is_overdue(case: WorkerCase, today: date) -> bool:
    """Received and not acknowledged by the day it was due."""
    return effectiveness.is_overdue(case.status, case.acknowledge_by, today)


def is_critical(case: WorkerCase) -> bool:
    return any(IloIndicator(i) in KEY_INDICATORS for i in case.indicators)


def messages_of(session: Session, case: WorkerCase) -> list[CaseMessage]:
    return list(
        session.exec(
            select(CaseMessage)
            .where(CaseMessage.organisation_id == case.organisation_id)
            .where(CaseMessage.case_id == case.id)
            .order_by(col(CaseMessage.id))
        ).all()
    )


def photo_of(session: Session, case: WorkerCase) -> CasePhoto | None:
    """The photo the worker sent with the report, if any."""
    return session.exec(
        in_org(CasePhoto, case.organisation_id).where(CasePhoto.case_id == case.id)
    ).first()


def acknowledge(session: Session, case: WorkerCase, user_id: int, now: datetime) -> None:
    """Acknowledge a received case; the officer who does so handles it unless someone does."""
    if case.status != CaseStatus.RECEIVED:
        raise InvalidInput({"status": _l("This case has already been acknowledged.")})
    case.status = CaseStatus.ACKNOWLEDGED
    case.acknowledged_at = now
    case.owner_id = case.owner_id or user_id
    _changed(session, case, user_id, "case.acknowledged")


def move(
    session: Session, case: WorkerCase, status: CaseStatus, user_id: int, now: datetime
) -> None:
    """Put an acknowledged case under way, close it, or open a closed one again."""
    allowed = {
        CaseStatus.UNDER_WAY: {CaseStatus.ACKNOWLEDGED, CaseStatus.CLOSED},
        CaseStatus.CLOSED: {CaseStatus.ACKNOWLEDGED, CaseStatus.UNDER_WAY},
    }
    if case.status not in allowed.get(status, ()):
        raise InvalidInput({"status": _l("Acknowledge the case first.")})
    case.status = status
    case.closed_at = now if status == CaseStatus.CLOSED else None
    _changed(session, case, user_id, f"case.{status.value}")


def take(session: Session, case: WorkerCase, user_id: int) -> None:
    """The officer takes the case over: the worker's contact is shown to its handler only."""
    case.owner_id = user_id
    _changed(session, case, user_id, "case.taken")


def reply(session: Session, case: WorkerCase, text: str, user_id: int) -> CaseMessage:
    """A message to the worker, read with the tracking code."""
    text = text.strip()
    if not text:
        raise InvalidInput({"text": _l("Write the message.")})
    if len(text) > MAX_MESSAGE:
        raise InvalidInput({"text": _l("A message is at most %(n)d characters.", n=MAX_MESSAGE)})
    message = CaseMessage(
        organisation_id=case.organisation_id,
        case_id=case.id,  # type: ignore[arg-type]
        from_worker=False,
        text=text,
        author_id=user_id,
    )
    session.add(message)
    _changed(session, case, user_id, "case.answered")
    return message


def confirm(
    session: Session,
    case: WorkerCase,
    indicators: Iterable[str],
    supplier_ids: Iterable[int],
    user_id: int,
) -> None:
    """Record the ILO indicators the officer confirms and the suppliers the case concerns
    (the organisation's own suppliers only)."""
    known = {i.value for i in IloIndicator}
    chosen = sorted(set(indicators))
    if set(chosen) - known:
        raise InvalidInput({"indicators": _l("Choose indicators from the list.")})
    wanted = sorted(set(supplier_ids))
    found = session.exec(
        in_org(Supplier, case.organisation_id).where(col(Supplier.id).in_(wanted))
    ).all()
    if len(found) != len(wanted):
        raise InvalidInput({"supplier_ids": _l("Choose suppliers of your organisation.")})
    before = set(case.supplier_ids or ())
    case.indicators = chosen
    case.supplier_ids = wanted
    _changed(session, case, user_id, "case.confirmed", indicators=chosen, suppliers=wanted)
    events.data_changed(
        session,
        case.organisation_id,
        "worker-report",
        user_id=user_id,
        suppliers=before | set(wanted),  # those it no longer concerns change too
    )


def set_excerpt(session: Session, case: WorkerCase, text: str, user_id: int) -> None:
    """Keep the officer's redacted excerpt of the case for the risk report (empty: none). The
    audit trail says that it changed, never what it says."""
    text = text.strip()
    if len(text) > MAX_EXCERPT:
        raise InvalidInput(
            {"report_excerpt": _l("An excerpt is at most %(n)d characters.", n=MAX_EXCERPT)}
        )
    if text == case.report_excerpt:
        return
    case.report_excerpt = text
    _changed(session, case, user_id, "case.excerpt_set", length=len(text))


def purge_closed(session: Session, now: datetime, months: int) -> int:
    """Delete the cases closed more than `months` months ago (30-day months), with their
    messages and photos (the files once this commits); an audit entry says each one was.
    Returns how many went."""
    cutoff = now - timedelta(days=30 * months)
    old = session.exec(
        select(WorkerCase)
        .where(col(WorkerCase.status) == CaseStatus.CLOSED)
        .where(col(WorkerCase.closed_at) < cutoff)
    ).all()
    for case in old:
        session.execute(delete(CaseMessage).where(col(CaseMessage.case_id) == case.id))
        photos = select(CasePhoto.organisation_id, CasePhoto.stored_name).where(
            CasePhoto.organisation_id == case.organisation_id, CasePhoto.case_id == case.id
        )
        storage.delete_after_commit(session, session.exec(photos).all())
        session.execute(delete(CasePhoto).where(col(CasePhoto.case_id) == case.id))
        audit.record(
            session,
            user_id=None,
            action="case.deleted",
            obj=case,
            site_id=case.site_id,
            closed_at=case.closed_at,
            retention_months=months,
        )
        session.delete(case)
    session.flush()
    return len(old)


def _changed(
    session: Session, case: WorkerCase, user_id: int, action: str, **details: object
) -> None:
    session.add(case)
    audit.record(session, user_id=user_id, action=action, obj=case, **details)
    session.flush()
