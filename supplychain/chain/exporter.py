"""Exporting the chain in the import format: one row per link."""

from __future__ import annotations

from collections.abc import Iterator

from sqlmodel import Session

from .retire import live_links, live_suppliers
from .tabular import write_csv, write_xlsx


def chain_rows(session: Session, organisation_id: int) -> Iterator[list[object]]:
    """Rows in COLUMNS order, sorted by parent and child code.

    Suppliers that are not linked into the chain have no row: the format describes links.
    Archived suppliers and their links are not part of the chain and are left out.
    """
    suppliers = {s.id: s for s in session.exec(live_suppliers(organisation_id))}
    rows = []
    for link in session.exec(live_links(organisation_id)):
        if link.child_id not in suppliers or (link.parent_id and link.parent_id not in suppliers):
            continue  # a proposed link to an archived company: not in the chain
        child = suppliers[link.child_id]
        parent = suppliers[link.parent_id].code if link.parent_id else ""
        rows.append(
            [
                parent,
                child.code,
                child.name,
                link.relation.value,
                child.country,
                child.sector,
                child.registration_no,
                child.email,
                child.kind.value,
                child.employees,
                link.workers,
                link.contract_value_eur,
                link.labour_hours,
                link.work_country,
            ]
        )
    yield from sorted(rows, key=lambda r: (r[0], r[1]))


def export_csv(session: Session, organisation_id: int) -> bytes:
    return write_csv(chain_rows(session, organisation_id))


def export_xlsx(session: Session, organisation_id: int) -> bytes:
    return write_xlsx(chain_rows(session, organisation_id))
