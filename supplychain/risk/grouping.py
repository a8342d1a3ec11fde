"""A run's flags grouped for triage: by supplier (the suppliers with the gravest flags first)
or by rule (an answer's flags by the risk they show), each group with its flags counted by
severity. The groups are counted in the database and paged, so a chain of thousands of
suppliers gives one page of rows, not thousands of flags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from ..models import AssessmentRun, Flag
from ..questionnaires.loader import Catalogue
from ..vocab import GRAVEST_FIRST
from . import snapshot
from .listing import rows

GROUPINGS = ("supplier", "rule")


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


def _severity_counts(table: sa.Subquery) -> list[sa.ColumnElement[int]]:
    return [
        func.sum(sa.case((table.c.severity == severity.value, 1), else_=0))
        for severity in GRAVEST_FIRST
    ]


def by_supplier(
    session: Session, run: AssessmentRun, query: SelectOfScalar[Flag], page: int, size: int
) -> tuple[list[Group], bool]:
    """One page of the suppliers with flags among query's, the gravest first."""
    table = query.subquery()
    counts = _severity_counts(table)
    found = session.exec(
        select(table.c.supplier_id, *counts, func.count())  # type: ignore[call-overload]
        .where(table.c.supplier_id.is_not(None))
        .group_by(table.c.supplier_id)
        .order_by(*(c.desc() for c in counts), func.count().desc(), table.c.supplier_id)
        .offset((page - 1) * size)
        .limit(size + 1)
    ).all()
    ids = [row[0] for row in found[:size]]
    names = snapshot.run_suppliers(session, run, ids)
    live = snapshot.same_suppliers(session, run, ids)
    groups = []
    for supplier_id, *numbers, total in found[:size]:
        facts = names.get(supplier_id)
        groups.append(
            Group(
                key=str(supplier_id),
                title=facts.name if facts else f"#{supplier_id}",
                counts=tuple(int(n or 0) for n in numbers),
                total=int(total),
                supplier_code=facts.code if facts else "",
                linked=supplier_id in live,
            )
        )
    return groups, len(found) > size


def by_rule(
    session: Session,
    run: AssessmentRun,
    query: SelectOfScalar[Flag],
    *,
    catalogue: Catalogue,
    today: date,
) -> list[Group]:
    """Every rule with flags among query's (an answer's flags by their indicator), the gravest
    first, each named as its first flag is headed (an answer's by the question it answers)."""
    table = query.subquery()
    key = sa.case((table.c.rule == "answer", table.c.indicator), else_=table.c.rule)
    counts = _severity_counts(table)
    found = session.exec(
        select(key, func.min(table.c.id), *counts, func.count())  # type: ignore[call-overload]
        .group_by(key)
        .order_by(*(c.desc() for c in counts), func.count().desc(), key)
    ).all()
    firsts = session.exec(select(Flag).where(col(Flag.id).in_([row[1] for row in found]))).all()
    heads = {item.id: item for item in rows(session, run, firsts, catalogue=catalogue, today=today)}
    return [
        Group(
            key=group_key,
            title=heads[first].title,
            counts=tuple(int(n or 0) for n in numbers),
            total=int(total),
            source=heads[first].source,
        )
        for group_key, first, *numbers, total in found
    ]
