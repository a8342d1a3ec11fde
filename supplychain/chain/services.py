"""Suppliers and links: validation and writes, shared by the forms, the CLI and the demo."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from .. import audit, events
from ..models import Link, LinkSource, LinkStatus, Relation, Supplier, SupplierKind
from ..reference.codes import normalise_nace
from ..tenancy import in_org
from ..validation import (
    InvalidInput,
    check_country,
    check_length,
    enum_value,
    normalise_email,
)
from .retire import live_suppliers

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class SupplierData:
    """What an officer (or an import row) says about a supplier."""

    code: str
    name: str
    country: str
    registration_no: str = ""
    sector: str = ""
    email: str = ""
    kind: SupplierKind | str = SupplierKind.COMPANY
    employees: int | None = None


@dataclass(frozen=True)
class LinkData:
    """A contractual relation; parent_id None means the organisation itself."""

    parent_id: int | None
    child_id: int
    relation: Relation | str
    workers: int | None = None
    contract_value_eur: Decimal | None = None
    labour_hours: Decimal | None = None
    start_date: date | None = None
    end_date: date | None = None
    work_country: str | None = ""  # empty: the organisation's own country


def clean_supplier(data: SupplierData) -> dict[str, Any]:
    """Return the supplier's fields in normal form, or raise InvalidInput naming every bad field."""
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {
        "code": data.code.strip(),
        "name": data.name.strip(),
        "registration_no": data.registration_no.strip(),
        "email": data.email.strip(),
        "employees": data.employees,
    }
    if not values["code"]:
        errors["code"] = _l("Enter a code.")
    elif not CODE_RE.match(values["code"]):
        errors["code"] = _l("Use letters, digits, '.', '_' and '-' only.")
    check_length(errors, "code", values["code"], 32)
    if not values["name"]:
        errors["name"] = _l("Enter the legal name.")
    check_length(errors, "name", values["name"], 200)
    check_length(errors, "registration_no", values["registration_no"], 32)
    values["country"] = check_country(errors, "country", data.country, required=True)
    sector = data.sector.strip()
    if sector:
        values["sector"] = normalise_nace(sector)
        if values["sector"] is None:
            errors["sector"] = _l(
                "Unknown NACE code %(code)s, e.g. F41.2 or N81.2.", code=sector[:10]
            )
    else:
        values["sector"] = ""
    if values["email"]:
        try:
            values["email"] = normalise_email(values["email"])
        except InvalidInput as exc:
            errors.update(exc.errors)
        check_length(errors, "email", values["email"], 254)
    try:
        values["kind"] = SupplierKind(enum_value(data.kind))
    except ValueError:
        errors["kind"] = _l("Choose company or agency.")
    if data.employees is not None and data.employees < 0:
        errors["employees"] = _l("Cannot be negative.")
    if errors:
        raise InvalidInput(errors)
    return values


def find_supplier(session: Session, organisation_id: int, code: str) -> Supplier | None:
    return session.exec(in_org(Supplier, organisation_id).where(Supplier.code == code)).first()


def _code_taken(other: Supplier) -> Any:
    if other.archived:  # not on the lists: say where the code is
        return _l(
            "An archived supplier has the code %(code)s: restore it, or choose another code.",
            code=other.code,
        )
    return _l("Another supplier already has the code %(code)s.", code=other.code)


def create_supplier(
    *, session: Session, organisation_id: int, data: SupplierData, actor_id: int | None = None
) -> Supplier:
    """Add a supplier; its code must be new within the organisation."""
    values = clean_supplier(data)
    other = find_supplier(session, organisation_id, values["code"])
    if other is not None:
        raise InvalidInput({"code": _code_taken(other)})
    supplier = Supplier.model_validate({**values, "organisation_id": organisation_id})
    session.add(supplier)
    session.flush()
    record_supplier_created(session, supplier, actor_id)
    assert supplier.id is not None  # flushed
    _changed(session, organisation_id, "supplier", {supplier.id}, set(), actor_id)
    return supplier


