"""Disclosures: the subcontractors and agencies a supplier names become proposed links.

The officer confirms or rejects each; a confirmed one can be invited in turn, so the chain maps
itself tier by tier. A named company is matched to an existing supplier by registration number
or email; otherwise it is added as a new supplier marked `disclosed`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, func, select

from .. import audit
from ..chain import services as chain
from ..models import Link, LinkSource, LinkStatus, Relation, Supplier, SupplierKind
from ..questionnaires.schema import Disclosure, Questionnaire
from ..reference import normalise_country
from ..tenancy import in_org
from ..validation import InvalidInput


def propose_links(
    *,
    session: Session,
    parent: Supplier,
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
) -> list[Link]:
    """Turn every row of the answers' disclosure tables into a proposed link below parent."""
    proposed: list[Link] = []
    for question in questionnaire.questions():
        disclosure = getattr(question, "disclosure", None)
        if disclosure is None:
            continue
        for row in answers.get(question.id) or []:
            link = _propose(session, parent, row, disclosure)
            if link is not None:
                proposed.append(link)
    return proposed


def _propose(
    session: Session, parent: Supplier, row: Mapping[str, Any], disclosure: Disclosure
) -> Link | None:
    agency = disclosure == Disclosure.AGENCIES
    child = _match(session, parent.organisation_id, row) or _create(session, parent, row, agency)
    if child is None or child.id == parent.id:
        return None
    existing = session.exec(
        in_org(Link, parent.organisation_id).where(
            Link.parent_id == parent.id, Link.child_id == child.id
        )
    ).first()
    if existing is not None:
        return None
    return chain.add_link(
        session=session,
        organisation_id=parent.organisation_id,
        data=chain.LinkData(
            parent_id=parent.id,
            child_id=child.id,  # type: ignore[arg-type]
            relation=Relation.LABOUR_HIRE if agency else Relation.SUBCONTRACT,
            workers=row.get("workers"),
        ),
        source=LinkSource.DISCLOSED,
        status=LinkStatus.PROPOSED,
    )


def _match(session: Session, organisation_id: int, row: Mapping[str, Any]) -> Supplier | None:
    registration = (row.get("registration_no") or "").strip()
    email = (row.get("email") or "").strip().lower()
    for column, value in (("registration_no", registration), ("email", email)):
        if not value:
            continue
        field = getattr(Supplier, column)
        found = session.exec(
            in_org(Supplier, organisation_id).where(func.lower(field) == value.lower())
        ).first()
        if found is not None:
            return found
    return None


def _create(
    session: Session, parent: Supplier, row: Mapping[str, Any], agency: bool
) -> Supplier | None:
    name = (row.get("name") or "").strip()
    if not name:
        return None
    country = normalise_country(row.get("country") or "") or parent.country
    data = {
        "code": _free_code(session, parent.organisation_id, parent.code),
        "name": name[:200],
        "country": country,
        "registration_no": (row.get("registration_no") or "").strip()[:32],
        "email": (row.get("email") or "").strip(),
        "kind": SupplierKind.AGENCY if agency else SupplierKind.COMPANY,
    }
    try:
        supplier = chain.create_supplier(
            session=session, organisation_id=parent.organisation_id, data=chain.SupplierData(**data)
        )
    except InvalidInput as exc:
        if "email" not in exc.errors:
            raise
        # A mistyped address should not lose the company: keep it, without the address.
        supplier = chain.create_supplier(
            session=session,
            organisation_id=parent.organisation_id,
            data=chain.SupplierData(**{**data, "email": ""}),
        )
    supplier.disclosed = True
    session.add(supplier)
    session.flush()
    return supplier


def _free_code(session: Session, organisation_id: int, parent_code: str) -> str:
    """A code for a disclosed company: its discloser's code and a number, e.g. B12-D3."""
    prefix = f"{parent_code[:24]}-D"
    taken = set(
        session.exec(
            select(Supplier.code).where(
                Supplier.organisation_id == organisation_id,
                col(Supplier.code).startswith(prefix),
            )
        ).all()
    )
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def proposed_links(session: Session, organisation_id: int) -> list[Link]:
    """Links that suppliers disclosed and no officer has decided on yet, oldest first."""
    return list(
        session.exec(
            in_org(Link, organisation_id)
            .where(Link.status == LinkStatus.PROPOSED)
            .order_by(col(Link.created_at), col(Link.id))
        ).all()
    )


def confirm(*, session: Session, link: Link, actor_id: int | None) -> None:
    """Accept a disclosed link into the chain (and queue a risk assessment of it)."""
    from ..risk.services import queue_run

    link.status = LinkStatus.CONFIRMED
    session.add(link)
    queue_run(
        session=session,
        organisation_id=link.organisation_id,
        trigger="disclosure",
        user_id=actor_id,
    )
    audit.record(
        session,
        organisation_id=link.organisation_id,
        user_id=actor_id,
        action="disclosure.confirmed",
        obj=link,
        parent_id=link.parent_id,
        child_id=link.child_id,
    )
    session.flush()


def reject(*, session: Session, link: Link, actor_id: int | None) -> None:
    """Drop a disclosed link, and the company it brought in if nothing else refers to it."""
    child = session.get(Supplier, link.child_id)
    chain.delete_link(session=session, link=link, actor_id=actor_id)
    if child is not None and child.disclosed:
        remaining = session.exec(
            select(func.count())
            .select_from(Link)
            .where(
                Link.organisation_id == link.organisation_id,
                (Link.child_id == child.id) | (Link.parent_id == child.id),
            )
        ).one()
        if not remaining:
            chain.delete_supplier(session=session, supplier=child, actor_id=actor_id)
