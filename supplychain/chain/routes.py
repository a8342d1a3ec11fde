"""Chain views: suppliers and links. Thin: load in the organisation, validate, call a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlmodel import Session
from wtforms.fields.choices import SelectChoice

from ..access import requires
from ..db import get_session
from ..forms import EmptyForm, apply_errors
from ..models import Link, Role, Site, Supplier
from ..numbers import row_id
from ..reference.codes import nace_titles
from ..tenancy import current_org_id, get_or_404, org_select
from ..validation import InvalidInput
from . import graph, queries, retire, services
from .forms import ROOT, LinkForm, SupplierForm
from .panels import SUPPLIER, panels

bp = Blueprint("chain", __name__)

T = TypeVar("T")
M = TypeVar("M")

PAGE_SIZE = 50


def _supplier_data(form: SupplierForm) -> services.SupplierData:
    return services.SupplierData(
        code=form.code.data or "",
        name=form.name.data or "",
        country=form.country.data or "",
        registration_no=form.registration_no.data or "",
        sector=form.sector.data or "",
        email=form.email.data or "",
        kind=form.kind.data,
        employees=form.employees.data,
    )


def committed(write: Callable[..., T], **arguments: Any) -> T:
    """Call a chain service as the signed-in user, commit what it wrote and return its result."""
    db = get_session()
    result = write(session=db, actor_id=current_user.id, **arguments)
    db.commit()
    return result


def _saved(form: FlaskForm, write: Callable[..., T], **arguments: Any) -> T | None:
    """`committed`, for a valid form; on InvalidInput, roll back, put its errors next to the
    form's fields and return None."""
    try:
        return committed(write, **arguments)
    except InvalidInput as exc:
        get_session().rollback()
        apply_errors(form, exc)
        return None


def posted_row(model: type[M], row_id: int, form: FlaskForm | None = None) -> M:
    """The organisation's row a button posts to (else 404), once the button's form (by default
    only its CSRF token) is valid (else 400)."""
    row = get_or_404(get_session(), model, row_id)
    if not (form or EmptyForm()).validate_on_submit():
        abort(400)
    return row


def site_filter(db: Session) -> Site | None:
    """The site a list or the map is filtered by (`?site=<id>`): one of the organisation's,
    else 404."""
    site_id = request.args.get("site", type=row_id)
    return get_or_404(db, Site, site_id) if site_id else None


def _reference_lists() -> dict[str, Any]:
    return {
        "nace_list": nace_titles(str(get_locale())),
    }


@bp.route("/suppliers/new", methods=["GET", "POST"])
@requires(Role.OFFICER)
def new_supplier() -> Any:
    form = SupplierForm()
    if form.validate_on_submit():
        supplier = _saved(
            form,
            services.create_supplier,
            organisation_id=current_org_id(),
            data=_supplier_data(form),
        )
        if supplier is not None:
            flash(_("Supplier %(name)s added.", name=supplier.name), "success")
            return redirect(url_for("chain.supplier", supplier_id=supplier.id))
    return render_template(
        "chain/supplier_form.html", form=form, supplier=None, **_reference_lists()
    )


@bp.route("/suppliers/<int:supplier_id>")
@requires(Role.VIEWER)
def supplier(supplier_id: int) -> Any:
    """A supplier's page; an archived one's shows its evidence and the links a restore brings
    back, with Restore and (for admins) Delete for good instead of the editing actions."""
    db = get_session()
    item = get_or_404(db, Supplier, supplier_id)
    org = item.organisation_id
    # A live supplier's links are live; an archived one's were archived with it.
    links = retire.archived_links(org) if item.archived else retire.live_links(org)
    parents = db.exec(links.where(Link.child_id == item.id)).all()
    children = db.exec(links.where(Link.parent_id == item.id)).all()
    chain, _agencies = queries.load_graph(db, org)
    tier = graph.tiers(chain)
    paths, more_paths = graph.paths_to(chain, item.id)
    ids = {link.parent_id for link in parents} | {link.child_id for link in children}
    ids |= {node for path in paths for node in path}
    names = {s.id: s for s in db.exec(org_select(Supplier).where(Supplier.id.in_(ids)))}
    return render_template(
        "chain/supplier.html",
        **panels(SUPPLIER, db, item),
        archive=archive_routes.archive_facts(db, item) if item.archived else None,
        supplier=item,
        parents=parents,
        children=children,
        names=names,
        action_form=EmptyForm(),
        tier=tier.get(item.id),
        depth=graph.deepest_positions(chain, tier).get(item.id),
        paths=paths,
        more_paths=more_paths,
    )