def record_supplier_created(session: Session, supplier: Supplier, actor_id: int | None) -> None:
    """The audit entry for a new supplier (added by hand or from a disclosure; the caller
    marks it for risk, events.touched with "supplier")."""
    audit.record(
        session, user_id=actor_id, action="supplier.created", obj=supplier, code=supplier.code
    )


def update_supplier(
    *, session: Session, supplier: Supplier, data: SupplierData, actor_id: int | None = None
) -> Supplier:
    """Change a supplier's details; a new code must not clash with another supplier's."""
    values = clean_supplier(data)
    other = find_supplier(session, supplier.organisation_id, values["code"])
    if other is not None and other.id != supplier.id:
        raise InvalidInput({"code": _code_taken(other)})
    changed = {k: v for k, v in values.items() if getattr(supplier, k) != v}
    _update(
        session, supplier, values, actor_id, "supplier.updated", fields=",".join(sorted(changed))
    )
    if changed:  # its buyers read its facts too (whether they named it, for one)
        assert supplier.id is not None
        ends = buyers_of(session, supplier.organisation_id, [supplier.id])
        _changed(session, supplier.organisation_id, "supplier", {supplier.id}, ends, actor_id)
    return supplier


def buyers_of(session: Session, organisation_id: int, ids: list[int]) -> set[int]:
    """The suppliers with a link to any of ids (the organisation itself left out)."""
    rows = session.exec(
        select(Link.parent_id).where(
            Link.organisation_id == organisation_id,
            col(Link.child_id).in_(ids),
            col(Link.parent_id).is_not(None),
        )
    )
    return {parent for parent in rows if parent is not None}


def _update(
    session: Session,
    row: Supplier | Link,
    values: Mapping[str, Any],
    actor_id: int | None,
    action: str,
    **details: Any,
) -> None:
    """Write cleaned values onto a supplier or link and audit the change as action."""
    for key, value in values.items():
        setattr(row, key, value)
    session.add(row)
    session.flush()
    audit.record(session, user_id=actor_id, action=action, obj=row, **details)


def delete_supplier(*, session: Session, supplier: Supplier, actor_id: int | None = None) -> bool:
    """Take a supplier out of the chain: archived if it holds evidence (see chain.retire),
    deleted with its links otherwise. Returns whether it was archived."""
    from . import retire

    archived, _deleted = retire.retire(
        session, supplier.organisation_id, [supplier.id], actor_id=actor_id, reason="deleted"
    )
    return bool(archived)


def clean_link_terms(data: LinkData) -> dict[str, Any]:
    """Check a link's relation, numbers and dates (no database needed)."""
    errors: dict[str, Any] = {}
    try:
        relation = Relation(enum_value(data.relation))
    except ValueError:
        errors["relation"] = _l("Choose subcontract, labour hire or supply.")
        relation = None
    for field, limit in (
        ("workers", 10**9),
        ("contract_value_eur", 10**12),
        ("labour_hours", 10**11),
    ):
        value = getattr(data, field)
        if value is not None and value < 0:
            errors[field] = _l("Cannot be negative.")
        elif value is not None and value >= limit:
            errors[field] = _l("The number is too large.")
    if data.start_date and data.end_date and data.end_date < data.start_date:
        errors["end_date"] = _l("The end comes before the start.")
    if data.parent_id is not None and data.parent_id == data.child_id:
        errors["child_id"] = _l("A supplier cannot be its own subcontractor.")
    work_country = check_country(errors, "work_country", data.work_country or "", required=False)
    if errors:
        raise InvalidInput(errors)
    return {
        "parent_id": data.parent_id,
        "child_id": data.child_id,
        "relation": relation,
        "workers": data.workers,
        "contract_value_eur": data.contract_value_eur,
        "labour_hours": data.labour_hours,
        "start_date": data.start_date,
        "end_date": data.end_date,
        "work_country": work_country,
    }


