"""The risk panel of a supplier's page (see chain.panels)."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from sqlmodel import Session

from ..guide.content import guide
from ..models import Supplier, SupplierExposure, utcnow
from ..questionnaires.catalogue import get_catalogue
from . import freshness, listing


def supplier_risk(db: Session, item: Supplier) -> dict[str, Any] | None:
    """The supplier's flags and exposure from the latest assessment, and whether that
    assessment read it and is still up to date; None for an archived supplier."""
    if item.archived:
        return None
    assert item.id is not None  # a stored supplier
    fresh = freshness.freshness(db, item.organisation_id, utcnow())
    run = fresh.run
    if run is None or not freshness.assessed(db, run, item):
        return {"fresh": fresh, "assessed": False}
    score = db.get(SupplierExposure, (item.organisation_id, item.id))
    lang = str(get_locale())
    flags = listing.rows(
        db,
        run,
        listing.of_supplier(db, run, item.id),
        catalogue=get_catalogue(),
        today=utcnow().date(),
        sections=lambda section_id: guide().section(lang, section_id),
    )
    return {
        "fresh": fresh,
        "assessed": True,
        "flags": flags,
        "own": score.own if score else 0,
        "carried": score.carried if score else 0,
    }
