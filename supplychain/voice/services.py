"""What the workers' pages do with the database: find a site by its code, keep a check-in, open
a case and find it again by its tracking code, add the worker's replies.

Nothing about the worker is given to these functions but what the worker typed: no address,
user agent or time of day (a check-in keeps its day only).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from .. import storage
from ..models import CaseMessage, CasePhoto, CheckIn, Site, SiteSupplier, Supplier, WorkerCase
from ..tenancy import in_org
from ..vocab import CaseStatus
from . import checkin
from .effectiveness import CaseRow, CheckInRow, SiteRow
from .photo import Photo

TEXT_MAX = 4000
CONTACT_MAX = 300
CODE_BYTES = 12  # 96 random bits: 16 characters to write down, never guessed

CASE_STATUS_NAMES = {
    CaseStatus.RECEIVED: _l("Received"),
    CaseStatus.ACKNOWLEDGED: _l("Acknowledged"),
    CaseStatus.UNDER_WAY: _l("Under way"),
    CaseStatus.CLOSED: _l("Closed"),
}


def code_hash(code: str) -> str:
    """The SHA-256 of a tracking code, as stored: the code itself is never kept."""
    return hashlib.sha256(code.strip().encode()).hexdigest()


def find_site(session: Session, code: str) -> Site | None:
    """The site whose public address is code (typed in any case: the codes are upper-case),
    unless archived."""
    return session.exec(
        select(Site).where(Site.code == code.upper(), col(Site.archived).is_(False))
    ).first()


def employers(session: Session, site: Site) -> list[tuple[int, str]]:
    """The suppliers on the site, (id, name) by name: the employers a worker may name."""
    assert site.id is not None
    rows = session.exec(
        in_org(Supplier, site.organisation_id)
        .join(SiteSupplier, col(SiteSupplier.supplier_id) == Supplier.id)
        .where(SiteSupplier.site_id == site.id)
        .order_by(Supplier.name)
    ).all()
    return [(s.id, s.name) for s in rows if s.id is not None]


def record_check_in(
    session: Session,
    site: Site,
    *,
    employer: str,
    answers: dict[str, str],
    language: str,
    today: date,
) -> CheckIn:
    """Keep one worker's check-in: the employer named (a supplier on the site, else None for
    "I don't know") and the answers among the questions' options."""
    assert site.id is not None
    known = {str(sid): sid for sid, _ in employers(session, site)}
    row = CheckIn(
        organisation_id=site.organisation_id,
        site_id=site.id,
        supplier_id=known.get(employer),
        language=language,
        answers=checkin.clean_answers(answers),
        given_on=today,
    )
    session.add(row)
    session.flush()
    return row


def open_case(
    session: Session,
    site: Site,
    *,
    text: str,
    contact: str,
    language: str,
    today: date,
    acknowledge_days: int,
    photo: Photo | None = None,
    folder: Path | None = None,
) -> str:
    """Open a case with the worker's text, and photo (already cleaned: voice.photo) written to
    the upload folder, and return its tracking code (shown once, stored only as its hash)."""
    assert site.id is not None
    code = secrets.token_urlsafe(CODE_BYTES)
    case = WorkerCase(
        organisation_id=site.organisation_id,
        site_id=site.id,
        code_hash=code_hash(code),
        language=language,
        text=text[:TEXT_MAX],
        contact=contact[:CONTACT_MAX],
        status=CaseStatus.RECEIVED,
        acknowledge_by=today + timedelta(days=acknowledge_days),
    )
    session.add(case)
    session.flush()
    if photo is not None:
        assert folder is not None and case.id is not None
        session.add(
            CasePhoto(
                organisation_id=case.organisation_id,
                case_id=case.id,
                stored_name=storage.keep(session, folder, case.organisation_id, photo.data),
                size=len(photo.data),
                width=photo.width,
                height=photo.height,
                sha256=hashlib.sha256(photo.data).hexdigest(),
            )
        )
        session.flush()
    return code


def find_case(session: Session, code: str) -> WorkerCase | None:
    """The case whose tracking code this is, or None."""
    if not code.strip():
        return None
    return session.exec(select(WorkerCase).where(WorkerCase.code_hash == code_hash(code))).first()


def messages(session: Session, case: WorkerCase) -> list[CaseMessage]:
    """The case's messages to and from the worker, oldest first."""
    return list(
        session.exec(
            in_org(CaseMessage, case.organisation_id)
            .where(CaseMessage.case_id == case.id)
            .order_by(col(CaseMessage.created_at), col(CaseMessage.id))
        ).all()
    )


def reply(session: Session, case: WorkerCase, text: str) -> CaseMessage:
    """Add the worker's message to the case."""
    assert case.id is not None
    message = CaseMessage(
        organisation_id=case.organisation_id,
        case_id=case.id,
        from_worker=True,
        text=text[:TEXT_MAX],
    )
    session.add(message)
    session.flush()
    return message


def check_ins_at(
    session: Session, organisation_id: int, site_id: int
) -> list[tuple[int | None, dict[str, str]]]:
    """The site's check-ins as (employer id or None for "I don't know", answers)."""
    query = (
        in_org(CheckIn, organisation_id)
        .where(CheckIn.site_id == site_id)
        .with_only_columns(CheckIn.supplier_id, CheckIn.answers)
    )
    return [(supplier_id, dict(answers)) for supplier_id, answers in session.execute(query)]


def effectiveness_rows(
    session: Session, organisation_id: int, *, active_only: bool = False
) -> tuple[list[SiteRow], list[CaseRow], list[CheckInRow]]:
    """The organisation's sites by name (the archived ones too unless active_only), and the
    cases and check-ins the channel's figures count (voice.effectiveness), never a word of a
    worker's."""
    site_query = in_org(Site, organisation_id).order_by(Site.name, Site.id)
    if active_only:
        site_query = site_query.where(col(Site.archived).is_(False))
    sites = [
        SiteRow(site.id, site.name, site.archived)
        for site in session.exec(site_query)
        if site.id is not None
    ]
    case_columns = (
        WorkerCase.id,
        WorkerCase.site_id,
        WorkerCase.status,
        WorkerCase.created_at,
        WorkerCase.acknowledge_by,
        WorkerCase.acknowledged_at,
        WorkerCase.closed_at,
        WorkerCase.indicators,
    )
    query = in_org(WorkerCase, organisation_id).order_by(col(WorkerCase.id))
    cases = [
        CaseRow(
            id=row.id,
            site_id=row.site_id,
            status=CaseStatus(row.status).value,
            created_at=row.created_at,
            acknowledge_by=row.acknowledge_by,
            acknowledged_at=row.acknowledged_at,
            closed_at=row.closed_at,
            indicators=tuple(row.indicators),
        )
        for row in session.execute(query.with_only_columns(*case_columns))
    ]
    check_ins = [
        CheckInRow(site_id, supplier_id)
        for site_id, supplier_id in session.execute(
            in_org(CheckIn, organisation_id).with_only_columns(CheckIn.site_id, CheckIn.supplier_id)
        )
    ]
    return sites, cases, check_ins


def report_excerpts(session: Session, organisation_id: int) -> dict[int, str]:
    """The excerpts officers wrote for the risk report, by case id (the cases with one)."""
    query = (
        in_org(WorkerCase, organisation_id)
        .where(WorkerCase.report_excerpt != "")
        .with_only_columns(WorkerCase.id, WorkerCase.report_excerpt)
    )
    return {case_id: excerpt for case_id, excerpt in session.execute(query)}
