"""A run's flags for the report and the exports: which flags, in what order. How each is shown
is risk.display's, the same as on the pages."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

from sqlmodel import Session, col

from ..models import AssessmentRun, Flag, utcnow
from ..questionnaires.loader import Catalogue
from ..risk import services
from ..risk.display import FlagItem, evidence_lines, flag_rows
from ..risk.findings import SupplierFacts

__all__ = ["FlagItem", "evidence_lines", "flag_items"]


def flag_items(
    session: Session,
    run: AssessmentRun,
    suppliers: Mapping[int, SupplierFacts],
    catalogue: Catalogue,
    members: Collection[int] | None = None,
    today: date | None = None,
) -> list[FlagItem]:
    """The run's flags (of `members` only, when given), by supplier and rule, in the language
    in force."""
    query = services.flags_of(session, run).order_by(col(Flag.supplier_id), Flag.rule, Flag.id)
    flags = session.exec(query).all()
    if members is not None:
        flags = [f for f in flags if f.supplier_id in members]
    decided = services.decisions(session, run.organisation_id, {f.fingerprint for f in flags})
    return flag_rows(
        flags,
        suppliers=suppliers,
        decisions=decided,
        catalogue=catalogue,
        today=today or utcnow().date(),
    )
