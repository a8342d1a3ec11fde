"""Report jobs: queue one, carry it out with progress, archive the PDF with its SHA-256, and
hand the archived bytes out again, checked, for as long as the report is kept."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import Session

from ..chain.retire import live_suppliers
from ..models import AssessmentRun, Report, RunStatus, Supplier
from ..pdf import Rendered, render
from ..questionnaires.loader import Catalogue
from ..risk.present import DECISION_NAMES, FACT_NAMES, THRESHOLD_NAMES
from ..risk.services import latest_run
from ..tenancy import get_in_org
from ..validation import InvalidInput
from ..vocab import LANGUAGES
from .assemble import FULL, KINDS
from .context import Scope, build_report_context

Progress = Callable[[int, str], None]
LEASE = timedelta(minutes=15)


class ReportChanged(Exception):
    """The archived file is missing or no longer matches the digest taken when it was made."""


def report_dir(app: Flask) -> Path:
    return Path(app.config.get("REPORT_DIR") or Path(app.instance_path) / "reports")


def path_of(folder: Path, report: Report) -> Path:
    return folder / str(report.organisation_id) / report.filename


def check_scope(session: Session, organisation_id: int, scope: Scope) -> None:
    """Refuse a scope that names no tier or a supplier of another organisation."""
    if scope.kind == "tier" and (scope.tier is None or scope.tier < 1):
        raise InvalidInput({"tier": _("Give a tier from 1 upwards.")})
    if scope.kind == "supplier" and (
        scope.supplier_id is None
        or session.exec(
            live_suppliers(organisation_id).where(Supplier.id == scope.supplier_id)
        ).first()
        is None
    ):
        raise InvalidInput({"supplier": _("Choose one of your suppliers.")})
    if scope.kind not in ("chain", "tier", "supplier"):
        raise InvalidInput({"scope": _("Choose the whole chain, a tier or a supplier.")})


def describe_scope(session: Session, organisation_id: int, scope: Scope) -> str:
    """The scope in words, in the language in force."""
    if scope.kind == "tier":
        return _("Tier %(n)d", n=scope.tier)
    if scope.kind == "supplier":
        supplier = get_in_org(session, Supplier, scope.supplier_id or 0, organisation_id)
        name = supplier.name if supplier else f"#{scope.supplier_id}"
        return _("%(name)s and its subcontractors", name=name)
    return _("Whole chain")


def queue_report(
    *,
    session: Session,
    organisation_id: int,
    scope: Scope,
    lang: str,
    user_id: int | None = None,
    kind: str = FULL,
) -> Report:
    """Ask for a report of the latest finished assessment, a summary (the board's view) or the
    full one; flushes, the caller commits."""
    if lang not in LANGUAGES:
        raise InvalidInput({"lang": _("Choose English or Latvian.")})
    if kind not in KINDS:
        raise InvalidInput({"kind": _("Choose the summary or the full report.")})
    check_scope(session, organisation_id, scope)
    run = latest_run(session, organisation_id)
    if run is None:
        raise InvalidInput({"run": _("Run an assessment first: a report is about one.")})
    with force_locale(lang):
        title = describe_scope(session, organisation_id, scope)
    report = Report(
        organisation_id=organisation_id,
        run_id=run.id,
        scope=scope.kind,
        tier=scope.tier,
        supplier_id=scope.supplier_id,
        title=title[:300],
        lang=lang,
        user_id=user_id,
        kind=kind,
    )
    session.add(report)
    session.flush()
    return report


def report_html(
    session: Session, report: Report, catalogue: Catalogue, progress: Progress | None = None
) -> str:
    """The report as an HTML document for WeasyPrint, in the report's language."""
    run = session.get(AssessmentRun, report.run_id)
    assert run is not None and run.organisation_id == report.organisation_id
    scope = Scope(report.scope, report.tier, report.supplier_id)
    with force_locale(report.lang):
        context = build_report_context(
            session,
            run=run,
            scope=scope,
            scope_title=report.title,
            catalogue=catalogue,
            lang=report.lang,
            kind=report.kind,
        )
        if progress:
            progress(25, "drawing")
        return render_template(
            "reports/report.html",
            ctx=context,
            DECISION_NAMES=DECISION_NAMES,
            FACT_NAMES=FACT_NAMES,
            THRESHOLD_NAMES=THRESHOLD_NAMES,
        )


def render_report(
    session: Session, report: Report, catalogue: Catalogue, progress: Progress | None = None
) -> Rendered:
    """The report's PDF: read, lay out, write."""
    html = report_html(session, report, catalogue, progress)
    if progress:
        progress(35, "laying out pages")
    return render(html, (lambda: progress(85, "writing")) if progress else None)


def archived(report: Report) -> bytes:
    """The bytes handed out when the report was made, checked against their digest."""
    path = path_of(report_dir(current_app), report)
    if report.status != RunStatus.DONE or not report.filename or not path.is_file():
        raise ReportChanged(f"report {report.id} has no archived file")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != report.sha256:
        raise ReportChanged(f"report {report.id} does not match its SHA-256")
    return data


def download_name(report: Report) -> str:
    """A file name made of safe parts only (never supplier text)."""
    made = (report.finished_at or report.created_at).strftime("%Y-%m-%d")
    return f"risk-report-run{report.run_id}-{report.kind}-{report.scope}-{report.id}-{made}.pdf"
