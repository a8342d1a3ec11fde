"""Sites and the suppliers placed on them: validation and writes (they flush; the caller
commits), and the reads the chain's list, map and import use."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from .. import audit
from ..models import CheckIn, Site, SiteSupplier, Supplier, WorkerCase, utcnow
from ..tenancy import get_in_org, in_org
from ..validation import InvalidInput, check_country, check_length

LANGUAGES = ("lv", "ru", "uk", "en")  # the languages a site's poster and pages come in
# Read aloud or typed from a poster: no 0/O, 1/I/L look-alikes. 31**8 ≈ 8.5e11 codes.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


@dataclass(frozen=True)
class SiteData:
    """What an officer says about a site."""

    name: str
    address: str = ""
    country: str = "LV"
    starts_on: date | None = None
    ends_on: date | None = None
    languages: Sequence[str] = LANGUAGES


def clean_site(data: SiteData) -> dict[str, Any]:
    """The site's fields in normal form, or InvalidInput naming every bad field."""
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {
        "name": data.name.strip(),
        "address": data.address.strip(),
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
    }
    if not values["name"]:
        errors["name"] = _l("Enter the site's name.")
    check_length(errors, "name", values["name"], 200)
    check_length(errors, "address", values["address"], 300)
    values["country"] = check_country(errors, "country", data.country, required=True)
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        errors["ends_on"] = _l("The site cannot end before it starts.")
    chosen = [code for code in LANGUAGES if code in data.languages]
    if not chosen or set(data.languages) - set(LANGUAGES):
        errors["languages"] = _l("Choose at least one of the poster's languages.")
    values["languages"] = ",".join(chosen)
    if errors:
        raise InvalidInput(errors)
    return values


def new_code(session: Session) -> str:
    """A random code no site has ever had (sites are never deleted, so none is reused)."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        # Codes are unique across organisations: this checks the whole table, by design.
        if session.exec(select(Site.id).where(Site.code == code)).first() is None:
            return code


def create_site(
    *, session: Session, organisation_id: int, data: SiteData, actor_id: int | None = None
) -> Site:
    site = Site(organisation_id=organisation_id, code=new_code(session), **clean_site(data))
    session.add(site)
    session.flush()
    audit.record(session, user_id=actor_id, action="site.created", obj=site, name=site.name)
    return site


def update_site(
    *, session: Session, site: Site, data: SiteData, actor_id: int | None = None
) -> Site:
    values = clean_site(data)
    changed = [name for name, value in values.items() if getattr(site, name) != value]
    for name in changed:
        setattr(site, name, values[name])
    session.add(site)
    session.flush()
    if changed:
        audit.record(session, user_id=actor_id, action="site.updated", obj=site, fields=changed)
    return site


def set_archived(
    *, session: Session, site: Site, archived: bool, actor_id: int | None = None
) -> None:
    """Archive a site (it leaves the lists, its code and placements stay) or restore it."""
    if site.archived == archived:
        return
    site.archived = archived
    session.add(site)
    session.flush()
    action = "site.archived" if archived else "site.restored"
    audit.record(session, user_id=actor_id, action=action, obj=site)


def sites_with_counts(session: Session, organisation_id: int) -> list[tuple[Site, int]]:
    """The organisation's sites by name, each with how many live suppliers are placed on it."""
    placed = (
        sa.select(SiteSupplier.site_id, sa.func.count().label("n"))
        .join(Supplier, col(Supplier.id) == col(SiteSupplier.supplier_id))
        .where(
            SiteSupplier.organisation_id == organisation_id,
            col(Supplier.archived_at).is_(None),
        )
        .group_by(SiteSupplier.site_id)
        .subquery()
    )
    query = (
        in_org(Site, organisation_id)
        .outerjoin(placed, placed.c.site_id == Site.id)
        .add_columns(sa.func.coalesce(placed.c.n, 0))
        .order_by(Site.name, Site.id)
    )
    return [(site, int(n)) for site, n in session.execute(query).all()]


def supplier_ids_on(organisation_id: int, site_id: int) -> sa.Select:
    """SELECT the ids of the suppliers placed on the site (of this organisation only)."""
    return select(SiteSupplier.supplier_id).where(
        SiteSupplier.organisation_id == organisation_id, SiteSupplier.site_id == site_id
    )


def suppliers_on(session: Session, site: Site) -> list[Supplier]:
    """The suppliers placed on the site, archived ones too (they keep their place), by name."""
    ids = supplier_ids_on(site.organisation_id, site.id)  # type: ignore[arg-type]
    query = in_org(Supplier, site.organisation_id).where(col(Supplier.id).in_(ids))
    return list(session.exec(query.order_by(Supplier.name)).all())


@dataclass(frozen=True)
class Placement:
    """A site a supplier is on. Unverified: the channel runs on the site but no worker has
    named the supplier, so what it says of its workers there rests on its word alone (which is
    not the same as no risk)."""

    site: Site
    unverified: bool


def sites_of(session: Session, supplier: Supplier) -> list[Placement]:
    """The sites the supplier is placed on, by name, each with whether its workers were heard."""
    ids = select(SiteSupplier.site_id).where(
        SiteSupplier.organisation_id == supplier.organisation_id,
        SiteSupplier.supplier_id == supplier.id,
    )
    query = in_org(Site, supplier.organisation_id).where(col(Site.id).in_(ids))
    sites = session.exec(query.order_by(Site.name)).all()
    heard = heard_on(session, supplier.organisation_id, [s.id for s in sites if s.id])
    return [
        Placement(site, not site.archived and (site.id, supplier.id) not in heard) for site in sites
    ]


