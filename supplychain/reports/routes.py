"""Report pages: ask for a report, watch it being made, download it (again) unchanged, and
export a run's flags. Thin views over reports.services."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import LazyString, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlmodel import col
from wtforms import RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from .. import jobs
from ..access import can, requires
from ..db import get_session
from ..forms import Form, WholeNumberField, apply_errors
from ..i18n import LANGUAGE_NAMES, language_name
from ..jobstate import job_status
from ..models import AssessmentRun, Report, Role, RunStatus, Supplier, utcnow
from ..questionnaires.catalogue import get_catalogue
from ..risk.freshness import freshness
from ..risk.snapshot import run_suppliers
from ..tenancy import current_org_id, get_or_404, org_select
from ..validation import InvalidInput
from . import exports, services
from .context import Scope
from .flags import flag_items

bp = Blueprint("reports", __name__)

SCOPES = {
    "chain": _l("The whole chain"),
    "tier": _l("One tier"),
    "supplier": _l("One supplier and everything below it"),
}
KIND_NAMES = {
    "summary": _l("Summary: the board's view"),
    "full": _l("Full: every flagged supplier and the answers"),
}
STEP_NAMES = {
    "claimed": _l("starting"),
    "reading": _l("reading the chain and the flags"),
    "drawing": _l("drawing the map and the pages"),
    "laying out pages": _l("laying out the pages"),
    "writing": _l("writing the PDF"),
    "archiving": _l("archiving the file"),
    "done": _l("done"),
}


class ReportForm(Form):
    kind = RadioField(
        _l("Kind of report"),
        choices=[SelectChoice(k, v) for k, v in KIND_NAMES.items()],
        default="summary",
        description=_l(
            "The summary has the findings, the map, the critical and high flags with what to do,"
            " the most exposed suppliers, coverage and method. The full report adds a section for"
            " every flagged supplier and every answer: hundreds of pages for a large chain."
        ),
        invalid_choice_message=_l("Choose the summary or the full report."),
    )
    scope = RadioField(
        choices=[SelectChoice(k, v) for k, v in SCOPES.items()],
        default="chain",
        invalid_choice_message=_l("Choose the whole chain, a tier or a supplier."),
    )
    tier = WholeNumberField(
        _l("Tier"),
        digits=4,
        description=_l("For one tier: 1 is your direct suppliers."),
        validators=[Optional(), NumberRange(min=1, max=999, message=_l("Give a tier from 1."))],
    )
    supplier = StringField(
        _l("Supplier code"), description=_l("For one supplier: its code, as on the Suppliers page.")
    )
    lang = SelectField(
        _l("Language of the report"),
        choices=[SelectChoice(k, LazyString(language_name, k)) for k in LANGUAGE_NAMES],
        invalid_choice_message=_l("Choose English or Latvian."),
    )


@bp.route("/", methods=("GET", "POST"))
@requires(Role.VIEWER)
def index() -> Any:
    session = get_session()
    organisation_id = current_org_id()
    form = ReportForm()
    if request.method == "GET":
        form.lang.data = str(get_locale())
        form.scope.data = request.args.get("scope", "chain")
        form.supplier.data = request.args.get("supplier", "")[:64]
    elif not can(Role.OFFICER):
        abort(403)
    elif form.validate_on_submit():
        try:
            report = services.queue_report(
                session=session,
                organisation_id=organisation_id,
                scope=_scope(form),
                lang=form.lang.data,
                user_id=current_user.id,
                kind=form.kind.data,
            )
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            session.commit()
            jobs.wake(current_app._get_current_object())  # type: ignore[attr-defined]
            return redirect(url_for(".report", report_id=report.id))
    reports = session.exec(org_select(Report).order_by(col(Report.id).desc()).limit(50)).all()
    fresh = freshness(session, organisation_id, utcnow())
    return render_template(
        "reports/index.html",
        form=form,
        reports=reports,
        kind_names=KIND_NAMES,
        run=fresh.run,
        fresh=fresh,
        can_create=can(Role.OFFICER),
    )


def _scope(form: ReportForm) -> Scope:
    """The scope the form asks for; a supplier is named by its code."""
    if form.scope.data == "tier":
        if form.tier.data is None:
            raise InvalidInput({"tier": _("Give a tier from 1.")})
        return Scope("tier", tier=form.tier.data)
    if form.scope.data == "supplier":
        code = (form.supplier.data or "").strip()
        found = get_session().exec(org_select(Supplier).where(Supplier.code == code)).first()
        if found is None:
            message = _("No supplier has the code %(code)s.", code=code[:64])
            raise InvalidInput({"supplier": message})
        return Scope("supplier", supplier_id=found.id)
    return Scope()


@bp.route("/<int:report_id>")
@requires(Role.VIEWER)
def report(report_id: int) -> Any:
    found = get_or_404(get_session(), Report, report_id)
    status = job_status(found, utcnow())
    return render_template(
        "reports/report_status.html",
        report=found,
        step=STEP_NAMES.get(found.step, found.step),
        kind_name=KIND_NAMES.get(found.kind, found.kind),
        status=status,
        working=status.working,
    )


@bp.route("/<int:report_id>/download")
@requires(Role.VIEWER)
def download(report_id: int) -> Any:
    found = get_or_404(get_session(), Report, report_id)
    if found.status != RunStatus.DONE:
        abort(404)
    try:
        data = services.archived(found)
    except services.ReportChanged:
        current_app.logger.error("report %s: archived file missing or changed", found.id)
        return render_template("reports/changed.html", report=found), 410
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{services.download_name(found)}"',
            "X-Content-SHA256": found.sha256,
        },
    )


@bp.route("/runs/<int:run_id>/flags.<fmt>")
@requires(Role.VIEWER)
def export(run_id: int, fmt: str) -> Any:
    """A run's flags, in the page's language, as CSV, XLSX or JSON."""
    session = get_session()
    run = get_or_404(session, AssessmentRun, run_id)
    if fmt not in ("csv", "xlsx", "json") or run.status != RunStatus.DONE:
        abort(404)
    # named as the run read the chain: an export of a past run never changes
    items = flag_items(session, run, run_suppliers(session, run), get_catalogue())
    body, mimetype = {
        "csv": lambda: (exports.flags_csv(items), "text/csv"),
        "xlsx": lambda: (
            exports.flags_xlsx(items),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "json": lambda: (exports.flags_json(run, items), "application/json"),
    }[fmt]()
    name = f"flags-run{run.id}.{fmt}"
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
