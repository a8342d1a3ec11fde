"""The chain as an assessment run read it: kept with the run, read back for its pages.

A run keeps its suppliers (with their tiers) and its confirmed links in run_supplier and
run_link, stored the way flags are: a row holds from first_run_id to last_run_id (empty while
the latest finished run read the same), so a run that reads an unchanged chain writes nothing,
and a changed supplier or link closes its row and opens a new one. A past run's flags, exports
and reports are built from these rows and never change when the chain changes later.

Runs made before snapshots were kept (has_snapshot false) fall back to the suppliers' current
facts, leaving out suppliers created after the run (a new supplier may have taken the id of a
deleted one on SQLite).

Supplier ids and past runs: SQLite, without AUTOINCREMENT, gives a new row the highest rowid
plus one, so after the supplier with the highest id is deleted a new supplier can take its id
and with it, by id, the old flags. Rebuilding the supplier table with AUTOINCREMENT on a live
SQLite database would drop it under ON DELETE CASCADE (its links, answers and documents), so
ids stay as they are and pages check instead: `same_suppliers` links a flag to a supplier page
only when the live supplier with that id already existed when the run read the chain.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlmodel import Session, col
from sqlmodel.sql.expression import SelectOfScalar

from ..chain.graph import ROOT, ChainAnalysis, Graph, analyse, build_graph
from ..models import (
    AssessmentRun,
    Flag,
    RunLink,
    RunStatus,
    RunSupplier,
    Supplier,
)
from ..tenancy import in_org
from .bulk import insert_rows
from .findings import LinkFacts, RiskInputs, SupplierFacts
from .inputs import CHUNK, id_chunks, link_facts, supplier_facts

SUPPLIER_VALUES = (
    "code",
    "name",
    "registration_no",
    "country",
    "sector",
    "is_agency",
    "employees",
    "tier",
)
LINK_VALUES = ("relation", "workers", "contract_value_eur", "labour_hours", "work_country")

Kept = TypeVar("Kept", RunSupplier, RunLink)


# ---- writing ----------------------------------------------------------------------------------


def keep_chain(
    session: Session, run: AssessmentRun, inputs: RiskInputs, previous: AssessmentRun | None
) -> None:
    """Keep what the run read of the chain; call with the run's chain_hash already set."""
    run.has_snapshot = True
    if previous is not None and previous.has_snapshot and previous.chain_hash == run.chain_hash:
        return  # the same suppliers and links as the previous run: its rows hold for this one
    previous_id = previous.id if previous is not None else None
    suppliers = _supplier_rows(inputs, inputs.suppliers)
    links = _link_rows(session, inputs, inputs.links)
    _keep(session, run, _SUPPLIERS, ("supplier_id",), SUPPLIER_VALUES, suppliers, previous_id)
    _keep(session, run, _LINKS, ("parent_id", "child_id"), LINK_VALUES, links, previous_id)


def keep_region(
    session: Session,
    run: AssessmentRun,
    inputs: RiskInputs,
    below: Collection[int],
    children: Collection[int],
    previous_id: int,
) -> tuple[dict[tuple[int, int], LinkFacts], dict[tuple[int, int], LinkFacts]]:
    """What an incremental run read of a region whose links changed (risk.regions): the
    suppliers below (their tiers moved) and the links into children (the changed links'
    children). Returns the links whose rows it closed and those it opened."""
    suppliers = _supplier_rows(inputs, below)
    into = {key: facts for key, facts in inputs.links.items() if key[1] in children}
    links = _link_rows(session, inputs, into)
    _keep(
        session, run, _SUPPLIERS, ("supplier_id",), SUPPLIER_VALUES, suppliers, previous_id, below
    )
    closed, opened = _keep(
        session, run, _LINKS, ("parent_id", "child_id"), LINK_VALUES, links, previous_id, children
    )
    gone = {(p or ROOT, c): LinkFacts(*row) for p, c, *row in closed}
    return gone, {(p or ROOT, c): into[(p or ROOT, c)] for p, c in opened}


# SQLModel's stubs don't declare the __table__ SQLAlchemy's mapping gives every table model.
_SUPPLIERS: sa.Table = RunSupplier.__table__  # type: ignore[attr-defined]
_LINKS: sa.Table = RunLink.__table__  # type: ignore[attr-defined]


def _supplier_rows(inputs: RiskInputs, ids: Collection[int]) -> dict[int, tuple[Any, ...]]:
    """Each supplier's row as the database gives it back, key column first (compared whole)."""
    tier, facts = inputs.analysis.tier, inputs.suppliers
    return {sid: (sid,) + facts[sid] + (tier.get(sid),) for sid in ids if sid in facts}


