"""Reading the chain out of the database for analysis: integer ids and a few columns only."""

from __future__ import annotations

import networkx as nx
import sqlalchemy as sa
from sqlmodel import Session

from ..models import Link, LinkStatus, Supplier, SupplierKind
from ..tenancy import in_org
from .graph import build_graph
from .layout import NodeInfo


def load_graph(session: Session, organisation_id: int) -> tuple[nx.DiGraph, set[int]]:
    """The confirmed links as a graph, and the ids of the suppliers that are agencies."""
    links = in_org(Link, organisation_id).where(Link.status == LinkStatus.CONFIRMED)
    rows = session.execute(
        links.with_only_columns(Link.parent_id, Link.child_id, Link.relation)
    ).all()
    graph = build_graph((p, c, r.value) for p, c, r in rows)
    suppliers = in_org(Supplier, organisation_id).with_only_columns(Supplier.id, Supplier.kind)
    agencies = set()
    for supplier_id, kind in session.execute(suppliers):
        graph.add_node(supplier_id)  # suppliers without links still belong to the chain
        if kind == SupplierKind.AGENCY:
            agencies.add(supplier_id)
    return graph, agencies


def load_info(session: Session, organisation_id: int) -> dict[int, NodeInfo]:
    """Name, code, country, sector and kind of every supplier, by id."""
    query = in_org(Supplier, organisation_id).with_only_columns(
        Supplier.id,
        Supplier.name,
        Supplier.code,
        Supplier.country,
        Supplier.sector,
        Supplier.kind,
    )
    return {
        row[0]: NodeInfo(
            name=row[1],
            code=row[2],
            country=row[3],
            sector=row[4],
            is_agency=row[5] == SupplierKind.AGENCY,
        )
        for row in session.execute(query)
    }


def count_suppliers(session: Session, organisation_id: int) -> int:
    query = in_org(Supplier, organisation_id).with_only_columns(sa.func.count())
    return int(session.execute(query).scalar_one())
