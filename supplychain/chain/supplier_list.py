"""The supplier list as a query: its filters and sort read from the URL, whitelisted, and the
columns the features above the chain add (chain.panels.ListColumn).

The list is a few bounded queries whatever the chain's size: one count, one page of suppliers
(sorted in the database, joined to at most one column's sort rows), and one query per column
for the page's cells. A selection ("all N matching") is the filter itself, read again from the
URL by whoever acts on it (chain.list_routes, the invitations' sending), never a list of ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, or_

from ..models import Supplier, SupplierKind
from ..numbers import row_id
from ..sites.services import supplier_ids_on
from .panels import ListColumn, Part
from .retire import live_suppliers

CHAIN_SORTS = {
    "name": Supplier.name,
    "code": Supplier.code,
    "country": Supplier.country,
    "sector": Supplier.sector,
    "kind": Supplier.kind,
}
CHAIN_FILTERS = {
    "q": _l("Search"),
    "site": _l("Site"),
    "country": _l("Country"),
    "sector": _l("Sector"),
    "kind": _l("Kind"),
}
KINDS = {SupplierKind.COMPANY.value: _l("Company"), SupplierKind.AGENCY.value: _l("Agency")}
MAX_PICKED = 500  # suppliers ticked one by one that a URL carries (a page holds 50)


@dataclass(frozen=True)
class ListQuery:
    """The list's filters and sort as the URL gave them (values checked, unknown ones dropped)."""

    q: str = ""
    site: int | None = None
    country: str = ""
    sector: str = ""
    kind: str = ""
    sort: str = "name"
    descending: bool = False
    extra: Mapping[str, str] = field(default_factory=dict)  # the columns' filters

    def args(self, *, sort: bool = True) -> dict[str, Any]:
        """The filters (and the sort) as URL parameters, empty ones left out."""
        found: dict[str, Any] = {
            "q": self.q,
            "site": self.site,
            "country": self.country,
            "sector": self.sector,
            "kind": self.kind,
            **self.extra,
        }
        if sort and (self.sort, self.descending) != ("name", False):
            found |= {"sort": self.sort, "dir": "desc" if self.descending else "asc"}
        return {k: v for k, v in found.items() if v not in ("", None)}

    @property
    def filtered(self) -> bool:
        return bool(self.args(sort=False))


def parse(args: Mapping[str, str], columns: Mapping[str, ListColumn]) -> ListQuery:
    """The ListQuery of a request's arguments."""
    try:
        site = row_id(args.get("site", "")) or None
    except ValueError:
        site = None
    kind = args.get("kind", "")
    sort = args.get("sort", "name")
    extra = {
        f.key: args[f.key].strip()[:20]
        for column in columns.values()
        for f in column.filters
        if args.get(f.key, "").strip()
    }
    return ListQuery(
        q=args.get("q", "").strip()[:100],
        site=site,
        country=args.get("country", "").strip().upper()[:2],
        sector=args.get("sector", "").strip()[:8],
        kind=kind if kind in {k.value for k in SupplierKind} else "",
        sort=sort if sort in CHAIN_SORTS or sort in columns else "name",
        descending=args.get("dir") == "desc",
        extra=extra,
    )


def matching(
    session: Session, organisation_id: int, lq: ListQuery, columns: Mapping[str, ListColumn]
) -> Any:
    """SELECT the organisation's live suppliers that pass lq's filters (unsorted)."""
    query = live_suppliers(organisation_id)
    if lq.site is not None:
        query = query.where(col(Supplier.id).in_(supplier_ids_on(organisation_id, lq.site)))
    if lq.q:
        like = f"%{lq.q}%"
        query = query.where(
            or_(
                col(Supplier.name).ilike(like),
                col(Supplier.code).ilike(like),
                col(Supplier.registration_no).ilike(like),
            )
        )
    for name in ("country", "kind"):
        if getattr(lq, name):
            query = query.where(getattr(Supplier, name) == getattr(lq, name))
    if len(lq.sector) == 1:  # a NACE section, as the map's groups give it: every code in it
        query = query.where(col(Supplier.sector).startswith(lq.sector.upper(), autoescape=True))
    elif lq.sector:
        query = query.where(Supplier.sector == lq.sector)
    for column in columns.values():
        for f in column.filters:
            value = lq.extra.get(f.key)
            ids = f.where(session, organisation_id, value) if value else None
            if ids is not None:
                query = query.where(col(Supplier.id).in_(ids))
    return query


