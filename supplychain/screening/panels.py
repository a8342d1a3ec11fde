"""The screening panel of a supplier's page (see chain.panels)."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from sqlmodel import Session

from ..models import Supplier, utcnow
from .present import summary_text
from .services import screening_of


def screening_glance(db: Session, item: Supplier) -> dict[str, Any]:
    """The supplier's screening checklist at a glance: its pack's name and the summary."""
    found = screening_of(db, item, utcnow().date())
    lang = "lv" if str(get_locale()) == "lv" else "en"
    return {"pack": found.pack.name.get(lang), "summary": summary_text(found.summary)}
