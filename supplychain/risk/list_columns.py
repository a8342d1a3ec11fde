"""The supplier list's risk columns (see chain.panels.ListColumn): each supplier's tier as the
latest finished assessment read it, its risk score (SupplierExposure) and its open flags by
severity, with the filters by tier and by the gravest open flag. One query per page and column;
sorting and filtering by open flags read the counts kept on the exposure rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, func

from ..chain.panels import ListColumn, ListFilter, Part
from ..i18n import SEVERITY_NAMES
from ..models import (
    AssessmentRun,
    Flag,
    FlagDecision,
    FlagStatus,
    RunSupplier,
    Severity,
    SupplierExposure,
)
from ..numbers import small_count
from ..vocab import GRAVEST_FIRST
from . import listing, services, snapshot

# The flags' sort key: the gravest open flag's rank first, then how many are open.
RANK_WEIGHT = 1_000_000


def _none() -> Any:
    """SELECT (supplier_id, key) that gives nothing: the chain has no finished run."""
    return sa.select(sa.literal(0).label("supplier_id"), sa.literal(0).label("key")).where(
        sa.false()
    )


def _run(session: Session, organisation_id: int) -> AssessmentRun | None:
    return services.latest_run(session, organisation_id)


# ---- tier -------------------------------------------------------------------------------------


def _tiers(session: Session, organisation_id: int) -> Any:
    run = _run(session, organisation_id)
    if run is None or not snapshot.has_snapshot(run):
        return _none()
    return snapshot.of_run(RunSupplier, run).with_only_columns(
        col(RunSupplier.supplier_id).label("supplier_id"), col(RunSupplier.tier).label("key")
    )


def _tier_cells(
    session: Session, organisation_id: int, ids: Sequence[int]
) -> Mapping[int, Sequence[Part]]:
    rows = session.execute(
        _tiers(session, organisation_id).where(col(RunSupplier.supplier_id).in_(ids))
    )
    return {sid: [Part(str(tier) if tier is not None else "–")] for sid, tier in rows}


def _tier_is(session: Session, organisation_id: int, value: str) -> Any:
    try:
        tier = small_count(value)
    except ValueError:
        return None
    rows = _tiers(session, organisation_id).subquery()
    return sa.select(rows.c.supplier_id).where(rows.c.key == tier)


# ---- risk score -------------------------------------------------------------------------------


def _scores(session: Session, organisation_id: int) -> Any:
    own, carried = col(SupplierExposure.own), col(SupplierExposure.carried)
    return sa.select(
        col(SupplierExposure.supplier_id).label("supplier_id"),
        sa.case((own >= carried, own), else_=carried).label("key"),
    ).where(col(SupplierExposure.organisation_id) == organisation_id)


def _score_cells(
    session: Session, organisation_id: int, ids: Sequence[int]
) -> Mapping[int, Sequence[Part]]:
    rows = session.execute(
        sa.select(
            col(SupplierExposure.supplier_id),
            col(SupplierExposure.own),
            col(SupplierExposure.carried),
        ).where(
            col(SupplierExposure.organisation_id) == organisation_id,
            col(SupplierExposure.supplier_id).in_(ids),
        )
    )
    return {
        sid: [Part(str(max(own, carried))), Part(f"({own} / {carried})", "muted small")]
        for sid, own, carried in rows
    }


# ---- open flags -------------------------------------------------------------------------------


def _open_flags(session: Session, organisation_id: int) -> Any:
    run = _run(session, organisation_id)
    if run is None:
        return None
    return listing.filtered(session, run, {"status": "open"}).where(
        col(Flag.supplier_id).is_not(None)
    )


def _open_counts(session: Session, organisation_id: int) -> Any:
    """Each supplier's open flags by severity, as a subquery (supplier_id and one column per
    severity): the counts its exposure row keeps for the latest run, less the flags someone
    has decided on. Decisions are few, so this reads the exposure rows and a handful of flags
    instead of grouping every flag of the run (0.8-1 s at 100k suppliers)."""
    run = _run(session, organisation_id)
    if run is None:
        return None
    decided = (
        services.flags_of(session, run)
        .join(
            FlagDecision,
            sa.and_(  # along the flags' index of suppliers: decisions are few
                col(FlagDecision.organisation_id) == col(Flag.organisation_id),
                col(FlagDecision.supplier_id) == col(Flag.supplier_id),
                col(FlagDecision.fingerprint) == col(Flag.fingerprint),
            ),
        )
        .where(col(FlagDecision.status) != FlagStatus.OPEN, col(Flag.supplier_id).is_not(None))
        .with_only_columns(
            col(Flag.supplier_id).label("supplier_id"),
            *(
                func.sum(sa.case((col(Flag.severity) == s.value, 1), else_=0)).label(s.value)
                for s in Severity
            ),
        )
        .group_by(col(Flag.supplier_id))
        .subquery()
    )
    kept = SupplierExposure.__table__.c  # type: ignore[attr-defined]  # (SQLModel doesn't declare it)
    return (
        sa.select(
            kept.supplier_id,
            *(
                (kept[s.value] - func.coalesce(decided.c[s.value], 0)).label(s.value)
                for s in Severity
            ),
        )
        .select_from(
            sa.outerjoin(SupplierExposure, decided, decided.c.supplier_id == kept.supplier_id)
        )
        .where(kept.organisation_id == organisation_id)
        .subquery()
    )


def _flag_keys(session: Session, organisation_id: int) -> Any:
    counts = _open_counts(session, organisation_id)
    if counts is None:
        return _none()
    gravest = sa.case(*((counts.c[s.value] > 0, s.rank) for s in GRAVEST_FIRST), else_=0)
    total = sum((counts.c[s.value] for s in Severity), sa.literal(0))
    return sa.select(
        counts.c.supplier_id.label("supplier_id"), (gravest * RANK_WEIGHT + total).label("key")
    ).where(total > 0)


def _flag_cells(
    session: Session, organisation_id: int, ids: Sequence[int]
) -> Mapping[int, Sequence[Part]]:
    flags = _open_flags(session, organisation_id)
    if flags is None:
        return {}
    rows = session.execute(
        flags.where(col(Flag.supplier_id).in_(ids))
        .with_only_columns(col(Flag.supplier_id), col(Flag.severity), func.count())
        .group_by(col(Flag.supplier_id), col(Flag.severity))
    )
    counts: dict[int, dict[Severity, int]] = {}
    for sid, severity, n in rows:
        counts.setdefault(sid, {})[Severity(severity)] = n
    return {
        sid: [
            Part(f"{by[s]} {SEVERITY_NAMES[s]}", f"severity {s.value}")
            for s in GRAVEST_FIRST
            if s in by
        ]
        for sid, by in counts.items()
    }


def _at_least(session: Session, organisation_id: int, value: str) -> Any:
    if value not in {s.value for s in Severity}:
        return None
    counts = _open_counts(session, organisation_id)
    if counts is None:
        return _none().with_only_columns(sa.literal(0))
    graver = [counts.c[s.value] > 0 for s in Severity if s.rank >= Severity(value).rank]
    return sa.select(counts.c.supplier_id).where(sa.or_(*graver))


SEVERITIES = tuple((s.value, SEVERITY_NAMES[s]) for s in GRAVEST_FIRST)
COLUMNS = (
    ListColumn(
        "tier",
        _l("Tier"),
        _tier_cells,
        _tiers,
        filters=(ListFilter("tier", _l("Tier"), _tier_is),),
        note=_l("Tier: as the latest assessment read the chain (1: a direct supplier)."),
    ),
    ListColumn(
        "risk",
        _l("Risk score"),
        _score_cells,
        _scores,
        descending=True,
        note=_l(
            "Risk score: the higher of the supplier's own risk and the risk it carries from "
            "below it (both shown in brackets), of 100, from the latest assessment."
        ),
    ),
    ListColumn(
        "flags",
        _l("Open flags"),
        _flag_cells,
        _flag_keys,
        missing=0,
        descending=True,
        filters=(ListFilter("severity", _l("Open flag at least"), _at_least, SEVERITIES),),
        note=_l(
            "Open flags: the latest assessment's flags nobody has decided on yet, by severity; "
            "sorted by the gravest, then by how many."
        ),
    ),
)
