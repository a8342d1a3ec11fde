"""Home page views."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user
from sqlmodel import func, select

from ..access import can, public
from ..chain.retire import live_links, live_suppliers
from ..db import get_session
from ..models import Link, Relation, Role, Supplier, SupplierKind, utcnow
from ..questionnaires.catalogue import get_catalogue
from ..questionnaires.services import own_assessment
from ..risk.freshness import freshness
from ..risk.overview import risk_overview
from ..risk.status import aged_figures
from ..tenancy import current_org_id

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@public
def index() -> Any:
    if not current_user.is_authenticated:
        return render_template("dashboard/welcome.html")
    db = get_session()

    def count(query: Any) -> int:
        return int(db.exec(select(func.count()).select_from(query.subquery())).one())

    # The live chain only: archived suppliers and their links are out of it.
    suppliers, links = live_suppliers(current_org_id()), live_links(current_org_id())
    figures = {
        "suppliers": count(suppliers),
        "agencies": count(suppliers.where(Supplier.kind == SupplierKind.AGENCY)),
        "direct": count(links.where(Link.parent_id.is_(None))),  # type: ignore[union-attr]
        "labour_hire": count(links.where(Link.relation == Relation.LABOUR_HIRE)),
        "links": count(links),
    }
    assessment = own_assessment(db, current_org_id(), get_catalogue())
    return render_template(
        "dashboard/index.html",
        figures=figures,
        assessment=assessment,
        risk=risk_overview(db, current_org_id(), figures["suppliers"]),
        fresh=freshness(db, current_org_id(), utcnow()),
        aged=aged_figures(utcnow().date()) if can(Role.ADMIN) else [],
    )
