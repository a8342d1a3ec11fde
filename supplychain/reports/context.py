"""What a risk report reads: from the database once, then assembled (reports.assemble) and
rendered.

The report is about one assessment run. It shows the run's flags and the officer's decisions
on them, and the chain as the run read it: its suppliers' names and codes, tiers, paths and
map come from the run's snapshot (risk.snapshot), so a report made later for the same run says
the same about them. Answers, invitations and exposure are as they are when the report is made
(the method section says when the chain has changed since the run).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import replace
from datetime import datetime

from flask_babel import get_timezone
from flask_babel import gettext as _
from sqlmodel import Session, col

from ..guide.content import contacts, guide
from ..invitations.services import STATUS_NAMES, latest_statuses
from ..models import (
    AssessmentRun,
    Organisation,
    RunStatus,
    SupplierExposure,
    utcnow,
)
from ..questionnaires.formgen import answer_views
from ..questionnaires.loader import Catalogue
from ..reference.ilo import NAMES as ILO_NAMES
from ..risk import texts
from ..risk.findings import RiskInputs
from ..risk.freshness import changed_since, started
from ..risk.inputs import load_inputs
from ..risk.present import chart_names
from ..risk.rules import RULES
from ..risk.services import chain_hash
from ..risk.snapshot import run_chain
from ..sites.services import placed_pairs
from ..tenancy import in_org
from ..voice.services import CASE_STATUS_NAMES, effectiveness_rows, report_excerpts
from .assemble import (
    FULL,
    AnswerBlock,
    AnsweredQuestionnaire,
    GuideInfo,
    GuideLink,
    PastRun,
    ReportContext,
    ReportInputs,
    ReportTexts,
    RuleGroup,
    RuleInfo,
    Scope,
    SupplierSection,
    VoiceInputs,
    assemble_report,
    scope_members,
)
from .flags import FlagItem, flag_items

__all__ = [  # the report's values are defined in reports.assemble; named here for callers
    "AnswerBlock",
    "GuideLink",
    "ReportContext",
    "RuleGroup",
    "Scope",
    "SupplierSection",
    "build_report_context",
    "load_report_inputs",
]


def load_report_inputs(
    session: Session,
    run: AssessmentRun,
    scope: Scope,
    *,
    scope_title: str,
    catalogue: Catalogue,
    lang: str,
    now: datetime,
    kind: str = FULL,
) -> ReportInputs:
    """Everything the report reads, in the language in force (call under force_locale); a
    summary prints no answers, so they are not read for it."""
    org_id = run.organisation_id
    organisation = session.get(Organisation, org_id)
    assert organisation is not None
    current = load_inputs(session, org_id, catalogue, now)  # today's answers, and what changed
    inputs = _chain(session, run, current)
    members = scope_members(inputs.graph, inputs.analysis.tier, scope)
    items = flag_items(
        session,
        run,
        inputs.suppliers,
        catalogue,
        None if scope.kind == "chain" else members,
        now.date(),
    )
    return ReportInputs(
        organisation=organisation.name,
        scope=scope,
        scope_title=scope_title,
        run_id=run.id or 0,
        run_finished_at=run.finished_at,
        rules_version=run.rules_version,
        chain_hash=run.chain_hash,
        chain_changed=_chain_changed(session, run, current),
        run_method=(run.summary or {}).get("method", {}),
        questionnaires=tuple(run.questionnaires),
        thresholds=run.thresholds,
        no_floor_known=(run.summary or {}).get("no_floor_known", {}),
        chain=inputs,
        items=tuple(items),
        exposure=_exposure(session, run),
        questionnaire_status=_statuses(session, org_id, now),
        answered=_answered(inputs, members, lang) if kind == FULL else {},
        guide=_guide(lang, items),
        rules=tuple(
            RuleInfo(rid, str(texts.title(rid)), rule.severity.value, rule.thresholds)
            for rid, rule in RULES.items()
        ),
        history=_history(session, run),
        contacts=tuple(contacts(lang)),
        texts=_texts(),
        timezone=get_timezone(),
        worker_voice=_worker_voice(session, org_id),
    )


def build_report_context(
    session: Session,
    *,
    run: AssessmentRun,
    scope: Scope,
    scope_title: str,
    catalogue: Catalogue,
    lang: str,
    kind: str = FULL,
) -> ReportContext:
    """Everything the report shows, made now, in the language in force (call under
    force_locale)."""
    now = utcnow()
    inputs = load_report_inputs(
        session,
        run,
        scope,
        scope_title=scope_title,
        catalogue=catalogue,
        lang=lang,
        now=now,
        kind=kind,
    )
    return assemble_report(inputs, lang, now, kind)


def _chain(session: Session, run: AssessmentRun, current: RiskInputs) -> RiskInputs:
    """Today's inputs (answers, invitations) with the chain as the run read it."""
    chain = run_chain(session, run)
    return replace(
        current,
        graph=chain.graph,
        analysis=chain.analysis,
        suppliers=chain.suppliers,
        links=chain.links,
    )


