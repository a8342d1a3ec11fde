"""Disclosures: the subcontractors and agencies a supplier names become proposed links.

The officer confirms or rejects each; a confirmed one can be invited in turn, so the chain maps
itself tier by tier. A named company is matched to an existing supplier by registration number
or email; otherwise it is added as a new supplier marked `disclosed`.

An archived supplier is matched too (a live one first): it is the same company, and its
evidence should stay on one record rather than start again on a duplicate. The proposed link
to it is listed like any other, marked archived; confirming it restores the company into the
chain (chain.retire.restore, with its links to live suppliers), rejecting it leaves the company
archived.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from sqlmodel import Session, col, func, or_, select

from .. import events
from ..chain import retire
from ..chain import services as chain
from ..models import Link, LinkSource, LinkStatus, Relation, Supplier, SupplierKind
from ..questionnaires.schema import Disclosure, Questionnaire
from ..reference.codes import normalise_country
from ..tenancy import in_org
from ..validation import InvalidInput


def propose_links(
    *,
    session: Session,
    parent: Supplier,
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
) -> list[Link]:
    """Turn every row of the answers' disclosure tables into a proposed link below parent.

    Rows are taken in order, as if one by one: a company named twice (or matched to one an
    earlier row added) is linked once, and neither parent itself nor a company parent already
    links to is proposed. One query matches all named companies, one reads the codes taken and
    one parent's links; the new suppliers, then the links, go in one flush each (one multi-row
    INSERT on PostgreSQL; on SQLite, an INSERT per row to learn the ids).
    """
    rows = [
        (row, disclosure == Disclosure.AGENCIES)
        for question in questionnaire.questions()
        if (disclosure := getattr(question, "disclosure", None)) is not None
        for row in answers.get(question.id) or []
    ]
    if not rows:
        return []
    organisation_id = parent.organisation_id
    known = _Known(session, organisation_id, [row for row, _agency in rows])
    codes = _FreeCodes(session, organisation_id, parent.code)
    children: list[tuple[Supplier | None, bool]] = []  # (child, whether this row added it)
    for row, agency in rows:
        child = known.match(row)
        added = child is None
        if child is None:
            child = _new_supplier(parent, row, agency, codes)
            if child is not None:
                known.add(child)
        children.append((child, added and child is not None))
    new = [child for child, added in children if added]
    if new:
        session.add_all(new)
        session.flush()
    links = _new_links(session, parent, rows, [child for child, _added in children])
    # The audit trail in the order one-by-one creation writes it (no acting user).
    for (child, added), link in zip(children, links, strict=True):
        if added:
            chain.record_supplier_created(session, child, None)  # type: ignore[arg-type]
        if link is not None:
            chain.record_link_created(session, link, None)
    if new:  # a new company is read by the next run whole, as one added by hand
        events.touched(session, organisation_id, "supplier", [c.id for c in new if c.id])
    return [link for link in links if link is not None]


class _Known:
    """The organisation's suppliers a row can name, by registration number and by email.

    Keyed as the database lowers the stored values, since that is what a row's (Python-lowered)
    value is compared with. Where two suppliers share a key, a live one is the match before an
    archived one, then the older one.
    """

    def __init__(
        self, session: Session, organisation_id: int, rows: list[Mapping[str, Any]]
    ) -> None:
        self.session = session
        registrations = {_registration(row).lower() for row in rows} - {""}
        emails = {_email(row) for row in rows} - {""}
        self.by_registration: dict[str, Supplier] = {}
        self.by_email: dict[str, Supplier] = {}
        if not (registrations or emails):
            return
        registration = func.lower(Supplier.registration_no)
        email = func.lower(Supplier.email)
        found = session.execute(
            in_org(Supplier, organisation_id)
            .where(or_(registration.in_(sorted(registrations)), email.in_(sorted(emails))))
            .add_columns(registration, email)
            .order_by(col(Supplier.archived_at).is_not(None), col(Supplier.id))
        ).all()
        for supplier, lowered_registration, lowered_email in found:
            if lowered_registration in registrations:
                self.by_registration.setdefault(lowered_registration, supplier)
            if lowered_email in emails:
                self.by_email.setdefault(lowered_email, supplier)

    def match(self, row: Mapping[str, Any]) -> Supplier | None:
        registration, email = _registration(row).lower(), _email(row)
        if registration in self.by_registration:
            return self.by_registration[registration]
        return self.by_email.get(email)

    def add(self, supplier: Supplier) -> None:
        """Let later rows match a supplier an earlier row added."""
        for value, known in (
            (supplier.registration_no, self.by_registration),
            (supplier.email, self.by_email),
        ):
            if value:
                known.setdefault(self._lower(value), supplier)

    def _lower(self, value: str) -> str:
        # The database's lower() agrees with Python's on ASCII; beyond it, ask the database.
        if value.isascii():
            return value.lower()
        return str(self.session.exec(select(func.lower(value))).one())


def _registration(row: Mapping[str, Any]) -> str:
    return (row.get("registration_no") or "").strip()


def _email(row: Mapping[str, Any]) -> str:
    return (row.get("email") or "").strip().lower()


class _FreeCodes:
    """Codes for disclosed companies: their discloser's code and a number, e.g. B12-D3."""

    def __init__(self, session: Session, organisation_id: int, parent_code: str) -> None:
        self.session = session
        self.organisation_id = organisation_id
        self.prefix = f"{parent_code[:24]}-D"
        self.taken: set[str] | None = None  # read when the first code is needed

    def next(self) -> str:
        if self.taken is None:
            self.taken = set(
                self.session.exec(
                    select(Supplier.code).where(
                        Supplier.organisation_id == self.organisation_id,
                        col(Supplier.code).startswith(self.prefix),
                    )
                ).all()
            )
        n = 1
        while f"{self.prefix}{n}" in self.taken:
            n += 1
        code = f"{self.prefix}{n}"
        self.taken.add(code)
        return code


