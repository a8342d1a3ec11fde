"""How well the workers' channel works, site by site: check-ins, reports, open cases, days to
acknowledge and to close, acknowledgements overdue.

Pure: fed with plain rows (voice.services.effectiveness_rows reads them), used by the cases'
effectiveness page and by the risk report's section on worker voice. A running site with
neither a report nor a check-in is "no signal": nobody has spoken, which says nothing about
the risk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from statistics import median

from ..vocab import CaseStatus
from .checkin import MIN_GROUP


@dataclass(frozen=True)
class SiteRow:
    id: int
    name: str
    archived: bool = False


@dataclass(frozen=True)
class CaseRow:
    """What the figures need of a case: never its words."""

    id: int
    site_id: int
    status: str
    created_at: datetime
    acknowledge_by: date
    acknowledged_at: datetime | None = None
    closed_at: datetime | None = None
    indicators: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckInRow:
    site_id: int
    supplier_id: int | None  # the employer named, None for "I don't know"


@dataclass(frozen=True)
class Figures:
    check_ins: int
    groups_shown: int  # employer groups (and "I don't know") of at least MIN_GROUP workers
    groups_waiting: int  # employer groups with check-ins, but fewer than MIN_GROUP
    reports: int
    open_cases: int
    days_to_acknowledge: float | None  # the median, None without an acknowledged case
    days_to_close: float | None
    overdue: int


@dataclass(frozen=True)
class SiteFigures:
    site: SiteRow
    figures: Figures

    @property
    def no_signal(self) -> bool:
        """The channel runs and nobody has used it: no signal, which is not "no risk"."""
        return not self.site.archived and not self.figures.reports and not self.figures.check_ins


def is_overdue(status: str, acknowledge_by: date, today: date) -> bool:
    """Received and not acknowledged by the day it was due."""
    return status == CaseStatus.RECEIVED and today > acknowledge_by


def _days(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else (end - start).total_seconds() / 86400


def _median(values: Iterable[float | None]) -> float | None:
    found = [v for v in values if v is not None]
    return round(median(found), 1) if found else None


def measure(cases: Sequence[CaseRow], check_ins: Sequence[CheckInRow], today: date) -> Figures:
    """The figures of these cases and check-ins (of one site, or of several together)."""
    groups: dict[tuple[int, int | None], int] = {}
    for row in check_ins:
        key = (row.site_id, row.supplier_id)
        groups[key] = groups.get(key, 0) + 1
    closed = [c for c in cases if c.status == CaseStatus.CLOSED]
    return Figures(
        check_ins=len(check_ins),
        groups_shown=sum(1 for n in groups.values() if n >= MIN_GROUP),
        groups_waiting=sum(1 for n in groups.values() if n < MIN_GROUP),
        reports=len(cases),
        open_cases=len(cases) - len(closed),
        days_to_acknowledge=_median(_days(c.created_at, c.acknowledged_at) for c in cases),
        days_to_close=_median(_days(c.created_at, c.closed_at) for c in closed),
        overdue=sum(1 for c in cases if is_overdue(c.status, c.acknowledge_by, today)),
    )


def by_site(
    sites: Iterable[SiteRow],
    cases: Sequence[CaseRow],
    check_ins: Sequence[CheckInRow],
    today: date,
) -> tuple[SiteFigures, ...]:
    """Each site's figures, in the order given."""
    site_cases: dict[int, list[CaseRow]] = defaultdict(list)
    site_check_ins: dict[int, list[CheckInRow]] = defaultdict(list)
    for case in cases:
        site_cases[case.site_id].append(case)
    for row in check_ins:
        site_check_ins[row.site_id].append(row)
    return tuple(
        SiteFigures(site, measure(site_cases[site.id], site_check_ins[site.id], today))
        for site in sites
    )
