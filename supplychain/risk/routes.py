"""Risk pages: the flags with filters, one flag with its evidence and the officer's decision,
runs with progress and what changed, and the thresholds. Thin views over risk.services."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlmodel import Session, col, func, select
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from ..access import requires
from ..chain.retire import live_suppliers
from ..db import get_session
from ..forms import EmptyForm, Form, apply_errors
from ..guide.content import ESCALATION, Escalation, escalation
from ..models import (
    AssessmentRun,
    Flag,
    FlagDecision,
    FlagStatus,
    Organisation,
    Role,
    RunStatus,
    Severity,
    utcnow,
)
from ..numbers import page_number
from ..questionnaires.catalogue import get_catalogue
from ..tenancy import current_org_id, get_or_404, org_select
from ..validation import InvalidInput
from . import dismissal, freshness, grouping, listing, services, snapshot, tally, texts
from . import jobs as risk_jobs
from . import settings as risk_settings
from .display import FlagItem, SectionLookup
from .present import (
    DECISION_NAMES,
    FACT_NAMES,
    RUN_STATUS_NAMES,
    THRESHOLD_NAMES,
    TRIGGER_NAMES,
    format_fact,
)
from .rules import RULES

bp = Blueprint("risk", __name__)

PAGE = 100
COUNT_CAP = 1000  # a filtered list counts its flags up to here, then says "more than"


class DecisionForm(Form):
    status = SelectField(
        _l("Status"), choices=[SelectChoice(s.value, DECISION_NAMES[s.value]) for s in FlagStatus]
    )
    owner = StringField(_l("Owner"), validators=[Length(max=200)])
    due_date = DateField(_l("Due date"), validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])

    def decision(self) -> dict[str, Any]:
        """The decision as risk.services.decide takes it (as the API's DecisionIn gives it)."""
        return {
            "status": FlagStatus(self.status.data),
            "note": self.note.data or "",
            "owner": self.owner.data or "",
            "due_date": self.due_date.data,
        }


@bp.context_processor
def _names() -> dict[str, Any]:
    return {
        "DECISION_NAMES": DECISION_NAMES,
        "FACT_NAMES": FACT_NAMES,
        "THRESHOLD_NAMES": THRESHOLD_NAMES,
        "TRIGGER_NAMES": TRIGGER_NAMES,
        "format_fact": format_fact,
        "RUN_STATUS_NAMES": RUN_STATUS_NAMES,
    }


def _chosen_run(latest: AssessmentRun | None) -> AssessmentRun | None:
    """The run whose flags are listed: ?run=<id> (a finished one), else the latest."""
    run_id = request.args.get("run", type=page_number)
    if run_id is None:
        return latest
    found = get_or_404(get_session(), AssessmentRun, run_id)
    if found.status != RunStatus.DONE:
        abort(404)
    return found


@bp.route("/")
@requires(Role.VIEWER)
def flags() -> Any:
    """A run's flags (the latest unless ?run= names an earlier one), named as the run read
    the chain: each flag, or grouped by supplier or by rule (?group=)."""
    session = get_session()
    fresh = freshness.freshness(session, current_org_id(), utcnow())
    run = _chosen_run(fresh.run)
    earlier = run is not None and fresh.run is not None and run.id != fresh.run.id
    filters = {k: request.args.get(k, "").strip()[:64] for k in listing.FILTERS}
    group = request.args.get("group", "")
    return render_template(
        "risk/flags.html",
        run=run,
        fresh=fresh,
        earlier=earlier,
        group=group if group in grouping.GROUPINGS else "",
        # the filters in force, kept in the links between the views
        filters_given={
            **{k: v for k, v in filters.items() if v},
            **({"run": run.id} if run is not None and earlier else {}),
        },
        filters=filters,
        rules=sorted(((rid, str(texts.title(rid))) for rid in RULES), key=lambda x: x[1]),
        form=EmptyForm(),
        **_flag_view(session, run, filters, group),
    )


def _flag_view(
    session: Session, run: AssessmentRun | None, filters: dict[str, str], group: str
) -> dict[str, Any]:
    """The flags that pass filters: one page of them, of their suppliers, or every rule;
    how many there are, and the key to the next page (?after=)."""
    view: dict[str, Any] = {"rows": [], "groups": [], "total": 0, "capped": False, "after": None}
    if run is None:
        return view
    query = listing.filtered(session, run, filters)
    kept = tally.answers(run, filters)  # the run's own counts, if they answer these filters
    if kept is not None:
        view["total"] = tally.total(kept)
    else:  # a decision, supplier or name filter: counted, up to a bound
        counted = listing.count_upto(session, query, COUNT_CAP)
        view.update(total=min(counted, COUNT_CAP), capped=counted > COUNT_CAP)
    offset = (request.args.get("page", 1, type=page_number) - 1) * PAGE  # links of old
    after = request.args.get("after", "")
    if group == "supplier":
        whole = not any(filters.values()) and grouping.kept_for(session, run)
        key = grouping.parse_group_key(after)
        view["groups"], view["after"] = grouping.by_supplier(
            session, run, None if whole else query, key, PAGE, 0 if key else offset
        )
    elif group == "rule":
        counts = kept if kept is not None else grouping.rule_counts(session, query)
        view["groups"] = grouping.by_rule(
            session, run, counts, catalogue=get_catalogue(), today=utcnow().date()
        )
    else:
        start = listing.parse_key(after)
        found, following = listing.page_after(session, query, start, PAGE, 0 if start else offset)
        view.update(rows=_rows(found, run), after=str(following) if following else None)
    return view


def _rows(
    found: list[Flag], run: AssessmentRun, sections: SectionLookup | None = None
) -> list[FlagItem]:
    """Flags as the pages show them: sentence, supplier as the run read it (linked only while
    it is still the one the run read), decision."""
    return listing.rows(
        get_session(),
        run,
        found,
        catalogue=get_catalogue(),
        today=utcnow().date(),
        sections=sections,
    )


@bp.route("/flags/<int:flag_id>", methods=("GET", "POST"))
@requires(Role.VIEWER)
def flag(flag_id: int) -> Any:
    session = get_session()
    found = get_or_404(session, Flag, flag_id)
    decision = services.decisions(session, current_org_id(), [found.fingerprint]).get(
        found.fingerprint
    )
    form = DecisionForm(obj=decision) if request.method == "GET" else DecisionForm()
    if request.method == "POST":
        if not _can_decide():
            abort(403)
        if form.validate_on_submit():
            try:
                decision = services.decide(
                    session=session, flag=found, user_id=current_user.id, **form.decision()
                )
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                session.commit()
                flash(_decided_message(decision), "success")
                return redirect(url_for(".flag", flag_id=found.id))
    run = snapshot.run_of(session, found)
    if run is None:  # a flag belongs to a finished run; none left means it is not shown
        abort(404)
    [row] = _rows([found], run, _guide_section())
    return render_template(
        "risk/flag.html",
        flag=found,
        row=row,
        basis=texts.basis(found.rule),
        escalation=_escalation(row.guide, found.severity == Severity.CRITICAL),
        linked=_linked(session, run, found.supplier_id, row.details),
        decision=decision,
        people=_people(session, decision),
        form=form,
        can_decide=_can_decide(),
        **_dismissal_rights(found, decision),
    )


def _decided_message(decision: FlagDecision) -> str:
    if decision.dismissal_pending:
        return str(
            _(
                "Your proposal to dismiss this critical flag is recorded; it takes effect when "
                "another admin confirms it."
            )
        )
    return str(_("Your decision is recorded; it stays with this flag in later runs."))


def _dismissal_rights(found: Flag, decision: FlagDecision | None) -> dict[str, bool]:
    """Who may act on a dismissal waiting for a second admin: any admin but the proposer
    confirms; the proposer or an admin declines."""
    from ..access import can

    waiting = decision is not None and decision.dismissal_pending
    proposer = waiting and decision is not None and decision.proposed_by == current_user.id
    return {
        "critical": found.severity == Severity.CRITICAL,
        "can_confirm": waiting and can(Role.ADMIN) and not proposer,
        "can_decline": waiting and (can(Role.ADMIN) or proposer),
    }


def _people(session: Session, decision: FlagDecision | None) -> dict[int, str]:
    """The names of the people a decision names (proposer, confirmer), by user id."""
    from ..models import User

    ids = {decision.proposed_by, decision.confirmed_by} - {None} if decision else set()
    if not ids:
        return {}
    users = session.exec(org_select(User).where(col(User.id).in_(ids))).all()
    return {u.id: u.name or u.email for u in users if u.id is not None}


@bp.route("/flags/<int:flag_id>/dismissal/<any(confirm, decline):step>", methods=("POST",))
@requires(Role.OFFICER)
def dismissal_step(flag_id: int, step: str) -> Any:
    """Dismiss a critical flag as proposed (confirm: an admin other than the proposer), or take
    back (the proposer) or refuse (an admin) a proposed dismissal (decline)."""
    if step == "confirm":
        found = _act_on_dismissal(flag_id, "can_confirm", dismissal.confirm_dismissal)
        flash(_("The flag is dismissed; both people are recorded with it."), "success")
    else:
        found = _act_on_dismissal(flag_id, "can_decline", dismissal.decline_dismissal)
        flash(_("The proposed dismissal is withdrawn; the flag stays as it was."), "success")
    return redirect(url_for(".flag", flag_id=found.id))


class DismissalStep(Protocol):
    """confirm_dismissal or decline_dismissal (see risk.dismissal)."""

    def __call__(self, *, session: Session, flag: Flag, user_id: int) -> FlagDecision: ...


def _act_on_dismissal(flag_id: int, right: str, act: DismissalStep) -> Flag:
    """Load the flag, check the caller's right on its waiting dismissal, act and commit."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    session = get_session()
    found = get_or_404(session, Flag, flag_id)
    decision = services.decisions(session, current_org_id(), [found.fingerprint]).get(
        found.fingerprint
    )
    if not _dismissal_rights(found, decision)[right]:
        abort(403)
    act(session=session, flag=found, user_id=current_user.id)
    session.commit()
    return found


def _guide_section() -> SectionLookup:
    """Finds a guide section by id in the page's language."""
    from flask_babel import get_locale

    from ..guide.content import guide

    lang = str(get_locale())
    return lambda section_id: guide().section(lang, section_id)


def _escalation(ids: Sequence[str], critical: bool) -> Escalation | None:
    """The guide's steps for when suspicions arise, with the contacts, for a critical flag or a
    flag that links to that section: shown at the top of its page."""
    from flask_babel import get_locale

    return escalation(str(get_locale())) if critical or ESCALATION in ids else None


def _linked(
    session: Session, run: AssessmentRun, supplier_id: int | None, evidence: Mapping[str, Any]
) -> dict[str, int]:
    """The ids, in this run, of the flags a flag's evidence names by fingerprint: flags of
    the same supplier (risk.composite_rules), found along the supplier's flags."""
    keys = [item["fingerprint"] for item in evidence.get("flags", ())]
    if not keys:
        return {}
    rows = session.execute(
        services.flags_of(session, run)
        .where(col(Flag.supplier_id) == supplier_id, col(Flag.fingerprint).in_(keys))
        .with_only_columns(col(Flag.fingerprint), col(Flag.id))
    )
    return {key: flag_id for key, flag_id in rows if flag_id is not None}


def _can_decide() -> bool:
    from ..access import can

    return can(Role.OFFICER)


@bp.route("/run", methods=("POST",))
@requires(Role.OFFICER)
def run_now() -> Any:
    """Assess now: at once for chains up to RISK_INLINE_SUPPLIERS, else in the background."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    session = get_session()
    organisation_id = current_org_id()
    size = int(
        session.exec(
            select(func.count()).select_from(live_suppliers(organisation_id).subquery())
        ).one()
    )
    if size <= current_app.config["RISK_INLINE_SUPPLIERS"]:
        run = risk_jobs.run_now(
            session=session,
            organisation_id=organisation_id,
            catalogue=get_catalogue(),
            user_id=current_user.id,
        )
    else:
        run = services.queue_run(
            session=session,
            organisation_id=organisation_id,
            trigger="manual",
            user_id=current_user.id,
        )
        session.commit()
    return redirect(url_for(".run", run_id=run.id))


@bp.route("/runs/<int:run_id>")
@requires(Role.VIEWER)
def run(run_id: int) -> Any:
    session = get_session()
    found = get_or_404(session, AssessmentRun, run_id)
    comparison = services.compare(session, found) if found.status == RunStatus.DONE else None
    return render_template(
        "risk/run.html",
        run=found,
        status=freshness.run_status(found, utcnow()),
        comparison=comparison,
        rule_titles={rid: str(texts.title(rid)) for rid in RULES},
        runs=session.exec(
            org_select(AssessmentRun).order_by(col(AssessmentRun.id).desc()).limit(20)
        ).all(),
    )


@bp.route("/settings", methods=("GET", "POST"))
@requires(Role.ADMIN)
def settings() -> Any:
    """The thresholds of the rules, and the organisation's own country."""
    session = get_session()
    organisation = session.get(Organisation, current_org_id())
    assert organisation is not None
    errors: dict[str, str] = {}
    current = organisation.risk_thresholds or {}
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        values, country, errors = risk_settings.read(request.form)
        if not errors:
            risk_settings.save(session, organisation, values, country, current_user.id)
            session.commit()
            flash(_("Thresholds saved. They apply from the next assessment."), "success")
            return redirect(url_for(".settings"))
        current = {rid: {**current.get(rid, {}), **v} for rid, v in values.items()}
    return render_template(
        "risk/settings.html",
        rows=risk_settings.threshold_rows(current),
        errors=errors,
        country=organisation.country,
        form=EmptyForm(),
    )