def _new_supplier(
    parent: Supplier, row: Mapping[str, Any], agency: bool, codes: _FreeCodes
) -> Supplier | None:
    """The supplier a row adds (not yet in the session), or None for a row without a name.

    Checked as chain.create_supplier checks; its code is free by construction.
    """
    name = (row.get("name") or "").strip()
    if not name:
        return None
    data = chain.SupplierData(
        code=codes.next(),
        name=name[:200],
        country=normalise_country(row.get("country") or "") or parent.country,
        registration_no=_registration(row)[:32],
        email=(row.get("email") or "").strip(),
        kind=SupplierKind.AGENCY if agency else SupplierKind.COMPANY,
    )
    try:
        values = chain.clean_supplier(data)
    except InvalidInput as exc:
        if "email" not in exc.errors:
            raise
        # A mistyped address should not lose the company: keep it, without the address.
        values = chain.clean_supplier(replace(data, email=""))
    return Supplier.model_validate(
        {
            **values,
            "organisation_id": parent.organisation_id,
            "source": LinkSource.DISCLOSED,
        }
    )


def _new_links(
    session: Session,
    parent: Supplier,
    rows: list[tuple[Mapping[str, Any], bool]],
    children: list[Supplier | None],
) -> list[Link | None]:
    """The proposed link each row adds (flushed), or None where it adds none.

    Checked as chain.add_link checks, once for all rows: every child is a supplier of the
    organisation already (matched within it or added to it), and the links parent has are
    read once. Parent, loaded by the caller, is a supplier of its own organisation by
    definition; were it deleted meanwhile, the links' foreign key would refuse them.
    """
    organisation_id = parent.organisation_id
    candidates = {child.id for child in children if child is not None} - {parent.id}
    if not candidates:
        return [None] * len(rows)
    linked = {
        link.child_id
        for link in session.exec(
            in_org(Link, organisation_id).where(
                Link.parent_id == parent.id, col(Link.child_id).in_(sorted(candidates))
            )
        )
    }
    links: list[Link | None] = []
    for (row, agency), child in zip(rows, children, strict=True):
        if child is None or child.id not in candidates or child.id in linked:
            links.append(None)
            continue
        linked.add(child.id)
        values = chain.clean_link_terms(
            chain.LinkData(
                parent_id=parent.id,
                child_id=child.id,  # type: ignore[arg-type]
                relation=Relation.LABOUR_HIRE if agency else Relation.SUBCONTRACT,
                workers=row.get("workers"),
            )
        )
        links.append(
            Link.model_validate(
                {
                    **values,
                    "organisation_id": organisation_id,
                    "source": LinkSource.DISCLOSED,
                    "status": LinkStatus.PROPOSED,
                }
            )
        )
    added = [link for link in links if link is not None]
    if added:
        session.add_all(added)
        session.flush()
    return links


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
    """Accept a disclosed link into the chain (risk queues an assessment of it, on
    events.supplier_data_changed); an archived company at either end comes back into the chain
    with it."""
    for end in (link.parent_id, link.child_id):
        supplier = session.get(Supplier, end) if end is not None else None
        if supplier is not None and supplier.archived:
            retire.restore(session, supplier, actor_id=actor_id)
    link.status = LinkStatus.CONFIRMED
    session.add(link)
    events.data_changed(session, link.organisation_id, "disclosure", user_id=actor_id)
    chain.record_link_event(session, link, "disclosure.confirmed", actor_id)
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
