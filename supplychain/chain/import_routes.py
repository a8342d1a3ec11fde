"""Import and export views: upload, preview the difference, confirm; download the chain."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired

from ..access import requires
from ..accounts.forms import EmptyForm
from ..db import get_session
from ..forms import Form
from ..models import ChainImport, Role, utcnow
from ..tenancy import current_org_id, get_or_404
from . import bp, exporter, importer
from .tabular import COLUMNS, FileFormatError, read_table, write_csv

PREVIEW_LIMIT = 200


class UploadForm(Form):
    file = FileField("file", validators=[FileRequired()])


def _plan(record: ChainImport) -> importer.ChainPlan:
    return importer.parse_chain(read_table(record.filename, record.content))


@bp.route("/import", methods=["GET", "POST"])
@requires(Role.OFFICER)
def import_chain() -> Any:
    form = UploadForm()
    problems: list[importer.RowError] = []
    message = None
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read()
        filename = (upload.filename or "chain.csv")[-255:]
        try:
            importer.parse_chain(read_table(filename, content))
        except FileFormatError as exc:
            message = str(exc)
        except importer.ImportRejected as exc:
            problems = exc.errors
        else:
            db = get_session()
            record = ChainImport(
                organisation_id=current_org_id(),
                user_id=current_user.id,
                filename=filename,
                content=content,
                sha256=hashlib.sha256(content).hexdigest(),
            )
            db.add(record)
            db.commit()
            return redirect(url_for("chain.import_preview", import_id=record.id))
    elif form.is_submitted():
        message = _("Choose a file to upload.")
    status = 422 if problems or message else 200
    return render_template(
        "chain/import.html", form=form, problems=problems, message=message, columns=COLUMNS
    ), status


@bp.route("/import/<int:import_id>")
@requires(Role.OFFICER)
def import_preview(import_id: int) -> Any:
    db = get_session()
    record = get_or_404(db, ChainImport, import_id)
    if record.applied_at is not None:
        abort(404)
    changes = importer.diff(db, record.organisation_id, _plan(record))
    return render_template(
        "chain/import_preview.html",
        record=record,
        changes=changes,
        limit=PREVIEW_LIMIT,
        form=EmptyForm(),
    )


@bp.route("/import/<int:import_id>/apply", methods=["POST"])
@requires(Role.OFFICER)
def import_apply(import_id: int) -> Any:
    db = get_session()
    record = get_or_404(db, ChainImport, import_id)
    if record.applied_at is not None or not EmptyForm().validate_on_submit():
        abort(404 if record.applied_at else 400)
    changes = importer.apply(
        db,
        record.organisation_id,
        _plan(record),
        filename=record.filename,
        content=record.content,
        actor_id=current_user.id,
    )
    record.applied_at = utcnow()
    record.content = b""  # the audit event keeps the file's hash; the upload is not kept
    db.add(record)
    db.commit()
    counts = changes.counts()
    flash(
        _(
            "Imported: %(s)d suppliers added, %(l)d links added, %(c)d changed, %(r)d removed.",
            s=counts["added_suppliers"],
            l=counts["added_links"],
            c=counts["changed_suppliers"] + counts["changed_links"],
            r=counts["removed_suppliers"] + counts["removed_links"],
        ),
        "success",
    )
    return redirect(url_for("chain.suppliers"))


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
