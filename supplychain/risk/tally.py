"""A run's flags counted once, when the run is recorded: by rule, indicator and severity, with
each group's first flag. The flags page reads its totals and its view by rule from these
counts instead of counting some 400,000 flags of a 100k chain on every request; a run's flags
never change after it (a later run only closes them), so the counts hold for good.

Only the filters the counts can answer are answered here (severity, source, rule); a
decision status, a supplier or a name asks the database (risk.listing). Runs recorded
before the counts were kept have none: their pages count as they did.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlmodel import Session, col, func

from ..models import AssessmentRun, Flag, Severity
from ..tenancy import in_org
from ..vocab import Source
from .rules import RULES

KEY = "tally"  # in AssessmentRun.summary: [[rule, indicator, severity, flags, first id], ...]
COUNTED = ("severity", "source", "rule")  # the filters the counts answer


def counted(session: Session, run: AssessmentRun) -> list[list[Any]]:
    """The open flags (those the run being recorded raises) by rule, indicator and severity,
    each with its number and its first flag's id; call once the run's flags are kept."""
    rows = session.execute(
        in_org(Flag, run.organisation_id)
        .where(col(Flag.last_run_id).is_(None))
        .with_only_columns(
            col(Flag.rule), col(Flag.indicator), col(Flag.severity), func.count(), func.min(Flag.id)
        )
        .group_by(col(Flag.rule), col(Flag.indicator), col(Flag.severity))
    ).all()
    return sorted(
        [rule, indicator, Severity(sev).value, n, first] for rule, indicator, sev, n, first in rows
    )


Counted = tuple[str, Severity, str]  # a flag's rule, severity and indicator


def updated(
    session: Session,
    run: AssessmentRun,
    rows: Sequence[Sequence[Any]] | None,
    closed: Iterable[Counted],
    opened: Iterable[Counted],
) -> list[list[Any]] | None:
    """The previous run's counts (rows) with the flags an incremental run closed and opened,
    as counted() would count them now: each group they touched has its first flag read again
    (along ix_flag_org_severity_rule). None if the previous run kept none."""
    if rows is None:
        return None
    counts = {(r[0], r[1], r[2]): [int(r[3]), r[4]] for r in rows}
    touched = set()
    for change, flags in ((-1, closed), (1, opened)):
        for rule, severity, indicator in flags:
            key = (rule, indicator, Severity(severity).value)
            counts.setdefault(key, [0, None])[0] += change
            touched.add(key)
    for key in touched:
        if counts[key][0] <= 0:
            del counts[key]
            continue
        counts[key][1] = session.execute(
            in_org(Flag, run.organisation_id)
            .where(
                col(Flag.last_run_id).is_(None),
                col(Flag.severity) == key[2],
                col(Flag.rule) == key[0],
                col(Flag.indicator) == key[1],
            )
            .with_only_columns(func.min(Flag.id))
        ).scalar()
    return sorted([*key, n, first] for key, (n, first) in counts.items())


def answers(run: AssessmentRun, filters: Mapping[str, str]) -> list[list[Any]] | None:
    """The run's counts that pass filters, or None if the run kept none or a filter is one
    the counts cannot answer."""
    rows = (run.summary or {}).get(KEY)
    if rows is None or any(v for k, v in filters.items() if k not in COUNTED):
        return None
    return [row for row in rows if _passes(row, filters)]


def total(rows: Sequence[Sequence[Any]]) -> int:
    return sum(int(row[3]) for row in rows)


def _passes(row: Sequence[Any], filters: Mapping[str, str]) -> bool:
    """As risk.listing.filtered reads the same filters (unknown values filter nothing)."""
    rule, indicator, severity = row[0], row[1], row[2]
    wanted = filters.get("severity", "")
    if wanted in {s.value for s in Severity} and severity != wanted:
        return False
    source = filters.get("source", "")
    if source in {s.value for s in Source} and (rule not in RULES or RULES[rule].source != source):
        return False
    named = filters.get("rule", "")
    return not named or named in (rule, indicator)
