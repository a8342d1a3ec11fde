"""Taking suppliers out of the chain without losing evidence: archive, restore, delete for good.

A supplier that has evidence (answers, documents, decisions on its flags, companies it
disclosed, questionnaires sent to it) is archived, never deleted, by a routine action: a
delete button, the API's DELETE, an import's --prune. Archived, it leaves the map, the lists,
sendings and new assessments, and keeps everything; it can be restored. Only an admin's
"delete for good" removes such a supplier, with its answers and its documents' files. A
supplier without any evidence is simply deleted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from .. import audit, storage
from ..models import (
    AuditEvent,
    Evidence,
    Flag,
    FlagDecision,
    Invitation,
    Link,
    LinkSource,
    OutboxMessage,
    OutboxStatus,
    Response,
    ResponseStatus,
    ScreeningCheck,
    Supplier,
    SupplierExposure,
    utcnow,
)
from ..tenancy import in_org

EVIDENCE_KINDS = (
    "responses",
    "documents",
    "decisions",
    "disclosures",
    "invitations",
    "screening",
)
CHUNK = 5000


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def evidence_of(
    session: Session, organisation_id: int, supplier_ids: Iterable[int]
) -> dict[int, dict[str, int]]:
    """What each supplier holds that must not be lost, by kind (only the kinds it has; a
    supplier with nothing is left out)."""
    found: dict[int, Counter[str]] = {}
    for chunk in _chunks(sorted(set(supplier_ids))):
        for kind, query in _evidence_counts(organisation_id, chunk).items():
            for supplier_id, number in session.execute(query).all():
                if number:
                    found.setdefault(supplier_id, Counter())[kind] += number
    return {sid: dict(kinds) for sid, kinds in found.items()}


def _evidence_counts(org: int, chunk: list[int]) -> dict[str, sa.Select]:
    """For each kind of evidence, the query counting it per supplier of chunk."""

    def per_supplier(model: Any, supplier: Any, *where: Any) -> sa.Select:
        query = in_org(model, org).where(col(supplier).in_(chunk), *where)
        return query.with_only_columns(supplier, sa.func.count()).group_by(supplier)

    decided = sa.func.count(sa.distinct(FlagDecision.id))
    return {
        "responses": per_supplier(Response, Response.supplier_id),
        "documents": in_org(Evidence, org)
        .join(Response, col(Response.id) == Evidence.response_id)
        .where(col(Response.supplier_id).in_(chunk))
        .with_only_columns(Response.supplier_id, sa.func.count())
        .group_by(Response.supplier_id),
        "decisions": in_org(FlagDecision, org)
        .join(
            Flag,
            (Flag.fingerprint == FlagDecision.fingerprint)
            & (Flag.organisation_id == FlagDecision.organisation_id),
        )
        .where(col(Flag.supplier_id).in_(chunk))
        .with_only_columns(Flag.supplier_id, decided)
        .group_by(Flag.supplier_id),
        "disclosures": per_supplier(Link, Link.parent_id, Link.source == LinkSource.DISCLOSED),
        "invitations": per_supplier(Invitation, Invitation.supplier_id),
        "screening": per_supplier(ScreeningCheck, ScreeningCheck.supplier_id),
    }


def archive(
    session: Session,
    organisation_id: int,
    supplier_ids: Iterable[int],
    *,
    actor_id: int | None,
    reason: str,
    now: datetime | None = None,
) -> None:
    """Archive live suppliers and every link to or from them, in bulk, in the caller's
    transaction; each gets an audit event naming the reason ("deleted", "pruned", ...)."""
    now = now or utcnow()
    ids = sorted(set(supplier_ids))
    table, links = Supplier.__table__, Link.__table__  # type: ignore[attr-defined]
    for chunk in _chunks(ids):
        rows = session.execute(
            sa.select(table.c.id, table.c.code, table.c.name).where(
                table.c.organisation_id == organisation_id,
                table.c.id.in_(chunk),
                table.c.archived_at.is_(None),
            )
        ).all()
        live = [row.id for row in rows]
        if not live:
            continue
        session.execute(sa.update(table).where(table.c.id.in_(live)).values(archived_at=now))
        session.execute(
            sa.update(links)
            .where(
                links.c.organisation_id == organisation_id,
                links.c.archived_at.is_(None),
                links.c.parent_id.in_(live) | links.c.child_id.in_(live),
            )
            .values(archived_at=now)
        )
        _revoke_open_invitations(session, organisation_id, live, actor_id=actor_id, now=now)
        _record_rows(session, organisation_id, rows, "supplier.archived", actor_id, reason=reason)
    session.expire_all()


def _record_rows(
    session: Session,
    organisation_id: int,
    rows: Iterable[Any],
    action: str,
    actor_id: int | None,
    **details: Any,
) -> None:
    """Audit a bulk change to suppliers read as plain rows (id, code, name): one event each."""
    for row in rows:
        audit.record(
            session,
            organisation_id=organisation_id,
            user_id=actor_id,
            action=action,
            object_type="supplier",
            object_id=row.id,
            code=row.code,
            name=row.name,
            **details,
        )


def _revoke_open_invitations(
    session: Session,
    organisation_id: int,
    supplier_ids: list[int],
    *,
    actor_id: int | None,
    now: datetime,
) -> None:
    """Stop the open questionnaire links of suppliers being archived, as the campaign page's
    Revoke does: the link and any browser session opened with it stop working, and mail still
    waiting with the link is not sent. Submitted answers are kept as they are; a restore does not
    reopen the links (an officer sends a new one)."""
    submitted = sa.select(Response.id).where(
        Response.organisation_id == organisation_id, Response.status == ResponseStatus.SUBMITTED
    )
    table = Invitation.__table__  # type: ignore[attr-defined]
    open_ids = list(
        session.execute(
            sa.select(table.c.id).where(
                table.c.organisation_id == organisation_id,
                table.c.supplier_id.in_(supplier_ids),
                table.c.revoked_at.is_(None),
                table.c.expires_at > now,
                table.c.response_id.is_(None) | table.c.response_id.not_in(submitted),
            )
        ).scalars()
    )
    if not open_ids:
        return
    session.execute(
        sa.update(table)
        .where(table.c.id.in_(open_ids))
        .values(revoked_at=now, link_generation=table.c.link_generation + 1)
    )
    outbox = OutboxMessage.__table__  # type: ignore[attr-defined]
    session.execute(
        sa.delete(outbox).where(
            outbox.c.invitation_id.in_(open_ids), outbox.c.status != OutboxStatus.SENT
        )
    )
    for invitation_id in open_ids:
        audit.record(
            session,
            organisation_id=organisation_id,
            user_id=actor_id,
            action="invitation.revoked",
            object_type="invitation",
            object_id=invitation_id,
            reason="supplier archived",
        )


def restore(session: Session, supplier: Supplier, *, actor_id: int | None) -> None:
    """Bring an archived supplier back, with its links to suppliers that are live."""
    if supplier.archived_at is None:
        return
    org = supplier.organisation_id
    supplier.archived_at = None
    session.add(supplier)
    session.flush()
    links, table = Link.__table__, Supplier.__table__  # type: ignore[attr-defined]
    archived = sa.select(table.c.id).where(
        table.c.organisation_id == org, table.c.archived_at.is_not(None)
    )
    session.execute(
        sa.update(links)
        .where(
            links.c.organisation_id == org,
            links.c.archived_at.is_not(None),
            (links.c.parent_id == supplier.id) | (links.c.child_id == supplier.id),
            links.c.child_id.not_in(archived),
            sa.or_(links.c.parent_id.is_(None), links.c.parent_id.not_in(archived)),
        )
        .values(archived_at=None)
    )
    audit.record(
        session, user_id=actor_id, action="supplier.restored", obj=supplier, code=supplier.code
    )
    session.flush()
    session.expire_all()


def delete_for_good(session: Session, supplier: Supplier, *, actor_id: int | None) -> None:
    """Delete a supplier with its links, questionnaires, answers and documents (their files once
    this commits). Past assessment runs keep what they said of it."""
    _delete(session, supplier.organisation_id, [supplier.id], actor_id=actor_id)  # type: ignore[list-item]


def _delete(
    session: Session, organisation_id: int, supplier_ids: list[int], *, actor_id: int | None
) -> None:
    table, links = Supplier.__table__, Link.__table__  # type: ignore[attr-defined]
    for chunk in _chunks(supplier_ids):
        storage.delete_suppliers_documents(session, organisation_id, chunk)
        rows = session.execute(
            sa.select(table.c.id, table.c.code, table.c.name).where(
                table.c.organisation_id == organisation_id, table.c.id.in_(chunk)
            )
        ).all()
        _record_rows(session, organisation_id, rows, "supplier.deleted", actor_id)
        session.execute(
            sa.delete(links).where(
                links.c.organisation_id == organisation_id,
                links.c.parent_id.in_(chunk) | links.c.child_id.in_(chunk),
            )
        )
        session.execute(
            sa.delete(table).where(
                table.c.organisation_id == organisation_id, table.c.id.in_(chunk)
            )
        )
        # The latest run's score of the supplier has no foreign key to it (a run's records
        # have none: models.risk.RUN_RECORDS), and SQLite may give its id to the next supplier.
        session.execute(
            sa.delete(SupplierExposure).where(
                col(SupplierExposure.organisation_id) == organisation_id,
                col(SupplierExposure.supplier_id).in_(chunk),
            )
        )
    session.expire_all()


def retire(
    session: Session,
    organisation_id: int,
    supplier_ids: Iterable[int],
    *,
    actor_id: int | None,
    reason: str,
) -> tuple[list[int], list[int]]:
    """Take suppliers out of the chain the safe way: archive those with evidence, delete the
    rest. Returns (archived ids, deleted ids)."""
    ids = sorted(set(supplier_ids))
    kept = evidence_of(session, organisation_id, ids)
    archived = [sid for sid in ids if sid in kept]
    deleted = [sid for sid in ids if sid not in kept]
    archive(session, organisation_id, archived, actor_id=actor_id, reason=reason)
    _delete(session, organisation_id, deleted, actor_id=actor_id)
    return archived, deleted


def live_suppliers(organisation_id: int) -> sa.Select:
    """SELECT the organisation's suppliers that are not archived."""
    return in_org(Supplier, organisation_id).where(col(Supplier.archived_at).is_(None))


