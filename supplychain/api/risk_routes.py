"""API views of risk: assessment runs, their flags, and the PDF reports made from them.

Thin views over risk.services and reports.services: a run or a report is queued here and made
by the worker (or, for reports, the app's own job thread when JOBS_IN_APP is on).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import Response, abort, current_app
from sqlmodel import or_

from .. import jobs
from ..db import get_session
from ..models import AssessmentRun, Flag, FlagStatus, Report, RunStatus, utcnow
from ..questionnaires.catalogue import get_catalogue
from ..reports import services as reports
from ..reports.context import Scope
from ..risk import services as risk
from ..risk.display import flag_rows
from ..tenancy import get_in_org, in_org
from ..validation import InvalidInput
from .auth import actor_id, org_id
from .errors import error_response
from .lookup import each, get_or_404, matching, page_of
from .routes import READ, WRITE, bp, invalid, saved
from .schemas import (
    DecisionIn,
    DecisionOut,
    FlagOut,
    FlagQuery,
    Page,
    Paged,
    ReportIn,
    ReportOut,
    RunDetail,
    RunOut,
)
from .spec import operation

# ---- assessments -------------------------------------------------------------------------------

assessment_op = partial(operation, bp, tag="assessments")


@assessment_op("/assessments", scope=READ, query=Page, response=Paged[RunOut])
def list_assessments(query: Page) -> Any:
    """List assessment runs, oldest first."""
    return page_of(
        get_session(), in_org(AssessmentRun, org_id()), query, AssessmentRun, each(RunOut)
    )


@assessment_op("/assessments/<int:run_id>", scope=READ, response=RunDetail)
def get_assessment(run_id: int) -> Any:
    """Get an assessment run with what it was based on and its summary."""
    return RunDetail.model_validate(get_or_404(get_session(), AssessmentRun, run_id))


@assessment_op("/assessments", method="POST", scope=WRITE, response=RunOut, status=202)
def queue_assessment() -> Any:
    """Ask for an assessment; the worker carries it out.

    A run already waiting is returned instead of a second one; poll it for its status.
    """
    session = get_session()
    run = risk.queue_run(
        session=session, organisation_id=org_id(), trigger="api", user_id=actor_id()
    )
    session.commit()
    return RunOut.model_validate(run)


# ---- flags -------------------------------------------------------------------------------------

flag_op = partial(operation, bp, tag="flags")


def _flag_out(flags: list[Flag]) -> list[FlagOut]:
    """The flags as the API shows them: the display rows' title, message and decision, with
    the stored evidence, parameters, ILO indicators and guide sections as they are."""
    session = get_session()
    decided = risk.decisions(session, org_id(), {f.fingerprint for f in flags})
    rows = flag_rows(
        flags, suppliers={}, decisions=decided, catalogue=get_catalogue(), today=utcnow().date()
    )
    out = []
    for flag, row in zip(flags, rows, strict=True):
        content = flag.content
        decision = decided.get(flag.fingerprint)
        out.append(
            FlagOut(
                id=row.id,
                rule=row.rule,
                title=row.title,
                message=row.message,
                indicator=row.indicator,
                severity=flag.severity,
                supplier_id=row.supplier_id,
                first_run_id=row.first_run_id,
                last_run_id=flag.last_run_id,
                status=FlagStatus(row.status),
                decision=DecisionOut.model_validate(decision) if decision else None,
                evidence=content.get("evidence"),
                params=content.get("params"),
                ilo=content.get("ilo"),
                guide=content.get("guide"),
            )
        )
    return out


@flag_op("/flags", scope=READ, query=FlagQuery, response=Paged[FlagOut])
def list_flags(query: FlagQuery) -> Any:
    """List the flags of a run (the latest finished one unless run_id says otherwise)."""
    session = get_session()
    if query.run_id is None:
        run = risk.latest_run(session, org_id())
    else:
        run = get_in_org(session, AssessmentRun, query.run_id, org_id())
        if run is None or run.status != RunStatus.DONE:
            invalid(InvalidInput({"run_id": "No finished assessment run has this id."}))
    if run is None:
        return Paged[FlagOut](data=[], limit=query.limit, offset=query.offset, next_offset=None)
    select = risk.flags_of(session, run)
    if query.rule is not None:
        select = select.where(or_(Flag.rule == query.rule, Flag.indicator == query.rule))
    select = matching(select, Flag, query, "severity", "supplier_id")
    return page_of(session, select, query, Flag, _flag_out)


@flag_op("/flags/<int:flag_id>", scope=READ, response=FlagOut)
def get_flag(flag_id: int) -> Any:
    """Get a flag with its evidence and the officer's decision."""
    return _flag_out([get_or_404(get_session(), Flag, flag_id)])[0]


