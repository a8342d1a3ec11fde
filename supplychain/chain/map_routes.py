"""The chain map: the layered drawing with filters and search."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from sqlmodel import col

from ..access import requires
from ..db import get_session
from ..models import Organisation, Role, Site, SupplierExposure
from ..numbers import small_count
from ..sites import services as sites
from ..tenancy import current_org_id, org_select
from . import graph, layout, queries
from .panels import MAP, panels
from .routes import bp, site_filter


def _visible(
    info: dict[int, layout.NodeInfo],
    analysis: graph.ChainAnalysis,
    tier: int | None,
    country: str,
    sector: str,
    on_site: set[int] | None = None,
) -> set[int] | None:
    if tier is None and not country and not sector and on_site is None:
        return None
    return {
        node
        for node, item in info.items()
        if (tier is None or analysis.tier.get(node, -1) == tier)
        and (on_site is None or node in on_site)
        and (not country or item.country == country)
        and (not sector or item.sector.startswith(sector))
    }


@bp.route("/")
@requires(Role.VIEWER)
def view() -> Any:
    db = get_session()
    org_id = current_org_id()
    chain, _agencies, analysis = queries.analyse_chain(db, org_id)
    info = queries.load_info(db, org_id)
    tier = request.args.get("tier", type=small_count)
    country = request.args.get("country", "").strip().upper()[:2]
    sector = request.args.get("sector", "").strip().upper()[:8]
    q = request.args.get("q", "").strip()[:100]
    site = site_filter(db)
    on_site = set(db.execute(sites.supplier_ids_on(org_id, site.id)).scalars()) if site else None
    visible = _visible(info, analysis, tier, country, sector, on_site)
    organisation = db.get(Organisation, org_id)
    chain_map = layout.layout(chain, analysis, info, organisation.name, visible)
    exposure = dict(
        db.execute(
            org_select(SupplierExposure).with_only_columns(
                SupplierExposure.supplier_id, SupplierExposure.own
            )
        ).all()
    )
    needle = q.casefold()
    hits = {n.key for n in chain_map.nodes if needle and needle in n.search}
    return render_template(
        "chain/map.html",
        chain_map=chain_map,
        **panels(MAP, db, org_id),
        exposure=exposure,
        analysis=analysis,
        hits=hits,
        filters={"tier": tier, "country": country, "sector": sector, "q": q, "site": site},
        sites=db.exec(org_select(Site).where(col(Site.archived).is_(False)).order_by(Site.name)),
        tiers=sorted({t for n, t in analysis.tier.items() if n != graph.ROOT}),
        countries=sorted({i.country for i in info.values()}),
        sections=sorted({i.sector[:1] for i in info.values() if i.sector}),
        filtered=visible is not None,
    )
