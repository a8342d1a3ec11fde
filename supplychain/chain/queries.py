"""Reading the chain out of the database for analysis: integer ids and a few columns only.

Only the live chain is read: archived suppliers and their links are left out (chain.retire).
"""

from __future__ import annotations

import networkx as nx
import sqlalchemy as sa
from sqlmodel import Session, col

from ..gcpause import gc_paused
from ..models import Link, LinkStatus, Supplier, SupplierKind
from .graph import ChainAnalysis, analyse, build_graph
from .layout import NodeInfo
from .retire import live_links, live_suppliers


def load_graph(session: Session, organisation_id: int) -> tuple[nx.DiGraph, set[int]]:
    """The confirmed links as a graph, and the ids of the suppliers that are agencies."""
    with gc_paused():
        return _load_graph(session, organisation_id)


def _load_graph(session: Session, organisation_id: int) -> tuple[nx.DiGraph, set[int]]:
    links = live_links(organisation_id).where(Link.status == LinkStatus.CONFIRMED)
    # The relation is read as plain text: converting 100k values to the enum costs seconds.
    relation = sa.type_coerce(Link.relation, sa.String)
    rows = session.execute(links.with_only_columns(Link.parent_id, Link.child_id, relation))
    graph = build_graph(rows)
    agencies = set(
        session.execute(
            live_suppliers(organisation_id)
            .where(Supplier.kind == SupplierKind.AGENCY)
            .with_only_columns(Supplier.id)
        ).scalars()
    )
    if graph.number_of_nodes() - 1 < count_suppliers(session, organisation_id):
        # Suppliers without any link still belong to the chain (as unreachable nodes).
        ids = live_suppliers(organisation_id).with_only_columns(Supplier.id)
        graph.add_nodes_from(session.execute(ids).scalars())
    return graph, agencies


def analyse_chain(
    session: Session, organisation_id: int
) -> tuple[nx.DiGraph, set[int], ChainAnalysis]:
    """Load the chain and analyse its structure."""
    with gc_paused():
        chain, agencies = load_graph(session, organisation_id)
        return chain, agencies, analyse(chain, agencies)


def load_info(session: Session, organisation_id: int) -> dict[int, NodeInfo]:
    """Name, code, country, sector and kind of every supplier, by id."""
    query = live_suppliers(organisation_id).with_only_columns(
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
    """How many suppliers the live chain has."""
    query = live_suppliers(organisation_id).with_only_columns(sa.func.count())
    return int(session.execute(query).scalar_one())


def _plain_rows(session: Session, query: sa.Select) -> list[tuple]:  # type: ignore[type-arg]
    """The query's rows as the database driver gives them (tuples), without SQLAlchemy's rows
    and result processing: at 100k rows those cost three to four times the query itself.
    Only for columns the driver returns as they are (ints, text, booleans)."""
    connection = session.connection()
    compiled = query.compile(dialect=connection.dialect)
    params = compiled.construct_params()
    processors = compiled._bind_processors  # enums to their stored text, as execute() does
    values = {k: processors[k](v) if k in processors else v for k, v in params.items()}
    args = tuple(values[k] for k in compiled.positiontup or ()) if compiled.positional else values
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled), args)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def map_links(session: Session, organisation_id: int) -> list[tuple[int | None, int, str]]:
    """(parent id or None, child id, relation) of every confirmed live link, as plain tuples."""
    links = live_links(organisation_id).where(Link.status == LinkStatus.CONFIRMED)
    relation = sa.type_coerce(Link.relation, sa.String)
    return _plain_rows(session, links.with_only_columns(Link.parent_id, Link.child_id, relation))


def map_suppliers(session: Session, organisation_id: int) -> list[tuple[int, str, str, bool]]:
    """(id, country, sector, is an agency) of every live supplier, as plain tuples."""
    agency = sa.type_coerce(Supplier.kind, sa.String) == SupplierKind.AGENCY.value
    query = live_suppliers(organisation_id).with_only_columns(
        Supplier.id, Supplier.country, Supplier.sector, agency
    )
    return _plain_rows(session, query)


def load_info_of(session: Session, organisation_id: int, ids: set[int]) -> dict[int, NodeInfo]:
    """load_info for the suppliers in ids only (a few hundred at most)."""
    query = live_suppliers(organisation_id).with_only_columns(
        Supplier.id, Supplier.name, Supplier.code, Supplier.country, Supplier.sector, Supplier.kind
    )
    rows = session.execute(query.where(col(Supplier.id).in_(ids))) if ids else []
    return {r[0]: NodeInfo(r[1], r[2], r[3], r[4], r[5] == SupplierKind.AGENCY) for r in rows}
