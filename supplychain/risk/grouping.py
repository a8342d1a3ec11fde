"""A run's flags grouped for triage: by supplier (the suppliers with the gravest flags first)
or by rule (an answer's flags by the risk they show), each group with its flags counted by
severity.

By supplier, the groups are paged by key: a page ends at its last supplier's counts and id
(?after=critical.high.medium.low.id), the next begins past them. The latest run's groups
with no filter are read along an index of each supplier's exposure, which keeps its flags by
severity, so a page of a 100k chain reads one page of rows; with filters, or for an earlier
run, the flags are counted in the database. By rule, the run's own counts (risk.tally)
answer when the filters allow."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from ..models import AssessmentRun, Flag, SupplierExposure
from ..numbers import row_id
from ..questionnaires.loader import Catalogue
from ..vocab import GRAVEST_FIRST
from . import snapshot
from .listing import rows

GROUPINGS = ("supplier", "rule")

GroupKey = tuple[int, ...]  # a supplier's flags by severity, gravest first, then its id


@dataclass(frozen=True)
class Group:
    """One group: what it is, the filter value that lists its flags, its counts."""

    key: str  # for the list's filter: a supplier's id, or a rule id (an answer's indicator)
    title: str
    counts: tuple[int, ...]  # flags by severity, gravest first (vocab.GRAVEST_FIRST)
    total: int
    source: str = ""  # by rule: where the evidence comes from
    supplier_code: str = ""
    linked: bool = False  # by supplier: still the supplier the run read (link to its page)


def parse_group_key(text: str) -> GroupKey | None:
    """The key in ?after= of a page of suppliers, or None (the first page)."""
    parts = text[:80].split(".")
    try:
        key = tuple(row_id(part) for part in parts)
    except ValueError:
        return None
    return key if len(key) == len(GRAVEST_FIRST) + 1 else None


def group_key(group: Group) -> str:
    return ".".join(str(n) for n in (*group.counts, group.key))


def _severity_counts(table: sa.Subquery) -> list[sa.ColumnElement[int]]:
    return [
        func.sum(sa.case((table.c.severity == severity.value, 1), else_=0)).label(severity.value)
        for severity in GRAVEST_FIRST
    ]


def kept_for(session: Session, run: AssessmentRun) -> bool:
    """Whether the suppliers' exposures (with their flags by severity) are this run's."""
    found = session.exec(
        select(SupplierExposure.supplier_id)
        .where(
            col(SupplierExposure.organisation_id) == run.organisation_id,
            col(SupplierExposure.run_id) == run.id,
        )
        .limit(1)  # (first() alone reads every row)
    ).first()
    return found is not None


def _page(
    columns: Sequence[Any], query: sa.Select[Any], after: GroupKey | None, offset: int, size: int
) -> sa.Select[Any]:
    """The gravest first: counts and then ids descending, so that one row comparison pages
    along the index."""
    if after is not None:
        query = query.where(sa.tuple_(*columns) < after)
    return query.order_by(*(c.desc() for c in columns)).offset(offset).limit(size + 1)


def _kept_page(
    run: AssessmentRun, after: GroupKey | None, offset: int, size: int
) -> sa.Select[Any]:
    """One page of the suppliers with flags, from their exposures (the latest run only)."""
    exposure = SupplierExposure
    columns = [col(getattr(exposure, s.value)) for s in GRAVEST_FIRST]
    columns.append(col(exposure.supplier_id))
    query = sa.select(*columns).where(
        col(exposure.organisation_id) == run.organisation_id,
        col(exposure.run_id) == run.id,
        col(exposure.flags) > 0,
    )
    return _page(columns, query, after, offset, size)


def _counted_page(
    query: SelectOfScalar[Flag], after: GroupKey | None, offset: int, size: int
) -> sa.Select[Any]:
    """One page of the suppliers with flags among query's, counted in the database."""
    table = query.subquery()
    grouped = (
        sa.select(*_severity_counts(table), table.c.supplier_id)
        .where(table.c.supplier_id.is_not(None))
        .group_by(table.c.supplier_id)
        .subquery()
    )
    columns = [grouped.c[s.value] for s in GRAVEST_FIRST] + [grouped.c.supplier_id]
    return _page(columns, sa.select(*columns), after, offset, size)


def by_supplier(
    session: Session,
    run: AssessmentRun,
    query: SelectOfScalar[Flag] | None,
    after: GroupKey | None,
    size: int,
    offset: int = 0,
) -> tuple[list[Group], str | None]:
    """One page of the suppliers with flags among query's (None: all the run's, read from
    the exposures the run kept), the gravest first; and the key to the next page, if any."""
    statement = (
        _kept_page(run, after, offset, size)
        if query is None
        else _counted_page(query, after, offset, size)
    )
    found = session.execute(statement).all()
    ids = [row[-1] for row in found[:size]]
    names = snapshot.run_suppliers(session, run, ids)
    live = snapshot.same_suppliers(session, run, ids)
    groups = []
    for *numbers, supplier_id in found[:size]:
        facts = names.get(supplier_id)
        counts = tuple(int(n or 0) for n in numbers)
        groups.append(
            Group(
                key=str(supplier_id),
                title=facts.name if facts else f"#{supplier_id}",
                counts=counts,
                total=sum(counts),
                supplier_code=facts.code if facts else "",
                linked=supplier_id in live,
            )
        )
    return groups, group_key(groups[-1]) if len(found) > size else None


def rule_counts(session: Session, query: SelectOfScalar[Flag]) -> list[list[Any]]:
    """The flags among query's as risk.tally keeps them: by rule, indicator and severity."""
    table = query.subquery()
    found = session.execute(
        sa.select(
            table.c.rule, table.c.indicator, table.c.severity, func.count(), func.min(table.c.id)
        ).group_by(table.c.rule, table.c.indicator, table.c.severity)
    ).all()
    return [
        [rule, ind, str(getattr(sev, "value", sev)), n, first] for rule, ind, sev, n, first in found
    ]


def by_rule(
    session: Session,
    run: AssessmentRun,
    counts: Sequence[Sequence[Any]],
    *,
    catalogue: Catalogue,
    today: date,
) -> list[Group]:
    """Every rule with flags among counts (an answer's flags by their indicator), the
    gravest first, each named as its first flag is headed (an answer's by the question it
    answers)."""
    order = [s.value for s in GRAVEST_FIRST]
    groups: dict[str, list[int]] = {}  # key: [first id, flags by severity...]
    for rule, indicator, severity, n, first in counts:
        key = indicator if rule == "answer" else rule
        group = groups.setdefault(key, [int(first)] + [0] * len(order))
        group[0] = min(group[0], int(first))
        group[1 + order.index(severity)] += int(n)
    ranked = sorted(
        groups.items(), key=lambda kv: ([-n for n in kv[1][1:]], -sum(kv[1][1:]), kv[0])
    )
    firsts = session.exec(select(Flag).where(col(Flag.id).in_([g[0] for _, g in ranked]))).all()
    heads = {item.id: item for item in rows(session, run, firsts, catalogue=catalogue, today=today)}
    return [
        Group(
            key=key,
            title=heads[group[0]].title,
            counts=tuple(group[1:]),
            total=sum(group[1:]),
            source=heads[group[0]].source,
        )
        for key, group in ranked
    ]