def clean_link(
    session: Session, organisation_id: int, data: LinkData, existing_id: int | None = None
) -> dict[str, Any]:
    """Check a link's ends (suppliers of this organisation, not yet linked) and its terms."""
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    try:
        values = clean_link_terms(data)
    except InvalidInput as exc:
        errors.update(exc.errors)
    # Both ends are live suppliers: an archived one is out of the chain until restored.
    ends = live_suppliers(organisation_id)
    if session.exec(ends.where(Supplier.id == data.child_id)).first() is None:
        errors["child_id"] = _l("Choose a supplier of your organisation.")
    if data.parent_id is not None and (
        session.exec(ends.where(Supplier.id == data.parent_id)).first() is None
    ):
        errors["parent_id"] = _l("Choose a supplier of your organisation.")
    if not errors:
        query = in_org(Link, organisation_id).where(Link.child_id == data.child_id)
        query = query.where(
            Link.parent_id == data.parent_id
            if data.parent_id is not None
            else Link.parent_id.is_(None)  # type: ignore[union-attr]
        )
        duplicate = session.exec(query).first()
        if duplicate is not None and duplicate.id != existing_id:
            errors["child_id"] = _l("This link already exists.")
    if errors:
        raise InvalidInput(errors)
    return values


def add_link(
    *,
    session: Session,
    organisation_id: int,
    data: LinkData,
    source: LinkSource = LinkSource.ENTERED,
    status: LinkStatus = LinkStatus.CONFIRMED,
    actor_id: int | None = None,
) -> Link:
    """Add a link between two suppliers of the organisation (or from the organisation itself)."""
    values = clean_link(session, organisation_id, data)
    link = Link.model_validate(
        {**values, "organisation_id": organisation_id, "source": source, "status": status}
    )
    session.add(link)
    session.flush()
    record_link_created(session, link, actor_id)
    _links_changed(session, link.organisation_id, [link], actor_id)
    return link


def _links_changed(
    session: Session,
    organisation_id: int,
    ends: list[Link | tuple[int | None, int]],
    actor_id: int | None,
) -> None:
    """Tell risk which suppliers a link change touched: the children and the parents (ends:
    the links, or their (parent, child) before a change)."""
    pairs = [(e.parent_id, e.child_id) if isinstance(e, Link) else e for e in ends]
    parents = {parent for parent, _ in pairs if parent is not None}
    _changed(session, organisation_id, "link", {c for _, c in pairs}, parents, actor_id)


def _changed(
    session: Session,
    organisation_id: int,
    change: str,
    below: set[int],
    ends: set[int],
    actor_id: int | None,
) -> None:
    """Tell risk what a change to the chain touched, and have it assessed: below, suppliers
    that moved or changed with everything below them (marked with change as the reason), and
    ends, suppliers whose own links or neighbours changed (marked "<change>-end")."""
    events.touched(session, organisation_id, f"{change}-end", ends)
    events.data_changed(session, organisation_id, change, user_id=actor_id, suppliers=below)


def record_link_event(
    session: Session, link: Link, action: str, actor_id: int | None, **details: Any
) -> None:
    """The audit entry for action on a link, naming its ends."""
    audit.record(
        session,
        user_id=actor_id,
        action=action,
        obj=link,
        parent_id=link.parent_id,
        child_id=link.child_id,
        **details,
    )


def record_link_created(session: Session, link: Link, actor_id: int | None) -> None:
    """The audit entry for a new link (added by hand, by import or from a disclosure)."""
    record_link_event(session, link, "link.created", actor_id, relation=link.relation.value)


def update_link(
    *, session: Session, link: Link, data: LinkData, actor_id: int | None = None
) -> Link:
    values = clean_link(session, link.organisation_id, data, existing_id=link.id)
    before = (link.parent_id, link.child_id)
    _update(session, link, values, actor_id, "link.updated")
    _links_changed(session, link.organisation_id, [before, link], actor_id)
    return link


def delete_link(*, session: Session, link: Link, actor_id: int | None = None) -> None:
    record_link_event(session, link, "link.deleted", actor_id)
    _links_changed(session, link.organisation_id, [link], actor_id)
    session.delete(link)
    session.flush()


def as_mapping(supplier: Supplier) -> Mapping[str, Any]:
    """The editable fields of a supplier, to fill a form."""
    return {k: getattr(supplier, k) for k in SupplierData.__dataclass_fields__}
