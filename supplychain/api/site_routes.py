"""API views of sites: the worksites or projects where suppliers' workers are, and which
suppliers are placed on each.

Thin views over sites.services: the same checks, writes and audit trail as the sites' pages.
A site is never deleted (its workers may hold its poster); DELETE archives it.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import Response, abort
from sqlmodel import col

from ..db import get_session
from ..models import Site, Supplier
from ..sites import services as sites
from ..tenancy import in_org
from ..validation import InvalidInput
from ..voice.routes import workers_address
from .auth import actor_id, org_id
from .errors import error_response
from .lookup import get_or_404, page_of
from .routes import READ, WRITE, bp, saved, suppliers_out
from .schemas import Page, Paged, SiteIn, SiteOut, SitePatch, SiteQuery, SupplierOut
from .spec import operation

site_op = partial(operation, bp, tag="sites")
SITE = "/sites/<int:site_id>"


def site_out(site: Site) -> SiteOut:
    """The site as the API shows it, with the address of its workers' pages."""
    languages = [code for code in site.languages.split(",") if code]
    return SiteOut.model_validate(
        {**site.model_dump(), "languages": languages, "workers_url": workers_address(site)}
    )


def _sites_out(rows: list[Site]) -> list[SiteOut]:
    return [site_out(site) for site in rows]


@site_op("/sites", scope=READ, query=SiteQuery, response=Paged[SiteOut])
def list_sites(query: SiteQuery) -> Any:
    """List sites.

    Live sites only; with `archived=true`, only the archived ones.
    """
    select = in_org(Site, org_id()).where(col(Site.archived) == query.archived)
    return page_of(get_session(), select, query, Site, _sites_out)


@site_op(SITE, scope=READ, response=SiteOut)
def get_site(site_id: int) -> Any:
    """Get a site.

    An archived site is found too: its `archived` is true.
    """
    return site_out(get_or_404(get_session(), Site, site_id))


@site_op("/sites", method="POST", scope=WRITE, body=SiteIn, response=SiteOut, status=201)
def create_site(body: SiteIn) -> Any:
    """Add a site; it gets the random code of its workers' pages and poster.

    The country is checked against ISO 3166; the site cannot end before it starts.
    """
    with saved() as session:
        site = sites.create_site(
            session=session,
            organisation_id=org_id(),
            data=sites.SiteData(**body.model_dump()),
            actor_id=actor_id(),
        )
    return site_out(site)


@site_op(SITE, method="PATCH", scope=WRITE, body=SitePatch, response=SiteOut)
def update_site(site_id: int, body: SitePatch) -> Any:
    """Change a site's details; only the fields given change. Its code never changes."""
    site = get_or_404(get_session(), Site, site_id)
    given = body.model_dump(exclude_unset=True)
    changes = {k: v for k, v in given.items() if v is not None or k.endswith("_on")}
    current = site_out(site).model_dump(include=set(sites.SiteData.__dataclass_fields__))
    with saved() as session:
        sites.update_site(
            session=session,
            site=site,
            data=sites.SiteData(**{**current, **changes}),
            actor_id=actor_id(),
        )
    return site_out(site)


@site_op(SITE, method="DELETE", scope=WRITE, status=204)
def archive_site(site_id: int) -> Any:
    """Archive a site: it leaves the lists, and nothing of it is deleted.

    A site is never deleted, as on its page in the app: its code is never given to another
    site, the suppliers placed on it stay placed, and its workers' cases and check-ins stay.
    While it is archived its workers' pages answer "not found". GET on it shows `archived`
    true, and `POST /sites/{site_id}/restore` brings it back. Archiving twice changes nothing.
    """
    _set_archived(site_id, archived=True)
    return Response(status=204)


@site_op(SITE + "/restore", method="POST", scope=WRITE, response=SiteOut)
def restore_site(site_id: int) -> Any:
    """Bring an archived site back: its workers' pages answer again, at the same address.

    Restoring a live site changes nothing.
    """
    return site_out(_set_archived(site_id, archived=False))


def _set_archived(site_id: int, *, archived: bool) -> Site:
    session = get_session()
    site = get_or_404(session, Site, site_id)
    sites.set_archived(session=session, site=site, archived=archived, actor_id=actor_id())
    session.commit()
    return site


# ---- the suppliers on a site -------------------------------------------------------------------

PLACED = SITE + "/suppliers/<int:supplier_id>"


@site_op(SITE + "/suppliers", scope=READ, query=Page, response=Paged[SupplierOut])
def list_site_suppliers(site_id: int, query: Page) -> Any:
    """List the suppliers placed on a site (whose workers are there).

    Archived suppliers too: they keep their place. `GET /suppliers?site_id=` lists only the
    live (or only the archived) ones.
    """
    session = get_session()
    get_or_404(session, Site, site_id)  # another organisation's site is not found
    placed = sites.supplier_ids_on(org_id(), site_id)
    select = in_org(Supplier, org_id()).where(col(Supplier.id).in_(placed))
    return page_of(session, select, query, Supplier, suppliers_out)


@site_op(PLACED, method="PUT", scope=WRITE, status=204, errors=(409,))
def place_on_site(site_id: int, supplier_id: int) -> Any:
    """Place a supplier on a site: its workers are there.

    Placing a supplier that is on the site already changes nothing. An archived supplier
    cannot be placed (409): restore it first.
    """
    session = get_session()
    site = get_or_404(session, Site, site_id)
    supplier = get_or_404(session, Supplier, supplier_id)
    if not sites.is_placed(session, site, supplier):
        try:
            sites.place(session=session, site=site, supplier_id=supplier.id, actor_id=actor_id())
        except InvalidInput:  # of the organisation's suppliers, only an archived one is refused
            session.rollback()
            abort(error_response(409, f"Supplier {supplier_id} is archived: restore it first."))
        session.commit()
    return Response(status=204)


@site_op(PLACED, method="DELETE", scope=WRITE, status=204)
def remove_from_site(site_id: int, supplier_id: int) -> Any:
    """Take a supplier off a site; the supplier itself stays.

    Taking off a supplier that is not on the site changes nothing.
    """
    session = get_session()
    site = get_or_404(session, Site, site_id)
    supplier = get_or_404(session, Supplier, supplier_id)
    sites.remove(session=session, site=site, supplier=supplier, actor_id=actor_id())
    session.commit()
    return Response(status=204)