@bp.route("/suppliers/<int:supplier_id>/edit", methods=["GET", "POST"])
@requires(Role.OFFICER)
def edit_supplier(supplier_id: int) -> Any:
    db = get_session()
    item = get_or_404(db, Supplier, supplier_id)
    form = SupplierForm(data=services.as_mapping(item))
    if form.validate_on_submit() and _saved(
        form, services.update_supplier, supplier=item, data=_supplier_data(form)
    ):
        flash(_("Supplier %(name)s saved.", name=item.name), "success")
        return redirect(url_for("chain.supplier", supplier_id=item.id))
    return render_template(
        "chain/supplier_form.html", form=form, supplier=item, **_reference_lists()
    )


@bp.route("/suppliers/<int:supplier_id>/delete", methods=["POST"])
@requires(Role.OFFICER)
def delete_supplier(supplier_id: int) -> Any:
    item = posted_row(Supplier, supplier_id)
    name = item.name
    if committed(services.delete_supplier, supplier=item):  # archived
        flash(
            _("Supplier %(name)s archived: it holds evidence, which is kept.", name=name),
            "success",
        )
    else:
        flash(_("Supplier %(name)s removed, with its links.", name=name), "success")
    return redirect(url_for("chain.suppliers"))


def _link_choices(form: LinkForm) -> None:
    live = retire.live_suppliers(current_org_id())
    rows = get_session().exec(live.order_by(Supplier.name)).all()
    options = [SelectChoice(s.id, f"{s.name} ({s.code})") for s in rows]
    form.parent_id.choices = [SelectChoice(ROOT, _("Our organisation (direct supplier)")), *options]
    form.child_id.choices = options


def _link_data(form: LinkForm) -> services.LinkData:
    return services.LinkData(
        parent_id=form.parent_id.data or None,
        child_id=form.child_id.data,
        relation=form.relation.data,
        workers=form.workers.data,
        contract_value_eur=form.contract_value_eur.data,
        labour_hours=form.labour_hours.data,
        start_date=form.start_date.data,
        end_date=form.end_date.data,
        work_country=form.work_country.data or "",
    )


@bp.route("/links/new", methods=["GET", "POST"])
@requires(Role.OFFICER)
def new_link() -> Any:
    form = LinkForm()
    if request.method == "GET":
        form.parent_id.data = request.args.get("parent", ROOT, type=row_id)
        form.child_id.data = request.args.get("child", type=row_id)
    _link_choices(form)
    if form.validate_on_submit():
        link = _saved(
            form, services.add_link, organisation_id=current_org_id(), data=_link_data(form)
        )
        if link is not None:
            flash(_("Link added."), "success")
            return redirect(url_for("chain.supplier", supplier_id=link.child_id))
    return render_template("chain/link_form.html", form=form, link=None)


@bp.route("/links/<int:link_id>/edit", methods=["GET", "POST"])
@requires(Role.OFFICER)
def edit_link(link_id: int) -> Any:
    db = get_session()
    link = get_or_404(db, Link, link_id)
    form = LinkForm(data={**link.model_dump(), "parent_id": link.parent_id or ROOT})
    _link_choices(form)
    if form.validate_on_submit() and _saved(
        form, services.update_link, link=link, data=_link_data(form)
    ):
        flash(_("Link saved."), "success")
        return redirect(url_for("chain.supplier", supplier_id=link.child_id))
    return render_template("chain/link_form.html", form=form, link=link)


@bp.route("/links/<int:link_id>/delete", methods=["POST"])
@requires(Role.OFFICER)
def delete_link(link_id: int) -> Any:
    link = posted_row(Link, link_id)
    child_id = link.child_id
    committed(services.delete_link, link=link)
    flash(_("Link removed."), "success")
    return redirect(url_for("chain.supplier", supplier_id=child_id))


from . import archive_routes, import_routes, list_routes, map_routes  # noqa: E402,F401  (they add their views to bp)
