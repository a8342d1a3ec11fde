"""The supplier list: columns from the features above the chain, sort, filters, and the bulk
actions on a selection (ticked suppliers, or all those matching the filter).

A selection travels as URL parameters: the filter plus all=1, or supplier=<id> repeated. The
list's bulk bar only sends the officer on: to the invitations' form (send), their reminder page
(remind), the CSV (export) or the archive page here, each of which reads the selection again and
says how many it is about to act on.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlmodel import Session, col

from ..access import requires
from ..db import get_session
from ..forms import EmptyForm
from ..models import Role, Site, Supplier
from ..numbers import page_number
from ..tenancy import current_org_id, get_or_404, in_org
from . import retire, supplier_list
from .panels import ListColumn, list_columns
from .routes import bp, committed
from .tabular import write_csv

PAGE_SIZE = 50
NAMES_SHOWN = 50  # the archive page names this many of the suppliers it will archive
BULK_ACTIONS = {
    "send": "invitations.new",
    "remind": "invitations.remind",
    "export": "chain.suppliers_csv",
    "archive": "chain.archive_selected",
}
ARCHIVE_REASON = "listed"  # the audit event's reason (see archive_routes.REASONS)


def _headers(lq: supplier_list.ListQuery, columns: dict[str, Any]) -> list[dict[str, Any]]:
    """Each column's heading with the link that sorts by it (or turns its order round)."""
    labels = {
        "name": _("Name"),
        "code": _("Code"),
        "country": _("Country"),
        "sector": _("Sector"),
        "kind": _("Kind"),
    }
    labels |= {key: str(c.label) for key, c in columns.items()}
    found = []
    for key, label in labels.items():
        first_desc = key in columns and columns[key].descending
        desc = not lq.descending if lq.sort == key else first_desc
        args = {**lq.args(sort=False), "sort": key, "dir": "desc" if desc else "asc"}
        found.append(
            {
                "key": key,
                "label": label,
                "url": url_for("chain.suppliers", **args),
                "sorted": ("desc" if lq.descending else "asc") if lq.sort == key else "",
            }
        )
    return found


def _listed() -> tuple[Session, int, dict[str, ListColumn], supplier_list.ListQuery]:
    """The session, the organisation, the list's columns and the URL's filters and sort."""
    columns = list_columns()
    return get_session(), current_org_id(), columns, supplier_list.parse(request.args, columns)


@bp.route("/suppliers")
@requires(Role.VIEWER)
def suppliers() -> Any:
    db, org, columns, lq = _listed()
    site = get_or_404(db, Site, lq.site) if lq.site else None
    query = supplier_list.matching(db, org, lq, columns)
    page = request.args.get("page", 1, type=page_number)
    ordered = supplier_list.ordered(db, org, query, lq, columns)
    rows = db.exec(supplier_list.page_of(ordered, page, PAGE_SIZE)).all()
    shown = list(rows[:PAGE_SIZE])
    ids = [s.id for s in shown]
    return render_template(
        "chain/suppliers.html",
        suppliers=shown,
        cells=supplier_list.cells(db, org, ids, columns),  # type: ignore[arg-type]
        columns=list(columns.values()),
        headers=_headers(lq, columns),
        lq=lq,
        args=lq.args(),
        total=supplier_list.count(db, query),
        choices=supplier_list.choices(db, org),
        sites=db.exec(in_org(Site, org).order_by(col(Site.name))).all(),
        kinds=supplier_list.KINDS,
        q=lq.q,
        site=site,
        page=page,
        has_next=len(rows) > PAGE_SIZE,
    )


@bp.route("/suppliers/bulk")
@requires(Role.VIEWER)
def bulk() -> Any:
    """Send the selection on to the page of the action chosen (nothing is changed here)."""
    columns = list_columns()
    action = request.args.get("action", "")
    chosen = request.args.get("all") == "1" or request.args.getlist("supplier")
    if action not in BULK_ACTIONS or not chosen:
        if action not in BULK_ACTIONS:
            flash(_("Choose what to do with the selection."), "error")
        else:
            flash(_("Tick suppliers, or select all those matching the filter."), "error")
        args = supplier_list.parse(request.args, columns).args()
        return redirect(url_for("chain.suppliers", **args))
    return redirect(
        url_for(BULK_ACTIONS[action], **supplier_list.selection_args(request.args, columns))
    )


def _csv_rows(org: int, ids: list[int], columns: dict[str, Any]) -> Iterator[list[object]]:
    """The suppliers ids (in order) as rows, 500 at a time: a few queries per 500."""
    db = get_session()
    for chunk in supplier_list.in_chunks(ids):
        by_id = {s.id: s for s in db.exec(in_org(Supplier, org).where(col(Supplier.id).in_(chunk)))}
        cells = supplier_list.cells(db, org, chunk, columns)
        for sid in chunk:
            s = by_id[sid]
            extra = [" ".join(p.text for p in cells[key].get(sid, ())) for key in columns]
            yield [s.code, s.name, s.country, s.sector, s.kind.value, s.email, *extra]


@bp.route("/suppliers/selected.csv")
@requires(Role.VIEWER)
def suppliers_csv() -> Response:
    """The selected suppliers with the list's columns, in the list's order, as CSV."""
    db, org, columns, lq = _listed()
    selected = supplier_list.selection(db, org, request.args, columns)
    ordered = supplier_list.ordered(db, org, selected, lq, columns)
    ids = list(db.execute(supplier_list.ids_of(ordered)).scalars())
    heads = ["code", "name", "country", "sector", "kind", "email"]
    heads += [str(c.label) for c in columns.values()]
    return Response(
        write_csv(_csv_rows(org, ids, columns), heads),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="suppliers.csv"'},
    )


@bp.route("/suppliers/archive-selected", methods=["GET", "POST"])
@requires(Role.OFFICER)
def archive_selected() -> Any:
    """Say how many suppliers and which the selection archives; archive them once confirmed
    with the same count (a chain that changed in between is shown again)."""
    db, org = get_session(), current_org_id()
    columns = list_columns()
    selected = supplier_list.selection(db, org, request.args, columns)
    total = supplier_list.count(db, selected)
    form = EmptyForm()
    if form.validate_on_submit():
        if request.form.get("count") == str(total) and total:
            ids = list(db.execute(supplier_list.ids_of(selected)).scalars())
            committed(retire.archive, organisation_id=org, supplier_ids=ids, reason=ARCHIVE_REASON)
            flash(
                ngettext(
                    "%(num)d supplier archived: its evidence is kept.",
                    "%(num)d suppliers archived: their evidence is kept.",
                    total,
                ),
                "success",
            )
            return redirect(url_for("chain.suppliers"))
        flash(_("The selection changed since this page was shown: check it again."), "error")
    names = db.exec(selected.order_by(col(Supplier.name)).limit(NAMES_SHOWN)).all()
    return render_template(
        "chain/archive_selected.html",
        total=total,
        names=names,
        more=max(total - NAMES_SHOWN, 0),
        filters=supplier_list.describe(supplier_list.parse(request.args, columns), columns),
        picked=request.args.get("all") != "1",
        back=url_for("chain.suppliers", **supplier_list.parse(request.args, columns).args()),
        form=form,
    )
