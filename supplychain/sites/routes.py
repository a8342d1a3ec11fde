"""Sites pages: the list, adding and editing a site, archiving and restoring it, and a site's
page with the suppliers placed on it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import col
from wtforms.fields.choices import SelectChoice

from ..access import requires
from ..db import get_session
from ..forms import EmptyForm, apply_errors
from ..models import Role, Site, Supplier
from ..reference.codes import country_names
from ..tenancy import current_org_id, get_or_404, org_select
from ..validation import InvalidInput
from . import services
from .forms import PlaceForm, SiteForm

bp = Blueprint("sites", __name__)


def _site_data(form: SiteForm) -> services.SiteData:
    return services.SiteData(
        name=form.name.data or "",
        address=form.address.data or "",
        country=form.country.data or "",
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        languages=list(form.languages.data or []),
    )


def _saved(form: Any, write: Any, **arguments: Any) -> Any:
    """Call the service as the signed-in user and commit; on InvalidInput roll back, put its
    errors next to the form's fields and return None."""
    db = get_session()
    try:
        result = write(session=db, actor_id=current_user.id, **arguments)
    except InvalidInput as exc:
        db.rollback()
        apply_errors(form, exc)
        return None
    db.commit()
    return result


@bp.route("/")
@requires(Role.VIEWER)
def index() -> Any:
    rows = services.sites_with_counts(get_session(), current_org_id())
    return render_template(
        "sites/index.html",
        live=[(s, n) for s, n in rows if not s.archived],
        archived=[(s, n) for s, n in rows if s.archived],
    )


def _form_page(form: SiteForm, found: Site | None) -> Any:
    """The site form again, with its errors (422) once it was posted."""
    page = render_template(
        "sites/form.html", form=form, site=found, country_list=country_names(str(get_locale()))
    )
    return page, 422 if form.is_submitted() else 200


@bp.route("/new", methods=["GET", "POST"])
@requires(Role.OFFICER)
def new_site() -> Any:
    form = SiteForm(data={"country": "LV", "languages": list(services.LANGUAGES)})
    if form.validate_on_submit():
        site = _saved(
            form, services.create_site, organisation_id=current_org_id(), data=_site_data(form)
        )
        if site is not None:
            flash(_("Site %(name)s added.", name=site.name), "success")
            return redirect(url_for("sites.site", site_id=site.id))
    return _form_page(form, None)


@bp.route("/<int:site_id>/edit", methods=["GET", "POST"])
@requires(Role.OFFICER)
def edit_site(site_id: int) -> Any:
    found = get_or_404(get_session(), Site, site_id)
    form = SiteForm(data={**found.model_dump(), "languages": found.languages.split(",")})
    if form.validate_on_submit() and _saved(
        form, services.update_site, site=found, data=_site_data(form)
    ):
        flash(_("Site %(name)s saved.", name=found.name), "success")
        return redirect(url_for("sites.site", site_id=found.id))
    return _form_page(form, found)


@bp.route("/<int:site_id>/archive", methods=["POST"])
@requires(Role.OFFICER)
def archive(site_id: int) -> Any:
    return _set_archived(site_id, archived=True)


@bp.route("/<int:site_id>/restore", methods=["POST"])
@requires(Role.OFFICER)
def restore(site_id: int) -> Any:
    return _set_archived(site_id, archived=False)


def _set_archived(site_id: int, *, archived: bool) -> Any:
    found = get_or_404(get_session(), Site, site_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    _saved(EmptyForm(), services.set_archived, site=found, archived=archived)
    if archived:
        flash(_("Site %(name)s archived: its address and poster stay valid.", name=found.name))
    else:
        flash(_("Site %(name)s restored.", name=found.name), "success")
    return redirect(url_for("sites.site", site_id=found.id))


def _page(found: Site, form: PlaceForm | None = None) -> dict[str, Any]:
    db = get_session()
    placed = services.suppliers_on(db, found)
    if form is None:
        form = PlaceForm(formdata=None)
    taken = [s.id for s in placed]
    live = org_select(Supplier).where(
        col(Supplier.archived_at).is_(None), col(Supplier.id).not_in(taken)
    )
    form.supplier_id.choices = [
        SelectChoice(s.id, f"{s.name} ({s.code})") for s in db.exec(live.order_by(Supplier.name))
    ]
    poster = "voice.poster" in current_app.view_functions
    return {
        "site": found,
        "suppliers": placed,
        "form": form,
        "action_form": EmptyForm(),
        "public_path": f"/w/{found.code}",
        "poster_url": url_for("voice.poster", site_id=found.id) if poster else None,
    }


@bp.route("/<int:site_id>")
@requires(Role.VIEWER)
def site(site_id: int) -> Any:
    found = get_or_404(get_session(), Site, site_id)
    return render_template("sites/site.html", **_page(found))


@bp.route("/<int:site_id>/suppliers", methods=["POST"])
@requires(Role.OFFICER)
def place(site_id: int) -> Any:
    found = get_or_404(get_session(), Site, site_id)
    form = PlaceForm()
    page = _page(found, form)
    if form.validate_on_submit():
        supplier = _saved(form, services.place, site=found, supplier_id=form.supplier_id.data)
        if supplier is not None:
            flash(_("%(name)s placed on the site.", name=supplier.name), "success")
            return redirect(url_for("sites.site", site_id=found.id))
    return render_template("sites/site.html", **page), 422


@bp.route("/<int:site_id>/suppliers/<int:supplier_id>/remove", methods=["POST"])
@requires(Role.OFFICER)
def remove(site_id: int, supplier_id: int) -> Any:
    db = get_session()
    found = get_or_404(db, Site, site_id)
    supplier = get_or_404(db, Supplier, supplier_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if _saved(EmptyForm(), services.remove, site=found, supplier=supplier):
        flash(_("%(name)s taken off the site.", name=supplier.name), "success")
    return redirect(url_for("sites.site", site_id=found.id))