@flag_op(
    "/flags/<int:flag_id>/decision", method="PUT", scope=WRITE, body=DecisionIn, response=FlagOut
)
def decide_flag(flag_id: int, body: DecisionIn) -> Any:
    """Record the officer's decision on a flag, replacing any earlier one.

    The decision follows the flag into later runs (it is kept by the flag's fingerprint);
    `open` takes a decision back. Dismissing a `critical` flag takes two people: here it
    only records a proposal under the token's maker (`status` stays as it was,
    `decision.dismissal_pending` is true, `proposed_by`, `proposed_at` and `proposed_note`
    say who, when and why), and it takes effect when an admin other than the proposer
    confirms it on the flag's page. A token is not a person, so the API never confirms.
    Any other decision replaces a proposal still waiting; dismissing a critical flag that is
    dismissed already is refused (422, field `status`).
    """
    flag = get_or_404(get_session(), Flag, flag_id)
    with saved() as session:
        risk.decide(session=session, flag=flag, user_id=actor_id(), **body.model_dump())
    return _flag_out([flag])[0]


# ---- reports -----------------------------------------------------------------------------------

report_op = partial(operation, bp, tag="reports")


@report_op("/reports", scope=READ, query=Page, response=Paged[ReportOut])
def list_reports(query: Page) -> Any:
    """List risk reports, oldest first."""
    return page_of(get_session(), in_org(Report, org_id()), query, Report, each(ReportOut))


@report_op("/reports/<int:report_id>", scope=READ, response=ReportOut)
def get_report(report_id: int) -> Any:
    """Get a report's status; once done, its PDF is at /reports/{report_id}/pdf."""
    return ReportOut.model_validate(get_or_404(get_session(), Report, report_id))


@report_op("/reports", method="POST", scope=WRITE, body=ReportIn, response=ReportOut, status=202)
def queue_report(body: ReportIn) -> Any:
    """Ask for a PDF report of the latest finished assessment; poll it until it is done."""
    with saved({"supplier": "supplier_id"}) as session:
        report = reports.queue_report(
            session=session,
            organisation_id=org_id(),
            scope=Scope(body.scope, tier=body.tier, supplier_id=body.supplier_id),
            lang=body.lang,
            user_id=actor_id(),
            kind=body.kind,
        )
    jobs.wake(current_app._get_current_object())  # type: ignore[attr-defined]
    return ReportOut.model_validate(report)


@report_op(
    "/reports/<int:report_id>/pdf",
    scope=READ,
    media_type="application/pdf",
    errors=(409, 410),
)
def report_pdf(report_id: int) -> Any:
    """Download a finished report's PDF, exactly as archived (checked against its SHA-256)."""
    report = get_or_404(get_session(), Report, report_id)
    if report.status != RunStatus.DONE:
        abort(error_response(409, f"Report {report.id} is {report.status.value}, not done yet."))
    try:
        data = reports.archived(report)
    except reports.ReportChanged:
        current_app.logger.error("report %s: archived file missing or changed", report.id)
        abort(error_response(410, f"Report {report.id}'s archived file is missing or changed."))
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{reports.download_name(report)}"',
            "X-Content-SHA256": report.sha256,
        },
    )
