"""What a risk report says, as plain values: read once from the database, then only rendered.

The report is about one assessment run. It shows the run's flags and the officer's decisions
on them, and the chain as the run read it: its suppliers' names and codes, tiers, paths and
map come from the run's snapshot (risk.snapshot), so a report made later for the same run says
the same about them. Answers, invitations and exposure are as they are when the report is made
(the method section says when the chain has changed since the run).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import networkx as nx
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from sqlmodel import Session, col

from ..chain import layout
from ..chain.graph import ROOT
from ..guide.content import contacts, guide
from ..invitations.services import STATUS_NAMES, latest_statuses
from ..models import (
    AssessmentRun,
    Organisation,
    RunStatus,
    Severity,
    SupplierExposure,
    utcnow,
)
from ..questionnaires.formgen import AnswerView, answer_views
from ..questionnaires.loader import Catalogue
from ..risk import charts
from ..risk.findings import RiskInputs
from ..risk.inputs import load_inputs
from ..risk.rules import RULES
from ..risk.services import chain_hash
from ..risk.snapshot import run_chain
from ..tenancy import in_org
from .flags import FlagItem, flag_items

SEVERITY_ORDER = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)
TOP_SUPPLIERS = 10
# A map this many times wider than tall is drawn on a landscape page, where it is larger.
LANDSCAPE_RATIO = 1.2
ACTIONS_PER_ITEM = 4
NOT_ASKED_LISTED = 40


@dataclass(frozen=True)
class Scope:
    """Which part of the chain a report covers: all of it, one tier, or one supplier and what is
    below it."""

    kind: str = "chain"  # chain | tier | supplier
    tier: int | None = None
    supplier_id: int | None = None


@dataclass(frozen=True)
class GuideLink:
    id: str
    title: str


@dataclass(frozen=True)
class RuleGroup:
    """The flags of one rule (or one answer risk) at one severity, with what to do about them."""

    title: str
    count: int
    suppliers: tuple[str, ...]
    guide: tuple[GuideLink, ...]
    actions: tuple[str, ...]
    ilo: tuple[str, ...]


@dataclass(frozen=True)
class SupplierSection:
    id: int
    anchor: str
    name: str
    code: str
    details: str  # country, sector, kind
    tier: int | None
    path: str  # from the organisation to the supplier, as the flags' evidence writes it
    own: int | None
    carried: int | None
    questionnaire: str
    flags: tuple[FlagItem, ...]  # medium and graver, each with its sentence and evidence
    minor: tuple[FlagItem, ...]  # low: one line for all, title and evidence (the sentences
    # of low flags say what their title says; in a large chain they would fill most pages)

    @property
    def all_flags(self) -> tuple[FlagItem, ...]:
        return self.flags + self.minor


@dataclass(frozen=True)
class AnswerBlock:
    supplier: str
    anchor: str
    questionnaire: str
    answers: tuple[AnswerView, ...]


@dataclass(frozen=True)
class ReportContext:
    organisation: str
    created: str
    lang: str
    scope_title: str
    run_id: int
    run_finished: str
    rules_version: str
    chain_hash: str
    chain_changed: bool
    questionnaires: tuple[str, ...]
    suppliers_in_scope: int
    flags_total: int
    by_severity: tuple[tuple[str, int], ...]
    by_rule: tuple[tuple[str, int], ...]
    exposure_by_tier: tuple[tuple[int, int, int], ...]  # tier, highest, mean
    top_suppliers: tuple[tuple[str, str, int | None, int | None, int], ...]
    coverage: Mapping[str, Any]
    coverage_chart: charts.Chart
    trend: charts.Chart
    chain_map: layout.ChainMap
    map_anchors: Mapping[int, str]
    map_exposure: Mapping[int, int]
    map_landscape: bool  # a map wider than tall gets a page turned sideways
    groups: tuple[tuple[str, tuple[RuleGroup, ...]], ...]  # by severity
    suppliers: tuple[SupplierSection, ...]
    decisions: Mapping[str, int]
    decided: tuple[FlagItem, ...]
    rules: tuple[tuple[str, str, str, tuple[tuple[str, Any], ...]], ...]
    not_asked: tuple[str, ...]
    not_asked_total: int
    unanswered: tuple[str, ...]
    appendix: tuple[AnswerBlock, ...]
    contacts: tuple[Mapping[str, str], ...] = ()  # where to turn, printed with critical flags
    # Work countries of the run's priced links with no known labour-cost floor: (code, links).
    no_floor_known: tuple[tuple[str, int], ...] = ()


def scope_members(graph: nx.DiGraph, tiers: Mapping[int, int], scope: Scope) -> set[int]:
    """The supplier ids a scope covers."""
    suppliers = {n for n in graph if n != ROOT}
    if scope.kind == "tier":
        return {n for n in suppliers if tiers.get(n) == scope.tier}
    if scope.kind == "supplier":
        if scope.supplier_id not in graph:
            return set()
        return {scope.supplier_id, *nx.descendants(graph, scope.supplier_id)} - {ROOT}
    return suppliers


def build_report_context(
    session: Session,
    *,
    run: AssessmentRun,
    scope: Scope,
    scope_title: str,
    catalogue: Catalogue,
    lang: str,
    now: datetime | None = None,
) -> ReportContext:
    """Everything the report shows, in the language in force (call under force_locale)."""
    now = now or utcnow()
    org_id = run.organisation_id
    organisation = session.get(Organisation, org_id)
    assert organisation is not None
    current = load_inputs(session, org_id, catalogue, now)  # today's answers, and what changed
    chain = run_chain(session, run)
    inputs = RiskInputs(
        graph=chain.graph,
        analysis=chain.analysis,
        suppliers=chain.suppliers,
        links=chain.links,
        responses=current.responses,
        invitations=current.invitations,
        now=now,
        home_country=current.home_country,
    )
    info = {
        sid: layout.NodeInfo(facts.name, facts.code, facts.country, facts.sector, facts.is_agency)
        for sid, facts in chain.suppliers.items()
    }
    tiers = inputs.analysis.tier
    members = scope_members(inputs.graph, tiers, scope)
    anchor = {sid: f"supplier-{sid}" for sid in members}

    items = flag_items(
        session,
        run,
        inputs.suppliers,
        catalogue,
        None if scope.kind == "chain" else members,
        now.date(),
    )
    items_by_supplier: dict[int | None, list[FlagItem]] = defaultdict(list)
    grouped: dict[tuple[str, str], list[FlagItem]] = defaultdict(list)
    for item in items:
        items_by_supplier[item.supplier_id].append(item)
        key = item.indicator if item.rule == "answer" else item.rule
        grouped[(item.severity, key)].append(item)

    exposure = {
        sid: (own, carried)
        for sid, own, carried in session.execute(
            in_org(SupplierExposure, org_id)
            .where(SupplierExposure.run_id == run.id)
            .with_only_columns(
                SupplierExposure.supplier_id, SupplierExposure.own, SupplierExposure.carried
            )
        )
    }
    statuses = latest_statuses(session, org_id, now)

    def severity_key(item: FlagItem) -> int:
        return [s.value for s in SEVERITY_ORDER].index(item.severity)

    sections = []
    for sid in sorted(
        (s for s in items_by_supplier if s is not None and s in members),
        key=lambda s: (
            min(severity_key(i) for i in items_by_supplier[s]),
            -(exposure.get(s, (0, 0))[0]),
            inputs.suppliers[s].name.casefold() if s in inputs.suppliers else "",
        ),
    ):
        facts = inputs.suppliers.get(sid)
        if facts is None:
            continue
        shown_path = " → ".join(_path(inputs, sid))
        # the path to the supplier heads its section: flags do not repeat it
        trimmed = [
            replace(i, evidence=tuple(e for e in i.evidence if e != shown_path))
            for i in sorted(items_by_supplier[sid], key=severity_key)
        ]
        status = statuses.get(sid)
        own, carried = exposure.get(sid, (None, None))
        sections.append(
            SupplierSection(
                id=sid,
                anchor=anchor[sid],
                name=facts.name,
                code=facts.code,
                details=" · ".join(
                    p
                    for p in (
                        facts.country,
                        facts.sector,
                        _("temporary-work agency") if facts.is_agency else "",
                    )
                    if p
                ),
                tier=tiers.get(sid),
                path=shown_path,
                own=own,
                carried=carried,
                questionnaire=str(STATUS_NAMES[status]) if status else _("never asked"),
                flags=tuple(i for i in trimmed if i.severity != Severity.LOW),
                minor=tuple(i for i in trimmed if i.severity == Severity.LOW),
            )
        )

    groups = []
    shown_actions: set[str] = set()  # each of the guide's steps is printed once, where first due
    for severity in SEVERITY_ORDER:
        at = sorted(
            (found for (sev, _key), found in grouped.items() if sev == severity.value),
            key=lambda found: (-len(found), found[0].title),
        )
        rule_groups = []
        for found in at:
            first = found[0]
            rule = RULES[first.rule]
            guide_ids = list(dict.fromkeys(g for i in found for g in i.guide))
            named = dict.fromkeys(i.supplier for i in found if i.supplier)
            rule_groups.append(
                RuleGroup(
                    # an answer's risk is named by its own explanation, not the generic rule
                    title=first.message if rule.id == "answer" else first.title,
                    count=len(found),
                    suppliers=tuple(named),
                    guide=_guide_links(lang, guide_ids),
                    actions=_actions(lang, guide_ids, shown_actions),
                    ilo=tuple(dict.fromkeys(x for i in found for x in i.ilo)),
                )
            )
        if rule_groups:
            groups.append((severity.value, tuple(rule_groups)))

    all_items = items
    by_rule = Counter(i.title for i in all_items)
    in_scope_responses = [s for s in members if s in inputs.responses]
    invited = [s for s in members if s in inputs.invitations]
    answered, waiting = (
        len(in_scope_responses),
        len([s for s in invited if s not in inputs.responses]),
    )
    never = [s for s in members if s not in inputs.invitations and s not in inputs.responses]
    by_tier: dict[int, list[int]] = defaultdict(list)
    for sid in members:
        if sid in exposure and tiers.get(sid):
            by_tier[tiers[sid]].append(exposure[sid][1])
    top = sorted(
        (s for s in members if s in inputs.suppliers),
        key=lambda s: (
            -(exposure.get(s, (0, 0))[0] or 0),
            -(exposure.get(s, (0, 0))[1] or 0),
            -len(items_by_supplier.get(s, ())),
        ),
    )[:TOP_SUPPLIERS]
    chain_map = layout.layout(
        inputs.graph,
        inputs.analysis,
        info,
        organisation.name,
        None if scope.kind == "chain" else members,
    )
    flagged = {s.id for s in sections}
    return ReportContext(
        organisation=organisation.name,
        created=format_datetime(now, "medium"),
        lang=lang,
        scope_title=scope_title,
        run_id=run.id or 0,
        no_floor_known=tuple(sorted((run.summary or {}).get("no_floor_known", {}).items())),
        run_finished=format_datetime(run.finished_at, "medium") if run.finished_at else "",
        rules_version=run.rules_version,
        chain_hash=run.chain_hash,
        chain_changed=chain_hash(current) != run.chain_hash,
        questionnaires=tuple(run.questionnaires),
        suppliers_in_scope=len(members),
        flags_total=len(all_items),
        by_severity=tuple(
            (s.value, sum(1 for i in all_items if i.severity == s.value)) for s in SEVERITY_ORDER
        ),
        by_rule=tuple(by_rule.most_common()),
        exposure_by_tier=tuple(
            (tier, max(values), round(sum(values) / len(values)))
            for tier, values in sorted(by_tier.items())
        ),
        top_suppliers=tuple(
            (
                _label(inputs.suppliers, s),
                anchor[s] if s in flagged else "",
                exposure.get(s, (None, None))[0],
                exposure.get(s, (None, None))[1],
                len(items_by_supplier.get(s, ())),
            )
            for s in top
        ),
        coverage={
            "answered": answered,
            "waiting": waiting,
            "never": len(never),
            "invited": len(invited),
            "rate": round(100 * answered / len(invited)) if invited else None,
        },
        coverage_chart=charts.coverage(answered, waiting, len(never)),
        trend=_trend(session, run),
        chain_map=chain_map,
        map_anchors={s: anchor[s] for s in flagged},
        map_exposure={s: own for s, (own, _c) in exposure.items()},
        map_landscape=chain_map.width > chain_map.height * LANDSCAPE_RATIO,
        groups=tuple(groups),
        suppliers=tuple(sections),
        decisions=dict(Counter(i.status for i in all_items)),
        decided=tuple(
            sorted(
                (i for i in all_items if i.status != "open"),
                key=lambda i: (i.status, i.due_date or date.max, i.supplier),
            )
        ),
        rules=tuple(
            (
                rid,
                str(rule.title),
                rule.severity.value,
                tuple(run.thresholds.get(rid, dict(rule.thresholds)).items()),
            )
            for rid, rule in RULES.items()
        ),
        not_asked=tuple(sorted(_label(inputs.suppliers, s) for s in never)[:NOT_ASKED_LISTED]),
        not_asked_total=len(never),
        unanswered=tuple(
            sorted(_label(inputs.suppliers, s) for s in invited if s not in inputs.responses)
        ),
        appendix=tuple(
            AnswerBlock(
                supplier=_label(inputs.suppliers, s),
                anchor=anchor[s],
                questionnaire=f"{inputs.responses[s].questionnaire.title.get(lang)} "
                f"(v{inputs.responses[s].questionnaire.version})",
                answers=tuple(
                    answer_views(
                        inputs.responses[s].questionnaire, lang, inputs.responses[s].answers
                    )
                ),
            )
            for s in sorted(
                in_scope_responses, key=lambda s: _label(inputs.suppliers, s).casefold()
            )
        ),
        contacts=tuple(contacts(lang)),
    )


def _trend(session: Session, run: AssessmentRun) -> charts.Chart:
    """Flags by severity over the runs up to this one."""
    history = session.exec(
        in_org(AssessmentRun, run.organisation_id)
        .where(AssessmentRun.status == RunStatus.DONE, col(AssessmentRun.id) <= run.id)
        .order_by(col(AssessmentRun.id).desc())
        .limit(12)
    ).all()
    return charts.trend(
        [
            (format_date(r.finished_at, "d.M."), r.summary.get("by_severity", {}))
            for r in reversed(history)
            if r.finished_at
        ]
    )


def _label(suppliers: Mapping[int, Any], supplier_id: int | None) -> str:
    if supplier_id is None:
        return ""
    facts = suppliers.get(supplier_id)
    return f"{facts.name} ({facts.code})" if facts else f"#{supplier_id}"


def _path(inputs: Any, supplier_id: int) -> list[str]:
    """Names along the shortest path from the organisation, as the evidence names them."""
    if supplier_id not in inputs.analysis.tier:
        return []
    return [
        _("your organisation") if node == ROOT else _label(inputs.suppliers, node)
        for node in inputs.path_to(supplier_id)
    ]


def _guide_links(lang: str, ids: Iterable[str]) -> tuple[GuideLink, ...]:
    found = (guide().section(lang, gid) for gid in dict.fromkeys(ids))
    return tuple(GuideLink(s.id, s.title) for s in found if s is not None)


def _actions(lang: str, ids: Iterable[str], shown: set[str]) -> tuple[str, ...]:
    """The first few of the guide's immediate actions for these sections that are not in
    `shown` yet (graver groups come first, so a step stands where it is most urgent)."""
    actions: dict[str, None] = {}
    for gid in dict.fromkeys(ids):
        section = guide().section(lang, gid)
        if section is not None:
            actions.update(dict.fromkeys(a for a in section.immediate_actions if a not in shown))
    chosen = tuple(list(actions)[:ACTIONS_PER_ITEM])
    shown.update(chosen)
    return chosen