def heard_on(
    session: Session, organisation_id: int, site_ids: Sequence[int]
) -> set[tuple[int, int]]:
    """The (site, supplier) pairs with a worker signal: a check-in that named the supplier as
    the employer, or a worker's report on the site that an officer linked to it."""
    if not site_ids:
        return set()
    checked_in = session.exec(
        select(CheckIn.site_id, CheckIn.supplier_id)
        .where(
            CheckIn.organisation_id == organisation_id,
            col(CheckIn.site_id).in_(site_ids),
            col(CheckIn.supplier_id).is_not(None),
        )
        .distinct()
    ).all()
    found = {(site, supplier) for site, supplier in checked_in if supplier is not None}
    reported = session.exec(
        select(WorkerCase.site_id, WorkerCase.supplier_ids).where(
            WorkerCase.organisation_id == organisation_id, col(WorkerCase.site_id).in_(site_ids)
        )
    ).all()
    found.update((site, supplier) for site, suppliers in reported for supplier in suppliers)
    return found


def is_placed(session: Session, site: Site, supplier: Supplier) -> bool:
    """Whether the supplier is placed on the site."""
    placed = session.get(SiteSupplier, (site.id, supplier.id))
    return placed is not None and placed.organisation_id == site.organisation_id


def site_ids_by_supplier(
    session: Session, organisation_id: int, supplier_ids: Sequence[int]
) -> dict[int, list[int]]:
    """The ids of the sites each of these suppliers is placed on, in id order (one query)."""
    found: dict[int, list[int]] = {supplier_id: [] for supplier_id in supplier_ids}
    query = (
        select(SiteSupplier.supplier_id, SiteSupplier.site_id)
        .where(
            SiteSupplier.organisation_id == organisation_id,
            col(SiteSupplier.supplier_id).in_(list(found)),
        )
        .order_by(col(SiteSupplier.site_id))
    )
    for supplier_id, site_id in session.execute(query):
        found[supplier_id].append(site_id)
    return found


def place(
    *, session: Session, site: Site, supplier_id: int | None, actor_id: int | None = None
) -> Supplier:
    """Place one of the organisation's live suppliers on the site."""
    org = site.organisation_id
    supplier = get_in_org(session, Supplier, supplier_id, org) if supplier_id else None
    if supplier is None or supplier.archived_at is not None:
        raise InvalidInput({"supplier_id": _l("Choose one of your suppliers.")})
    if is_placed(session, site, supplier):
        raise InvalidInput({"supplier_id": _l("This supplier is already on the site.")})
    session.add(SiteSupplier(organisation_id=org, site_id=site.id, supplier_id=supplier.id))  # type: ignore[arg-type]
    session.flush()
    audit.record(
        session, user_id=actor_id, action="site.supplier_placed", obj=site, supplier=supplier.code
    )
    return supplier


def remove(
    *, session: Session, site: Site, supplier: Supplier, actor_id: int | None = None
) -> bool:
    """Take the supplier off the site; False if it was not on it."""
    placed = session.get(SiteSupplier, (site.id, supplier.id))
    if placed is None or placed.organisation_id != site.organisation_id:
        return False
    session.delete(placed)
    session.flush()
    audit.record(
        session, user_id=actor_id, action="site.supplier_removed", obj=site, supplier=supplier.code
    )
    return True


def site_lookup(session: Session, organisation_id: int) -> dict[str, int | None]:
    """The organisation's live sites by code (upper case) and by name (case-folded), for an
    import's `site` column; a name two sites share maps to None."""
    found: dict[str, int | None] = {}
    query = in_org(Site, organisation_id).where(col(Site.archived).is_(False))
    rows = session.execute(query.with_only_columns(Site.id, Site.code, Site.name)).all()
    for site_id, _code, name in rows:
        key = name.strip().casefold()
        found[key] = site_id if key not in found else None
    for site_id, code, _name in rows:
        found[code.upper()] = site_id  # a code wins over a name that looks like one
    return found


def site_names(session: Session, organisation_id: int) -> dict[int, str]:
    """The name of each of the organisation's sites, by id."""
    query = in_org(Site, organisation_id).with_only_columns(Site.id, Site.name)
    return {site_id: name for site_id, name in session.execute(query)}


def placed_pairs(session: Session, organisation_id: int) -> set[tuple[int, int]]:
    """Every (site id, supplier id) placement of the organisation."""
    query = select(SiteSupplier.site_id, SiteSupplier.supplier_id).where(
        SiteSupplier.organisation_id == organisation_id
    )
    return {(s, p) for s, p in session.execute(query)}


def place_many(
    session: Session, organisation_id: int, pairs: Sequence[tuple[int, int]], actor_id: int | None
) -> None:
    """Add placements (site id, supplier id) in bulk, with one audit event per site."""
    if not pairs:
        return
    table, now = SiteSupplier.__table__, utcnow()  # type: ignore[attr-defined]
    session.execute(
        table.insert(),
        [
            {"organisation_id": organisation_id, "site_id": s, "supplier_id": p, "created_at": now}
            for s, p in pairs
        ],
    )
    for site_id in sorted({s for s, _p in pairs}):
        audit.record(
            session,
            organisation_id=organisation_id,
            user_id=actor_id,
            action="site.suppliers_imported",
            object_type="site",
            object_id=site_id,
            placed=sum(1 for s, _p in pairs if s == site_id),
        )
