"""The queries behind the flag displays: a run's flags filtered by severity, rule or ILO
indicator, decision status and supplier name, the worst first, one page at a time; one
supplier's flags; and the flags read into display rows with what the run read about them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy import Select
from sqlmodel import Session, col, func, or_, select
from sqlmodel.sql.expression import SelectOfScalar

from ..models import AssessmentRun, Flag, FlagDecision, FlagStatus, RunSupplier, Severity, Supplier
from ..numbers import row_id
from ..questionnaires.loader import Catalogue
from ..tenancy import in_org
from ..vocab import GRAVEST_FIRST, Source
from . import services, snapshot
from .display import FlagItem, SectionLookup, flag_rows
from .rules import RULES

FILTERS = ("severity", "source", "rule", "status", "q", "supplier")


def filtered(session: Session, run: AssessmentRun, filters: dict[str, str]) -> SelectOfScalar[Flag]:
    """The query for run's flags that pass filters (unknown values filter nothing)."""
    query = services.flags_of(session, run)
    if filters.get("severity") in {s.value for s in Severity}:
        query = query.where(col(Flag.severity) == filters["severity"])
    if filters.get("source") in {s.value for s in Source}:
        rules = [rid for rid, rule in RULES.items() if rule.source == filters["source"]]
        query = query.where(col(Flag.rule).in_(rules))
    if filters.get("rule"):
        query = query.where(
            or_(col(Flag.rule) == filters["rule"], col(Flag.indicator) == filters["rule"])
        )
    supplier = _supplier_filter(filters.get("supplier", ""))
    if supplier is not None:  # one supplier, from the grouped view
        query = query.where(col(Flag.supplier_id) == supplier)
    if filters.get("q"):
        query = query.where(col(Flag.supplier_id).in_(_named(run, filters["q"])))
    return _by_status(query, run.organisation_id, filters.get("status", ""))


def _supplier_filter(text: str) -> int | None:
    """A supplier id from the URL, within a row id's bounds (else no filter)."""
    try:
        return row_id(text) if text else None
    except ValueError:
        return None


def count(session: Session, query: SelectOfScalar[Flag]) -> int:
    return int(session.exec(select(func.count()).select_from(query.subquery())).one())


@dataclass(frozen=True)
class Key:
    """Where a page of the list ends: its last flag's severity, rule and id (the list's
    order), carried by the next page's link as ?after=severity:rule:id."""

    severity: Severity
    rule: str
    id: int

    def __str__(self) -> str:
        return f"{self.severity.value}:{self.rule}:{self.id}"


def parse_key(text: str) -> Key | None:
    """The key in ?after=, or None (the first page) for anything that is not one."""
    severity, _, rest = text[:140].partition(":")
    rule, _, number = rest.rpartition(":")
    try:
        return Key(Severity(severity), rule[:64], row_id(number))
    except ValueError:
        return None


def page_after(
    session: Session, query: SelectOfScalar[Flag], after: Key | None, size: int, offset: int = 0
) -> tuple[list[Flag], Key | None]:
    """One page of the flags, the worst first, from the one after `after` (or offset flags
    in, for the ?page= links of old); and the key to the next page if there is one.

    Severity by severity, gravest first, each in (rule, id) order along
    ix_flag_org_severity_rule: a page reads about as many index entries as it shows, however
    deep it is, where ordering by a severity rank sorted every flag of the run."""
    wanted = offset + size + 1
    ids: list[int] = []
    for severity in GRAVEST_FIRST:
        if after is not None and severity.rank > after.severity.rank:
            continue  # graver than the page's start: on earlier pages
        part = query.where(col(Flag.severity) == severity)
        if after is not None and severity == after.severity:
            part = part.where(sa.tuple_(col(Flag.rule), col(Flag.id)) > (after.rule, after.id))
        ordered = part.with_only_columns(col(Flag.id)).order_by(col(Flag.rule), col(Flag.id))
        ids += session.execute(ordered.limit(wanted - len(ids))).scalars()
        if len(ids) >= wanted:
            break
    shown = ids[offset : offset + size]
    flags = {f.id: f for f in session.exec(select(Flag).where(col(Flag.id).in_(shown)))}
    found = [flags[i] for i in shown]
    more = len(ids) > offset + size and found
    return found, Key(found[-1].severity, found[-1].rule, shown[-1]) if more else None


def count_upto(session: Session, query: SelectOfScalar[Flag], cap: int) -> int:
    """How many flags pass the query, counted up to cap + 1 (more than cap: cap + 1)."""
    capped = query.with_only_columns(col(Flag.id)).limit(cap + 1).subquery()
    return int(session.exec(select(func.count()).select_from(capped)).one())


def of_supplier(session: Session, run: AssessmentRun, supplier_id: int) -> list[Flag]:
    """One supplier's flags in the run, in the order they were raised."""
    query = services.flags_of(session, run).where(col(Flag.supplier_id) == supplier_id)
    return list(session.exec(query.order_by(col(Flag.id))).all())


def rows(
    session: Session,
    run: AssessmentRun,
    flags: Sequence[Flag],
    *,
    catalogue: Catalogue,
    today: date,
    sections: SectionLookup | None = None,
) -> list[FlagItem]:
    """The flags as display rows: their suppliers as the run read them (linked while still the
    same), and the organisation's decisions on them."""
    ids = {f.supplier_id for f in flags if f.supplier_id is not None}
    return flag_rows(
        flags,
        suppliers=snapshot.run_suppliers(session, run, snapshot.flag_suppliers(flags)),
        decisions=services.decisions(session, run.organisation_id, [f.fingerprint for f in flags]),
        catalogue=catalogue,
        today=today,
        live=snapshot.same_suppliers(session, run, ids),
        sections=sections,
    )


def _by_status(
    query: SelectOfScalar[Flag], organisation_id: int, status: str
) -> SelectOfScalar[Flag]:
    decided = in_org(FlagDecision, organisation_id).with_only_columns(col(FlagDecision.fingerprint))
    if status == "open":
        return query.where(
            col(Flag.fingerprint).not_in(decided.where(col(FlagDecision.status) != FlagStatus.OPEN))
        )
    if status in {s.value for s in FlagStatus}:
        return query.where(
            col(Flag.fingerprint).in_(decided.where(col(FlagDecision.status) == status))
        )
    return query


def _named(run: AssessmentRun, text: str) -> Select[int | None]:
    """The ids of the suppliers whose name or code (as the run read them) contains text."""
    like = f"%{text}%"
    if snapshot.has_snapshot(run):
        return (
            snapshot.of_run(RunSupplier, run)
            .with_only_columns(col(RunSupplier.supplier_id))
            .where(or_(col(RunSupplier.name).ilike(like), col(RunSupplier.code).ilike(like)))
        )
    return (
        in_org(Supplier, run.organisation_id)
        .where(or_(col(Supplier.name).ilike(like), col(Supplier.code).ilike(like)))
        .with_only_columns(col(Supplier.id))
    )
