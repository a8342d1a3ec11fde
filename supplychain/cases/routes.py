"""The officer's pages of workers' reports: the list of cases and a case's page, where it is
acknowledged, answered, confirmed, taken over and closed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import Response as HttpResponse
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import storage
from ..access import requires
from ..db import get_session
from ..forms import EmptyForm, apply_errors
from ..guide.content import escalation
from ..models import CaseStatus, Role, Site, SiteSupplier, Supplier, User, WorkerCase, utcnow
from ..reference.ilo import NAMES as ILO_NAMES
from ..tenancy import current_org_id, get_or_404, org_select
from ..validation import InvalidInput
from ..voice.effectiveness import by_site
from ..voice.services import CASE_STATUS_NAMES as STATUS_NAMES
from ..voice.services import effectiveness_rows
from . import services
from .forms import ConfirmForm, ExcerptForm, ReplyForm

bp = Blueprint("cases", __name__)


@bp.route("/")
@requires(Role.OFFICER)
def index() -> Any:
    wanted = request.args.get("status", "")
    status = CaseStatus(wanted) if wanted in set(CaseStatus) else None
    today = utcnow().date()
    rows = [
        {"case": case, "site": site, "overdue": services.is_overdue(case, today)}
        for case, site in services.cases_of(get_session(), current_org_id(), status)
    ]
    return render_template("cases/index.html", rows=rows, status=status, STATUS_NAMES=STATUS_NAMES)


@bp.route("/effectiveness")
@requires(Role.OFFICER)
def effectiveness() -> Any:
    sites, cases, check_ins = effectiveness_rows(get_session(), current_org_id())
    return render_template(
        "cases/effectiveness.html", rows=by_site(sites, cases, check_ins, utcnow().date())
    )


@bp.route("/<int:case_id>")
@requires(Role.OFFICER)
def case(case_id: int) -> Any:
    found = get_or_404(get_session(), WorkerCase, case_id)
    return render_template("cases/case.html", **_page(found))


@bp.route("/<int:case_id>/photo")
@requires(Role.OFFICER)
def photo(case_id: int) -> Any:
    """The photo the worker sent with the report (a JPEG we made, without metadata), shown in
    the case's page; kept by no shared cache."""
    session = get_session()
    found = services.photo_of(session, get_or_404(session, WorkerCase, case_id))
    if found is None:
        abort(404)
    path = storage.document_path(
        storage.upload_dir(current_app), found.organisation_id, found.stored_name
    )
    response = HttpResponse(path.read_bytes(), mimetype="image/jpeg")
    response.headers["Content-Disposition"] = f'inline; filename="case-{case_id}.jpg"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:case_id>/<any(acknowledge, under_way, closed, take):action>", methods=["POST"])
@requires(Role.OFFICER)
def step(case_id: int, action: str) -> Any:
    session = get_session()
    found = get_or_404(session, WorkerCase, case_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    now = utcnow()
    try:
        if action == "acknowledge":
            services.acknowledge(session, found, current_user.id, now)
        elif action == "take":
            services.take(session, found, current_user.id)
        else:
            services.move(session, found, CaseStatus(action), current_user.id, now)
    except InvalidInput as error:
        session.rollback()
        flash(str(error.errors["status"]), "error")
        return redirect(url_for("cases.case", case_id=case_id))
    session.commit()
    flash(_("The case is now: %(status)s.", status=STATUS_NAMES[found.status]), "success")
    return redirect(url_for("cases.case", case_id=case_id))


def _posted(
    found: WorkerCase, form: Any, form_name: str, write: Callable[[], object], done: str
) -> Any:
    """Validate the case page's form, call write and commit, flash done and go back to the
    case; on bad input roll back and show the page again with the form's errors (422)."""
    if form.validate_on_submit():
        session = get_session()
        try:
            write()
        except InvalidInput as error:
            session.rollback()
            apply_errors(form, error)
        else:
            session.commit()
            flash(done, "success")
            return redirect(url_for("cases.case", case_id=found.id))
    return render_template("cases/case.html", **_page(found, **{form_name: form})), 422


@bp.route("/<int:case_id>/reply", methods=["POST"])
@requires(Role.OFFICER)
def reply(case_id: int) -> Any:
    session = get_session()
    found = get_or_404(session, WorkerCase, case_id)
    form = ReplyForm()
    return _posted(
        found,
        form,
        "reply_form",
        lambda: services.reply(session, found, form.text.data or "", current_user.id),
        _("Your message is waiting for the worker."),
    )


@bp.route("/<int:case_id>/confirm", methods=["POST"])
@requires(Role.OFFICER)
def confirm(case_id: int) -> Any:
    session = get_session()
    found = get_or_404(session, WorkerCase, case_id)
    form = ConfirmForm()
    form.supplier_ids.choices = _supplier_choices(found)
    return _posted(
        found,
        form,
        "confirm_form",
        lambda: services.confirm(
            session,
            found,
            form.indicators.data or [],
            form.supplier_ids.data or [],
            current_user.id,
        ),
        _("The case's indicators and suppliers are recorded."),
    )


@bp.route("/<int:case_id>/excerpt", methods=["POST"])
@requires(Role.OFFICER)
def excerpt(case_id: int) -> Any:
    """The officer's redacted excerpt of the case, the only words of it a risk report prints."""
    session = get_session()
    found = get_or_404(session, WorkerCase, case_id)
    form = ExcerptForm()
    return _posted(
        found,
        form,
        "excerpt_form",
        lambda: services.set_excerpt(
            session, found, form.report_excerpt.data or "", current_user.id
        ),
        _("The excerpt for the risk report is saved."),
    )


def _supplier_choices(case: WorkerCase) -> list[SelectChoice]:
    """The site's suppliers first, then any other supplier the case already names."""
    session = get_session()
    on_site = session.exec(
        org_select(Supplier)
        .join(SiteSupplier, SiteSupplier.supplier_id == Supplier.id)  # type: ignore[arg-type]
        .where(SiteSupplier.site_id == case.site_id)
        .order_by(Supplier.name)
    ).all()
    named = session.exec(
        org_select(Supplier).where(Supplier.id.in_(case.supplier_ids))  # type: ignore[union-attr]
    ).all()
    seen: dict[int, str] = {}
    for supplier in [*on_site, *named]:
        seen.setdefault(supplier.id, supplier.name)  # type: ignore[arg-type]
    return [SelectChoice(key, name) for key, name in seen.items()]


def _page(found: WorkerCase, **forms: Any) -> dict[str, Any]:
    session = get_session()
    site = get_or_404(session, Site, found.site_id)
    confirm_form = forms.get("confirm_form") or ConfirmForm(
        formdata=None, indicators=found.indicators, supplier_ids=found.supplier_ids
    )
    confirm_form.supplier_ids.choices = _supplier_choices(found)
    owner = session.get(User, found.owner_id) if found.owner_id else None
    return {
        "case": found,
        "site": site,
        "owner": owner,
        "handler": found.owner_id == current_user.id,
        "messages": services.messages_of(session, found),
        "photo": services.photo_of(session, found),
        "overdue": services.is_overdue(found, utcnow().date()),
        "escalation": escalation(str(get_locale())) if services.is_critical(found) else None,
        "reply_form": forms.get("reply_form") or ReplyForm(formdata=None),
        "excerpt_form": forms.get("excerpt_form")
        or ExcerptForm(formdata=None, report_excerpt=found.report_excerpt),
        "confirm_form": confirm_form,
        "action_form": EmptyForm(),
        "ILO_NAMES": {i.value: name for i, name in ILO_NAMES.items()},
        "STATUS_NAMES": STATUS_NAMES,
    }