def _link_rows(
    session: Session, inputs: RiskInputs, links: Mapping[tuple[int, int], LinkFacts]
) -> dict[tuple[int | None, int], tuple[Any, ...]]:
    """Each link's row as the database gives it back, key columns first (compared whole)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    rows: dict[tuple[int | None, int], tuple[Any, ...]] = {}
    for (parent, child), facts in links.items():
        key = (None if parent == ROOT else parent, child)
        # The contract's dates are not kept: a flag they shaped names its months in its evidence.
        value: Decimal | float | None = facts.contract_value_eur
        hours: Decimal | float | None = facts.labour_hours
        if sqlite:  # SQLite keeps NUMERIC as REAL and sqlite3 binds no Decimal: floats both ways
            value, hours = _real(facts.contract_value_eur), _real(facts.labour_hours)
        rows[key] = (*key, facts.relation, facts.workers, value, hours, facts.work_country)
    return rows


def _real(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _keep(
    session: Session,
    run: AssessmentRun,
    table: sa.Table,
    keys: tuple[str, ...],
    values: tuple[str, ...],
    current: Mapping[Any, tuple[Any, ...]],
    previous_id: int | None,
    only: Collection[int] | None = None,
) -> tuple[list[tuple[Any, ...]], list[Any]]:
    """Close the open rows that changed or went, and open rows for the new and changed (with
    only, among the rows whose last key column is one of only); return the rows closed and the
    keys of the rows opened.

    The open rows are read through the driver as plain tuples and compared whole with
    `current` (key columns, then values): SQLAlchemy's row objects cost seconds at 100k."""
    unchanged: set[Any] = set()
    closed: list[int] = []
    gone: list[tuple[Any, ...]] = []
    connection = session.connection()
    if previous_id is not None and (only is None or only):
        mark = "?" if connection.dialect.name == "sqlite" else "%s"
        names = ", ".join((*keys, *values, "id"))
        # Table and column names are the models' own, never input.
        query = (
            f"SELECT {names} FROM {table.name} "  # noqa: S608
            f"WHERE organisation_id = {mark} AND last_run_id IS NULL"
        )
        ids = sorted(only) if only is not None else []
        if only is not None:
            query += f" AND {keys[-1]} IN ({', '.join([mark] * len(ids))})"
        driver = connection.connection.dbapi_connection
        assert driver is not None  # None only once the connection is closed
        cursor = driver.cursor()
        cursor.execute(query, (run.organisation_id, *ids))
        single = len(keys) == 1
        for row in cursor.fetchall():
            key = row[0] if single else row[:2]
            if current.get(key) == row[:-1]:  # numbers as numbers: Decimal("1.50") == 1.5
                unchanged.add(key)
            else:
                closed.append(row[-1])
                gone.append(row[:-1])
        cursor.close()
    for start in range(0, len(closed), CHUNK):
        session.execute(
            sa.update(table)
            .where(table.c.id.in_(closed[start : start + CHUNK]))
            .values(last_run_id=previous_id)
        )
    head, tail = (run.organisation_id,), (run.id,)
    opened = [key for key in current if key not in unchanged]
    insert_rows(
        session,
        table,
        ("organisation_id", *keys, *values, "first_run_id"),
        (head + current[key] + tail for key in opened),
    )
    return gone, opened


# ---- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunChain:
    """A run's suppliers, links and tiers; `kept` is False for a run made before snapshots,
    whose chain is the current one (less suppliers created since)."""

    suppliers: Mapping[int, SupplierFacts]
    links: Mapping[tuple[int, int], LinkFacts]  # (parent or 0, child), like RiskInputs.links
    stored_tier: Mapping[int, int] | None
    kept: bool

    @cached_property
    def graph(self) -> Graph:
        graph = build_graph(
            (None if parent == ROOT else parent, child, link.relation)
            for (parent, child), link in self.links.items()
        )
        graph.add_nodes_from(self.suppliers)
        return graph

    @cached_property
    def analysis(self) -> ChainAnalysis:
        agencies = {sid for sid, facts in self.suppliers.items() if facts.is_agency}
        return analyse(self.graph, agencies)

    @property
    def tier(self) -> Mapping[int, int]:
        return self.stored_tier if self.stored_tier is not None else self.analysis.tier


def has_snapshot(run: AssessmentRun) -> bool:
    return bool(run.has_snapshot) and run.status == RunStatus.DONE


def of_run(model: type[Kept], run: AssessmentRun) -> SelectOfScalar[Kept]:
    """The rows that hold for a finished run: open rows hold for every run since their first."""
    last = col(model.last_run_id)
    return in_org(model, run.organisation_id).where(
        col(model.first_run_id) <= run.id, (last >= run.id) | last.is_(None)
    )