def live_links(organisation_id: int) -> sa.Select:
    """SELECT the organisation's links between suppliers that are not archived."""
    return in_org(Link, organisation_id).where(col(Link.archived_at).is_(None))


def archived_suppliers(organisation_id: int) -> sa.Select:
    """SELECT the organisation's archived suppliers."""
    return in_org(Supplier, organisation_id).where(col(Supplier.archived_at).is_not(None))


def archived_links(organisation_id: int) -> sa.Select:
    """SELECT the organisation's archived links (kept for a restore of their ends)."""
    return in_org(Link, organisation_id).where(col(Link.archived_at).is_not(None))


def archive_events(
    session: Session, organisation_id: int, supplier_ids: Iterable[int]
) -> dict[int, AuditEvent]:
    """Each supplier's latest "supplier.archived" audit event (who archived it, and why)."""
    found: dict[int, AuditEvent] = {}
    for chunk in _chunks(sorted(set(supplier_ids))):
        events = session.exec(
            in_org(AuditEvent, organisation_id)
            .where(
                AuditEvent.action == "supplier.archived",
                AuditEvent.object_type == "supplier",
                col(AuditEvent.object_id).in_(chunk),
            )
            .order_by(col(AuditEvent.id))
        )
        for event in events:
            found[event.object_id] = event  # type: ignore[index]
    return found