def _worker_voice(session: Session, organisation_id: int) -> VoiceInputs:
    """The running sites, who is placed on each, the channel's figures' rows and the excerpts
    officers wrote for the report: no worker's own words are read."""
    sites, cases, check_ins = effectiveness_rows(session, organisation_id, active_only=True)
    placed: dict[int, set[int]] = {}
    for site_id, supplier_id in placed_pairs(session, organisation_id):
        placed.setdefault(site_id, set()).add(supplier_id)
    return VoiceInputs(
        sites=tuple(sites),
        placed={site_id: frozenset(ids) for site_id, ids in placed.items()},
        cases=tuple(cases),
        check_ins=tuple(check_ins),
        status_names={status.value: str(name) for status, name in CASE_STATUS_NAMES.items()},
        indicator_names={i.value: str(name) for i, name in ILO_NAMES.items()},
        excerpts=report_excerpts(session, organisation_id),
    )


def _texts() -> ReportTexts:
    return ReportTexts(
        your_organisation=_("your organisation"),
        agency=_("temporary-work agency"),
        never_asked=_("never asked"),
        chart_names=chart_names(),
    )


def _statuses(session: Session, organisation_id: int, now: datetime) -> dict[int, str]:
    """Each invited supplier's newest invitation's status, in words."""
    return {
        sid: str(STATUS_NAMES[status])
        for sid, status in latest_statuses(session, organisation_id, now).items()
        if status
    }


def _chain_changed(session: Session, run: AssessmentRun, current: RiskInputs) -> bool:
    """Whether what the rules read changed since the run: by the chain's digest, or for a run
    that did not read the whole chain (an incremental one: no digest) by the audit trail."""
    if run.chain_hash:
        return chain_hash(current) != run.chain_hash
    return changed_since(session, run.organisation_id, started(run)) is not None


def _exposure(session: Session, run: AssessmentRun) -> dict[int, tuple[int | None, int | None]]:
    """Each supplier's own and carried exposure in the run."""
    return {
        sid: (own, carried)
        for sid, own, carried in session.execute(
            in_org(SupplierExposure, run.organisation_id)
            # An incremental run rewrites only the scores it changed: the rest keep the
            # run that wrote them.
            .where(SupplierExposure.run_id <= run.id)
            .with_only_columns(
                SupplierExposure.supplier_id, SupplierExposure.own, SupplierExposure.carried
            )
        )
    }


def _answered(
    inputs: RiskInputs, members: Collection[int], lang: str
) -> dict[int, AnsweredQuestionnaire]:
    """The latest answers of the scope's suppliers, readable in lang."""
    answered = {}
    for sid in members:
        response = inputs.responses.get(sid)
        if response is not None:
            questionnaire = response.questionnaire
            answered[sid] = AnsweredQuestionnaire(
                questionnaire=f"{questionnaire.title.get(lang)} (v{questionnaire.version})",
                answers=tuple(answer_views(questionnaire, lang, response.answers)),
            )
    return answered


def _guide(lang: str, items: Iterable[FlagItem]) -> dict[str, GuideInfo]:
    """The guide's sections the flags name, in lang."""
    found = {}
    for gid in dict.fromkeys(g for item in items for g in item.guide):
        section = guide().section(lang, gid)
        if section is not None:
            found[gid] = GuideInfo(section.id, section.title, tuple(section.immediate_actions))
    return found


def _history(session: Session, run: AssessmentRun) -> tuple[PastRun, ...]:
    """The finished runs up to this one (the last twelve), oldest first."""
    history = session.exec(
        in_org(AssessmentRun, run.organisation_id)
        .where(AssessmentRun.status == RunStatus.DONE, col(AssessmentRun.id) <= run.id)
        .order_by(col(AssessmentRun.id).desc())
        .limit(12)
    ).all()
    return tuple(
        PastRun(r.finished_at, r.summary.get("by_severity", {}))
        for r in reversed(history)
        if r.finished_at
    )