def run_suppliers(
    session: Session, run: AssessmentRun, ids: Collection[int] | None = None
) -> dict[int, SupplierFacts]:
    """The run's suppliers (only `ids`, when given) as the presenters take them."""
    return {sid: facts for sid, (facts, _tier) in _suppliers(session, run, ids).items()}


def _suppliers(
    session: Session, run: AssessmentRun, ids: Collection[int] | None
) -> dict[int, tuple[SupplierFacts, int | None]]:
    if not has_snapshot(run):
        return {sid: (facts, None) for sid, facts in _current_suppliers(session, run, ids).items()}
    query = of_run(RunSupplier, run).with_only_columns(
        col(RunSupplier.supplier_id), *(getattr(RunSupplier, c) for c in SUPPLIER_VALUES)
    )
    found: dict[int, tuple[SupplierFacts, int | None]] = {}
    for chunk in id_chunks(ids):
        rows = session.connection().execute(
            query if chunk is None else query.where(col(RunSupplier.supplier_id).in_(chunk))
        )
        for sid, code, name, reg, country, sector, agency, employees, tier in rows:
            found[sid] = (
                SupplierFacts(code, name, reg, country, sector, bool(agency), employees),
                tier,
            )
    return found


def _current_suppliers(
    session: Session, run: AssessmentRun, ids: Collection[int] | None
) -> dict[int, SupplierFacts]:
    """Today's facts of the suppliers that existed when the run read the chain."""
    read_at = run.started_at or run.created_at
    return supplier_facts(session, run.organisation_id, created_by=read_at, ids=ids)


def run_chain(session: Session, run: AssessmentRun) -> RunChain:
    """The chain as the run read it: suppliers, links, and (lazily) graph, analysis, tiers."""
    found = _suppliers(session, run, None)
    suppliers = {sid: facts for sid, (facts, _tier) in found.items()}
    if not has_snapshot(run):
        return RunChain(suppliers, _current_links(session, run, suppliers), None, kept=False)
    relation = sa.type_coerce(RunLink.relation, sa.String)
    rows = session.connection().execute(
        of_run(RunLink, run).with_only_columns(
            col(RunLink.parent_id),
            col(RunLink.child_id),
            relation,
            col(RunLink.workers),
            col(RunLink.contract_value_eur),
            col(RunLink.labour_hours),
            col(RunLink.work_country),
        )
    )
    links = {
        (parent or ROOT, child): LinkFacts(rel, workers, value, hours, where or "")
        for parent, child, rel, workers, value, hours, where in rows
    }
    tiers = {sid: tier for sid, (_facts, tier) in found.items() if tier is not None}
    tiers[ROOT] = 0
    return RunChain(suppliers, links, tiers, kept=True)


def _current_links(
    session: Session, run: AssessmentRun, suppliers: Mapping[int, SupplierFacts]
) -> dict[tuple[int, int], LinkFacts]:
    return {
        (parent, child): facts
        for (parent, child), facts in link_facts(
            session, run.organisation_id, live_only=False
        ).items()
        if child in suppliers and (parent == ROOT or parent in suppliers)
    }


def flag_suppliers(flags: Iterable[Flag]) -> set[int]:
    """The supplier ids a few flags name: their own and those in their evidence."""
    ids: set[int] = set()
    for flag in flags:
        if flag.supplier_id is not None:
            ids.add(flag.supplier_id)
        evidence = flag.content["evidence"]
        ids.update(n for n in evidence.get("path", ()) if n != ROOT)
        ids.update(evidence.get("suppliers", ()))
    return ids


def run_of(session: Session, flag: Flag) -> AssessmentRun | None:
    """The last run that raised a flag (its names are shown as that run read them)."""
    if flag.last_run_id is not None:
        return session.get(AssessmentRun, flag.last_run_id)
    return session.exec(
        in_org(AssessmentRun, flag.organisation_id)
        .where(col(AssessmentRun.status) == RunStatus.DONE)
        .order_by(col(AssessmentRun.id).desc())
    ).first()


def same_suppliers(session: Session, run: AssessmentRun, ids: Collection[int]) -> set[int]:
    """Which of these ids are still the suppliers the run read: live, and created no later
    than the run began reading (a later one took a deleted supplier's id). Only these get a
    link to a supplier page next to the run's flags."""
    read_at = run.started_at or run.created_at
    query = in_org(Supplier, run.organisation_id).with_only_columns(col(Supplier.id))
    if read_at is not None:
        query = query.where(col(Supplier.created_at) <= read_at)
    found: set[int] = set()
    for chunk in id_chunks(ids):
        assert chunk is not None
        rows = session.connection().execute(query.where(col(Supplier.id).in_(chunk)))
        # Primary keys, never None (SQLModel types an id as optional until it is stored).
        found.update(cast(Iterable[int], rows.scalars()))
    return found
