"""The chain map: the layered drawing with filters and search."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import render_template, request
from sqlmodel import Session, col

from ..access import requires
from ..db import get_session
from ..gcpause import gc_paused
from ..models import Organisation, Role, Site, SupplierExposure
from ..numbers import small_count
from ..sites import services as sites
from ..tenancy import current_org_id, org_select
from . import graph, layout, outline, queries
from .panels import MAP, panels
from .routes import bp, site_filter

Row = tuple[int, str, str, bool]  # queries.map_suppliers: id, country, sector, is an agency


def _visible(
    suppliers: list[Row],
    tier_of: Mapping[int, int],
    tier: int | None,
    country: str,
    sector: str,
    on_site: set[int] | None = None,
) -> set[int] | None:
    if tier is None and not country and not sector and on_site is None:
        return None
    return {
        node
        for node, in_country, in_sector, _agency in suppliers
        if (tier is None or tier_of.get(node, -1) == tier)
        and (on_site is None or node in on_site)
        and (not country or in_country == country)
        and (not sector or in_sector.startswith(sector))
    }


def _draw(
    db: Session,
    org_id: int,
    links: list[tuple[int | None, int, str]],
    suppliers: list[Row],
    shape: outline.Outline,
    shown: set[int],
) -> layout.ChainMap:
    """The map of the shown suppliers: groups counted from the rows above MAX_NODES, else the
    boxes, with a graph of only the links into them."""
    name = db.get(Organisation, org_id).name  # type: ignore[union-attr]
    if len(shown) > layout.MAX_NODES:
        kinds = {
            i: (sector[:1] or "?", agency) for i, _c, sector, agency in suppliers if i in shown
        }
        counts = layout.group_counts(links, shape.tier, kinds)
        return layout.grouped(counts, name, len(suppliers))
    into = graph.build_graph(
        (p, c, r) for p, c, r in links if c in shown and (p is None or p in shown)
    )
    into.add_nodes_from(shown)
    info = queries.load_info_of(db, org_id, shown)
    return layout.detailed(into, shape, info, name, shown, len(suppliers))


@bp.route("/")
@requires(Role.VIEWER)
def view() -> Any:
    db = get_session()
    org_id = current_org_id()
    with gc_paused():  # 100k rows and dicts that all survive the request
        links = queries.map_links(db, org_id)
        suppliers = queries.map_suppliers(db, org_id)
        shape = outline.outline(outline.adjacency(links, (row[0] for row in suppliers)))
    tier = request.args.get("tier", type=small_count)
    country = request.args.get("country", "").strip().upper()[:2]
    sector = request.args.get("sector", "").strip().upper()[:8]
    q = request.args.get("q", "").strip()[:100]
    site = site_filter(db)
    on_site = set(db.execute(sites.supplier_ids_on(org_id, site.id)).scalars()) if site else None
    visible = _visible(suppliers, shape.tier, tier, country, sector, on_site)
    shown = {row[0] for row in suppliers} if visible is None else visible
    with gc_paused():
        chain_map = _draw(db, org_id, links, suppliers, shape, shown)
    drawn = [n.supplier_id for n in chain_map.nodes if n.supplier_id is not None]
    needle = q.casefold()
    hits = {n.key for n in chain_map.nodes if needle and needle in n.search}
    return render_template(
        "chain/map.html",
        chain_map=chain_map,
        **panels(MAP, db, org_id, drawn),
        exposure=_exposure(db, drawn),
        analysis=shape,
        hits=hits,
        filters={"tier": tier, "country": country, "sector": sector, "q": q, "site": site},
        sites=db.exec(org_select(Site).where(col(Site.archived).is_(False)).order_by(Site.name)),
        tiers=sorted(set(shape.tier.values()) - {0}),  # 0: the organisation
        countries=sorted({row[1] for row in suppliers}),
        sections=sorted({row[2][:1] for row in suppliers if row[2]}),
        filtered=visible is not None,
    )


def _exposure(db: Session, drawn: list[int]) -> dict[int, int]:
    """Each drawn supplier's own risk (none when groups are drawn)."""
    if not drawn:
        return {}
    query = org_select(SupplierExposure).with_only_columns(
        SupplierExposure.supplier_id, SupplierExposure.own
    )
    return dict(db.execute(query.where(col(SupplierExposure.supplier_id).in_(drawn))).all())
