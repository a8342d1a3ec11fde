"""Import and export views: upload, watch the file being checked, preview the difference,
confirm, watch it being applied; download the chain. The checking and the applying are jobs
(chain.jobs): no request waits for a big file."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField

from .. import jobs
from ..access import requires
from ..db import get_session
from ..forms import Form
from ..jobstate import job_status
from ..models import ChainImport, Role, RunStatus, utcnow
from ..tenancy import current_org_id
from . import exporter, importer
from . import jobs as import_jobs
from .routes import bp
from .tabular import COLUMNS, write_csv

STEP_NAMES = {
    "claimed": _l("starting"),
    "reading": _l("reading the file"),
    "checking": _l("checking every row"),
    "comparing": _l("comparing it with your chain"),
    "applying": _l("applying the changes"),
    "done": _l("done"),
}


# What a supplier can hold that an import's prune keeps (it archives the supplier instead of
# deleting it); see chain.retire.evidence_of.
EVIDENCE_KINDS = {
    "responses": _l("questionnaire answers"),
    "documents": _l("documents"),
    "decisions": _l("decisions on risk flags"),
    "disclosures": _l("companies it named"),
    "invitations": _l("questionnaires sent to it"),
    "screening": _l("screening checks"),
}
CHANGES = importer.ImportDiff.CHANGES


class UploadForm(Form):
    file = FileField("file", validators=[FileRequired()])


class ApplyForm(Form):
    """The preview's confirmation. prune is off unless the officer ticks it."""

    prune = BooleanField("prune", default=False)


@bp.route("/import", methods=["GET", "POST"])
@requires(Role.OFFICER)
def import_chain() -> Any:
    form = UploadForm()
    session = get_session()
    message, status = None, 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            record = import_jobs.queue_check(
                session=session,
                organisation_id=current_org_id(),
                user_id=current_user.id,
                filename=upload.filename or "chain.csv",
                content=upload.read(),
                lang=str(get_locale()),
            )
        except import_jobs.ImportBusy:
            message, status = _("Another file is being imported: wait until it is done."), 409
        else:
            session.commit()
            jobs.wake(current_app._get_current_object())  # type: ignore[attr-defined]
            return redirect(url_for("chain.import_job", import_id=record.id))
    elif form.is_submitted():
        message, status = _("Choose a file to upload."), 422
    return render_template(
        "chain/import.html",
        form=form,
        message=message,
        columns=COLUMNS,
        busy=import_jobs.unfinished(session, current_org_id()),
    ), status


def _load_or_404(import_id: int) -> ChainImport:
    found = import_jobs.load(get_session(), current_org_id(), import_id)
    if found is None:
        abort(404)
    return found


@bp.route("/import/<int:import_id>")
@requires(Role.OFFICER)
def import_job(import_id: int) -> Any:
    """The import as it stands: being checked, its problems, its preview, being applied, or
    what applying it did. Refreshes itself while a job runs."""
    record = _load_or_404(import_id)
    stalled = import_jobs.stalled(record, utcnow())
    if record.status == RunStatus.QUEUED or stalled:
        # Nobody may be running it (an app restarted, a runner died): have it taken up.
        jobs.wake(current_app._get_current_object())  # type: ignore[attr-defined]
    # Applying was queued at the confirmation, a time not kept: only the check's wait is known.
    queued_at = record.created_at if record.stage == import_jobs.CHECK else None
    return render_template(
        "chain/import_job.html",
        record=record,
        stalled=stalled,
        status=job_status(record, utcnow(), queued_at=queued_at),
        step=STEP_NAMES.get(record.step, ""),
        can_apply=import_jobs.can_apply(record),
        can_prune=import_jobs.can_prune(record),
        form=ApplyForm(),
        **_state(record),
    )


def _state(record: ChainImport) -> dict[str, Any]:
    """What the page shows, as flags and plain values."""
    working = record.status in (RunStatus.QUEUED, RunStatus.RUNNING)
    failed = record.status == RunStatus.FAILED
    applying = record.stage == import_jobs.APPLY
    outcome = record.outcome or {}
    counts = outcome.get("counts", {})
    if working:
        heading = _("Applying the changes") if applying else _("Checking the file")
    elif failed:
        heading = _("Not imported")
    else:
        heading = _("Imported") if applying else _("Preview the import")
    return {
        "heading": heading,
        "working": working,
        "failed": failed,
        "applying": applying,
        "problems": outcome.get("problems", []),
        "problem_count": outcome.get("problem_count", 0),
        "counts": counts,
        "lists": outcome.get("lists", {}),
        "nothing_changes": not any(counts.get(name) for name in CHANGES),
        # An import made before prunes were optional removed what was missing: its page
        # still lists what it removed.
        "pruned": bool(
            outcome.get("prune", counts.get("removed_suppliers") or counts.get("removed_links"))
        ),
        "rechecked": bool(outcome.get("rechecked")),
        "taken_out_lists": {
            name: [_taken_out(item) for item in outcome.get("lists", {}).get(name, [])]
            for name in ("prunable_suppliers", "removed_suppliers")
        },
    }


def _taken_out(item: Any) -> tuple[str, str, str | None]:
    """(code, name, what it holds: "documents: 2, ..." or "" for nothing); an import made
    before prunes were optional kept only the code (None: what it held is not known)."""
    if not isinstance(item, list):
        return str(item), "", None
    code, name, held = item
    kinds = EVIDENCE_KINDS.items()
    return code, name, ", ".join(f"{label}: {held[k]}" for k, label in kinds if held.get(k))


@bp.route("/import/<int:import_id>/apply", methods=["POST"])
@requires(Role.OFFICER)
def import_apply(import_id: int) -> Any:
    session = get_session()
    record = _load_or_404(import_id)
    form = ApplyForm()
    if not form.validate_on_submit():
        abort(400)
    # Pruning only when asked for, and only when the preview offered it (and so listed what
    # it takes out); the job then takes out exactly that (see import_jobs._apply).
    prune = bool(form.prune.data) and import_jobs.can_prune(record)
    if not import_jobs.queue_apply(
        session=session, record=record, user_id=current_user.id, prune=prune
    ):
        abort(404)  # applied already, or not checked
    session.commit()
    jobs.wake(current_app._get_current_object())  # type: ignore[attr-defined]
    return redirect(url_for("chain.import_job", import_id=record.id))


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/export.csv")
@requires(Role.VIEWER)
def export_csv() -> Response:
    return _download(
        exporter.export_csv(get_session(), current_org_id()), "chain.csv", "text/csv; charset=utf-8"
    )


@bp.route("/export.xlsx")
@requires(Role.VIEWER)
def export_xlsx() -> Response:
    return _download(
        exporter.export_xlsx(get_session(), current_org_id()),
        "chain.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@bp.route("/template.csv")
@requires(Role.VIEWER)
def template_csv() -> Response:
    example = [
        [
            "",
            "MAIN",
            "Example Builders SIA",
            "subcontract",
            "LV",
            "F41.2",
            "40003000001",
            "info@example.com",
            "company",
            80,
            30,
            400000,
            16000,
        ],
        [
            "MAIN",
            "AGENCY1",
            "Example Staffing SIA",
            "labour_hire",
            "LV",
            "N78.2",
            "40003000002",
            "",
            "agency",
            4,
            12,
            95000,
            8000,
        ],
    ]
    return _download(write_csv(example), "chain-template.csv", "text/csv; charset=utf-8")
