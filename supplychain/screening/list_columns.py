"""The supplier list's screening column (see chain.panels.ListColumn): each supplier's checklist
summary, as on its page, and a sort by its worst newest check."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, func

from ..chain.panels import ListColumn, Part
from ..models import ScreeningResult, Supplier, utcnow
from ..tenancy import in_org
from .present import summary_text
from .services import latest_by_supplier, newest_checks, screening_of
from .state import DUE_SOON_DAYS, State


def _sort(session: Session, organisation_id: int) -> sa.Select[Any]:
    """(supplier_id, key): the worst state of the supplier's newest checks, failed (4), expired
    (3), due soon (2) or passed (1); suppliers never screened have no row (0)."""
    today = utcnow().date()
    newest = newest_checks(organisation_id).subquery()
    worst = sa.case(
        (newest.c.result == ScreeningResult.FAILED, 4),
        (newest.c.valid_until < today, 3),
        (newest.c.valid_until <= today + timedelta(days=DUE_SOON_DAYS), 2),
        else_=1,
    )
    return sa.select(
        newest.c.supplier_id.label("supplier_id"), func.max(worst).label("key")
    ).group_by(newest.c.supplier_id)


def _cells(
    session: Session, organisation_id: int, ids: Sequence[int]
) -> Mapping[int, Sequence[Part]]:
    today = utcnow().date()
    checks = latest_by_supplier(session, organisation_id, ids)
    suppliers = session.exec(in_org(Supplier, organisation_id).where(col(Supplier.id).in_(ids)))
    found = {}
    for supplier in suppliers:
        mine = list(checks.get(supplier.id, {}).values())  # type: ignore[arg-type]
        summary = screening_of(session, supplier, today, checks=mine).summary
        bad = summary.count(State.FAILED) or summary.count(State.EXPIRED)
        found[supplier.id] = [Part(summary_text(summary), "badge bad" if bad else "")]
    return found  # type: ignore[return-value]


COLUMN = ListColumn(
    "screening",
    _l("Screening"),
    _cells,
    _sort,
    missing=0,
    descending=True,
    note=_l(
        "Screening: the register checks of the supplier's checklist; sorted by the worst "
        "newest check (failed, expired, due soon, passed), never screened last."
    ),
)
