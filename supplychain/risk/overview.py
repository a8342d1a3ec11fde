"""What the overview page shows of risk: the latest run's figures, the riskiest suppliers,
questionnaire coverage and the trend over runs, as plain values and chart geometry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from sqlalchemy import Row
from sqlmodel import Session, col

from ..i18n import run_labels
from ..models import AssessmentRun, RunStatus, Supplier, SupplierExposure
from ..tenancy import in_org
from . import charts, texts
from .present import chart_names
from .rules import RULES
from .services import latest_run


class Coverage(TypedDict):
    """How many suppliers answered, were asked and have not yet, were never asked."""

    answered: int
    waiting: int
    never: int
    chart: charts.Chart


class RiskOverview(TypedDict):
    """The latest run's figures as the overview page shows them (the summary's parts as the
    run stored them)."""

    run: AssessmentRun
    by_severity: dict[str, int]
    by_rule: list[tuple[str, str, int]]  # rule id, title, flags
    riskiest: Sequence[Row[int | None, str, int, int, int]]  # id, name, own, carried, flags
    coverage: Coverage
    trend: charts.Chart
    exposure_by_tier: dict[str, dict[str, int]]  # max and mean by tier
    no_floor_known: dict[str, int]  # links by work country


def risk_overview(session: Session, organisation_id: int, suppliers: int) -> RiskOverview | None:
    """The latest assessment in figures, or None before the first one."""
    run = latest_run(session, organisation_id)
    if run is None:
        return None
    summary = run.summary
    riskiest = session.execute(
        in_org(SupplierExposure, organisation_id)
        .join(Supplier, col(Supplier.id) == col(SupplierExposure.supplier_id))
        .where(col(SupplierExposure.carried) > 0, col(Supplier.archived_at).is_(None))
        .order_by(col(SupplierExposure.own).desc(), col(SupplierExposure.carried).desc())
        .limit(8)
        .with_only_columns(
            col(Supplier.id),
            col(Supplier.name),
            col(SupplierExposure.own),
            col(SupplierExposure.carried),
            col(SupplierExposure.flags),
        )
    ).all()
    history = session.exec(
        in_org(AssessmentRun, organisation_id)
        .where(col(AssessmentRun.status) == RunStatus.DONE)
        .order_by(col(AssessmentRun.id).desc())
        .limit(12)
    ).all()
    answered, invited = summary.get("answered", 0), summary.get("invited", 0)
    by_rule = sorted(summary.get("by_rule", {}).items(), key=lambda kv: -kv[1])
    return {
        "run": run,
        "by_severity": summary.get("by_severity", {}),
        "by_rule": [(rid, str(texts.title(rid)) if rid in RULES else rid, n) for rid, n in by_rule],
        "riskiest": riskiest,
        "coverage": {
            "answered": answered,
            "waiting": max(invited - answered, 0),
            "never": max(suppliers - invited, 0),
            "chart": charts.coverage(
                answered,
                max(invited - answered, 0),
                max(suppliers - invited, 0),
                names=chart_names(),
            ),
        },
        "trend": _trend(list(reversed(history))),
        "exposure_by_tier": summary.get("exposure_by_tier", {}),
        "no_floor_known": summary.get("no_floor_known", {}),
    }


def _trend(runs: Sequence[AssessmentRun]) -> charts.Chart:
    """Flags by severity over the finished runs, oldest first (a done run has finished)."""
    labels = run_labels([r.finished_at or r.created_at for r in runs])
    counts = [r.summary.get("by_severity", {}) for r in runs]
    return charts.trend(list(zip(labels, counts, strict=True)), names=chart_names())