def ordered(
    session: Session,
    organisation_id: int,
    query: Any,
    lq: ListQuery,
    columns: Mapping[str, ListColumn],
) -> Any:
    """query sorted by lq's column, then by name and id (a stable order for paging)."""
    column = columns.get(lq.sort)
    if column is None:
        key: Any = CHAIN_SORTS[lq.sort]
    else:
        rows = column.sort(session, organisation_id).subquery()
        query = query.outerjoin(rows, rows.c.supplier_id == Supplier.id)
        key = rows.c.key if column.missing is None else sa.func.coalesce(rows.c.key, column.missing)
    order = key.desc() if lq.descending else key.asc()
    return query.order_by(sa.nulls_last(order), col(Supplier.name), col(Supplier.id))


def page_of(query: Any, page: int, size: int) -> Any:
    """One page of query and the first row of the next (to know there is one).

    LIMIT and OFFSET are written into the SQL, not bound: with `LIMIT ?` SQLite evaluates a
    joined sort subquery over and over (minutes at 100k; well under a second as literals)."""
    start = (page - 1) * size
    return query.limit(sa.literal_column(str(int(size) + 1))).offset(
        sa.literal_column(str(int(start)))
    )


def count(session: Session, query: Any) -> int:
    return int(session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar())


def ids_of(query: Any) -> Any:
    """SELECT the ids of query's suppliers."""
    return query.with_only_columns(col(Supplier.id))


def selection(
    session: Session,
    organisation_id: int,
    args: Any,
    columns: Mapping[str, ListColumn],
) -> Any:
    """SELECT the suppliers a bulk action's URL names: all those matching its filter (all=1),
    else those ticked (supplier=<id>, repeated) among them."""
    query = matching(session, organisation_id, parse(args, columns), columns)
    if args.get("all") == "1":
        return query
    picked = []
    for raw in args.getlist("supplier")[:MAX_PICKED]:
        try:
            picked.append(row_id(raw))
        except ValueError:
            continue
    return query.where(col(Supplier.id).in_(picked))


def selection_args(args: Any, columns: Mapping[str, ListColumn]) -> dict[str, Any]:
    """The URL parameters that name a selection again (for the next page of a bulk action),
    marked selection=1 (the invitations' form then sends to the selection)."""
    found = {**parse(args, columns).args(sort=False), "selection": "1"}
    if args.get("all") == "1":
        return {**found, "all": "1"}
    return {**found, "supplier": args.getlist("supplier")[:MAX_PICKED]}


def cells(
    session: Session,
    organisation_id: int,
    ids: Sequence[int],
    columns: Mapping[str, ListColumn],
) -> dict[str, Mapping[int, Sequence[Part]]]:
    """Each column's cells for the suppliers ids (one page): column key -> supplier id -> parts."""
    return {key: column.cells(session, organisation_id, ids) for key, column in columns.items()}


def choices(session: Session, organisation_id: int) -> dict[str, list[str]]:
    """The countries and sectors the live chain has, for the filters' lists."""
    live = live_suppliers(organisation_id)
    found = {}
    for name in ("country", "sector"):
        column = getattr(Supplier, name)
        rows = session.execute(live.with_only_columns(column).distinct().order_by(column))
        found[name] = [value for value in rows.scalars() if value]
    return found


def describe(lq: ListQuery, columns: Mapping[str, ListColumn]) -> list[tuple[Any, str]]:
    """The filters as (label, value) pairs for the pages that act on a selection."""
    labels: dict[str, Any] = {f.key: f for c in columns.values() for f in c.filters}
    found: list[tuple[Any, str]] = []
    for key, value in lq.args(sort=False).items():
        f = labels.get(key)
        if f is not None:
            value = str(dict(f.choices).get(value, value)) if f.choices else value
            found.append((f.label, "" if f.check else value))
        else:
            found.append((CHAIN_FILTERS[key], str(KINDS.get(value, value))))
    return found


def in_chunks(ids: Iterable[int], size: int = 500) -> Iterable[list[int]]:
    chunk: list[int] = []
    for sid in ids:
        chunk.append(sid)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
