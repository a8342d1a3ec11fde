"""Screening pages: a supplier's checklist with its state and history, recording a check, the
checklist as a PDF, and a check's document (a download, for the organisation's own users)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from .. import storage
from ..access import requires
from ..db import get_session
from ..downloads import pdf_attachment, stored_file
from ..models import Role, ScreeningCheck, ScreeningResult, Supplier, utcnow
from ..questionnaires.evidence import RejectedFile
from ..tenancy import get_or_404
from . import services
from .forms import RESULT_NAMES, CheckForm
from .present import STATE_NAMES, summary_text

bp = Blueprint("screening", __name__)


def _lang() -> str:
    return "lv" if str(get_locale()) == "lv" else "en"


def _page(supplier: Supplier, form: CheckForm | None = None) -> dict[str, Any]:
    session = get_session()
    checks = services.history(session, supplier.organisation_id, supplier.id)  # type: ignore[arg-type]
    screening = services.screening_of(session, supplier, utcnow().date(), checks=checks)
    if form is None:
        form = CheckForm(formdata=None, checked_on=utcnow().date())
    form.item_id.choices = [("", "—")] + [
        (i.item.id, i.item.title.get(_lang())) for i in screening.states
    ]
    titles = {i.id: i.title.get(_lang()) for p in [screening.pack] for i in p.items}
    return {
        "supplier": supplier,
        "screening": screening,
        "history": checks,
        "titles": titles,
        "form": form,
        "lang": _lang(),
        "RESULT_NAMES": RESULT_NAMES,
        "STATE_NAMES": STATE_NAMES,
        "summary_text": summary_text(screening.summary),
        "today": utcnow().date(),
    }


@bp.route("/suppliers/<int:supplier_id>")
@requires(Role.VIEWER)
def supplier(supplier_id: int) -> Any:
    found = get_or_404(get_session(), Supplier, supplier_id)
    return render_template("screening/supplier.html", **_page(found))


@bp.route("/suppliers/<int:supplier_id>/checks", methods=["POST"])
@requires(Role.OFFICER)
def record(supplier_id: int) -> Any:
    session = get_session()
    found = get_or_404(session, Supplier, supplier_id)
    if found.archived:  # its checklist is kept as it was
        flash(_("Restore the supplier to record a check."), "error")
        return redirect(url_for("screening.supplier", supplier_id=found.id))
    form = CheckForm()
    page = _page(found, form)
    screening = page["screening"]
    item = screening.pack.item(form.item_id.data or "")
    document = None
    if form.validate_on_submit() and item is not None:
        if form.checked_on.data > utcnow().date():
            form.checked_on.errors.append(_("The day of the check cannot be in the future."))
        upload = form.document.data
        if getattr(upload, "filename", None):
            try:
                document = services.read_document(
                    upload.stream, upload.filename, current_app.config["UPLOAD_MAX_BYTES"]
                )
            except RejectedFile as exc:
                form.document.errors = [str(exc)]
        if not form.checked_on.errors and not form.document.errors:
            services.record_check(
                session=session,
                folder=storage.upload_dir(current_app),
                supplier=found,
                user=current_user,  # type: ignore[arg-type]
                item=item,
                pack=screening.pack,
                checked_on=form.checked_on.data,
                result=ScreeningResult(form.result.data),
                note=(form.note.data or "").strip(),
                valid_until=form.valid_until.data,
                document=document,
            )
            session.commit()
            flash(_("Check of %(item)s recorded.", item=item.title.get(page["lang"])), "success")
            return redirect(url_for("screening.supplier", supplier_id=found.id))
    return render_template("screening/supplier.html", **page), 422


@bp.route("/suppliers/<int:supplier_id>/checklist.pdf")
@requires(Role.VIEWER)
def checklist_pdf(supplier_id: int) -> Any:
    found = get_or_404(get_session(), Supplier, supplier_id)
    html = render_template("screening/checklist_print.html", **_page(found))
    return pdf_attachment(html, f"screening-{found.code}.pdf")


@bp.route("/checks/<int:check_id>/document")
@requires(Role.VIEWER)
def document(check_id: int) -> Any:
    """A check's document, only ever as a download."""
    found = get_or_404(get_session(), ScreeningCheck, check_id)
    if not found.stored_name:
        abort(404)
    path = storage.document_path(
        storage.upload_dir(current_app), found.organisation_id, found.stored_name
    )
    return stored_file(path, found.content_type, found.filename)
