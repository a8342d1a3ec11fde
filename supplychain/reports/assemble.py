"""What a risk report says, built from what was read: pure, no database and no web stack.

`context.load_report_inputs` reads everything a report needs into a `ReportInputs`, with the
words that need translating already translated; `assemble_report` turns it into the
`ReportContext` the template renders, from small builders, one per part of the report (cover,
summary, chain map, findings, method, appendix). Dates are formatted here with Babel in the
report's language and the timezone the loader passes, as the pages format them (formats.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, tzinfo
from typing import TYPE_CHECKING, Any

import networkx as nx

from .. import formats
from ..chain import layout
from ..chain.graph import ROOT, Graph
from ..risk import charts
from ..risk.findings import RiskInputs
from ..risk.worker_rules import CONTRADICTION
from ..vocab import GRAVEST_FIRST, CaseStatus, Severity, Source
from ..voice import effectiveness
from ..voice.effectiveness import CaseRow, CheckInRow, Figures, SiteFigures, SiteRow

if TYPE_CHECKING:  # only their types: both modules load the web stack
    from ..questionnaires.formgen import AnswerView
    from ..risk.display import FlagItem

SEVERITY_ORDER = GRAVEST_FIRST
TOP_SUPPLIERS = 10
# A map this many times wider than tall is drawn on a landscape page, where it is larger.
LANDSCAPE_RATIO = 1.2
ACTIONS_PER_ITEM = 4
NOT_ASKED_LISTED = 40
# The kinds of report: the board's view, or every flagged supplier and the answers appendix.
SUMMARY, FULL = "summary", "full"
KINDS = (SUMMARY, FULL)
# A summary has sections for this many suppliers with critical or high flags, the gravest and
# most exposed first, and says how many more the full report has.
SUMMARY_SUPPLIERS = 40
GRAVE = frozenset((Severity.CRITICAL.value, Severity.HIGH.value))


@dataclass(frozen=True)
class Scope:
    """Which part of the chain a report covers: all of it, one tier, or one supplier and what is
    below it."""

    kind: str = "chain"  # chain | tier | supplier
    tier: int | None = None
    supplier_id: int | None = None


# --- what the loader reads -------------------------------------------------------------------


@dataclass(frozen=True)
class ReportTexts:
    """The report's own words that the builders put into values, translated by the loader."""

    your_organisation: str = "your organisation"
    agency: str = "temporary-work agency"
    never_asked: str = "never asked"
    # the charts' parts (severities; answered, waiting, never) as the reader calls them
    chart_names: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleInfo:
    """A rule as the method section lists it (its title translated)."""

    id: str
    title: str
    severity: str
    thresholds: Mapping[str, Any]  # the rule's defaults


@dataclass(frozen=True)
class GuideInfo:
    """A guide section as the findings name it: its title and its immediate actions."""

    id: str
    title: str
    immediate_actions: tuple[str, ...]


@dataclass(frozen=True)
class AnsweredQuestionnaire:
    """A supplier's latest answers, readable: "Title (vN)" and the answers in file order."""

    questionnaire: str
    answers: tuple[AnswerView, ...]


@dataclass(frozen=True)
class PastRun:
    """A finished run up to the report's one, for the trend chart."""

    finished_at: datetime
    by_severity: Mapping[str, int]


@dataclass(frozen=True)
class VoiceInputs:
    """What the section on worker voice reads: the organisation's running sites, the suppliers
    placed on each, the channel's rows (never a worker's words), and the names of the cases'
    statuses and of the ILO indicators in the report's language."""

    sites: tuple[SiteRow, ...] = ()
    placed: Mapping[int, frozenset[int]] = field(default_factory=dict)  # site -> suppliers
    cases: tuple[CaseRow, ...] = ()
    check_ins: tuple[CheckInRow, ...] = ()
    status_names: Mapping[str, str] = field(default_factory=dict)
    indicator_names: Mapping[str, str] = field(default_factory=dict)
    # The redacted excerpts officers wrote for the report, by case id: no other words of a case.
    excerpts: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportInputs:
    """Everything a report shows, as read from the database for one run and one scope."""

    organisation: str
    scope: Scope
    scope_title: str
    run_id: int
    run_finished_at: datetime | None
    rules_version: str
    chain_hash: str
    chain_changed: bool  # the chain today hashes differently from the run's
    questionnaires: tuple[str, ...]
    thresholds: Mapping[str, Mapping[str, Any]]  # the run's, by rule id
    no_floor_known: Mapping[str, int]  # work country -> priced links without a known floor
    chain: RiskInputs  # the run's chain, today's responses and invitations
    items: tuple[FlagItem, ...]  # the run's flags in scope, in the order read
    exposure: Mapping[int, tuple[int | None, int | None]]  # supplier -> (own, carried)
    questionnaire_status: Mapping[int, str]  # supplier -> its newest invitation's status
    answered: Mapping[int, AnsweredQuestionnaire]  # the scope's suppliers with answers
    guide: Mapping[str, GuideInfo]  # the sections the flags name, in the report's language
    rules: tuple[RuleInfo, ...]
    history: tuple[PastRun, ...]  # oldest first
    contacts: tuple[Mapping[str, str], ...] = ()
    texts: ReportTexts = ReportTexts()
    timezone: tzinfo = UTC
    worker_voice: VoiceInputs = VoiceInputs()
    # How the run was carried out: {"mode": "full" | "incremental" | "unchanged",
    # "reassessed": suppliers re-evaluated, ...} (risk.incremental); empty for older runs.
    run_method: Mapping[str, Any] = field(default_factory=dict)


# --- what the template renders ---------------------------------------------------------------


@dataclass(frozen=True)
class GuideLink:
    id: str
    title: str


@dataclass(frozen=True)
class RuleGroup:
    """The flags of one rule (or one answer risk) at one severity, with what to do about them."""

    title: str
    source: str  # vocab.Source: where the evidence comes from
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
class AnswerBlock(AnsweredQuestionnaire):
    """A supplier's answers as the appendix shows them: under its name, with an anchor."""

    supplier: str
    anchor: str


@dataclass(frozen=True)
class WorkerVoiceSection:
    """The workers' channel in the report's scope: figures only, never a worker's words."""

    set_up: bool = False  # the organisation has a running site
    sites: tuple[SiteFigures, ...] = ()  # the sites where suppliers of the scope are placed
    totals: Figures | None = None  # of those sites together
    by_status: tuple[tuple[str, int], ...] = ()  # (status's name, cases)
    by_indicator: tuple[tuple[str, int], ...] = ()  # (confirmed indicator's name, cases)
    excerpts: tuple[tuple[int, str], ...] = ()  # (case number, the officer's excerpt)
    # Where the supplier's answers and its workers' word disagree: rendered only when given.
    # The run's flags where workers contradict a supplier's answer: (supplier, sentence).
    contradictions: tuple[tuple[str, str], ...] = ()


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
    # The flags by the source of their evidence, then by rule: (source, flags, ((title, n), …)).
    by_source: tuple[tuple[str, int, tuple[tuple[str, int], ...]], ...]
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
    worker_voice: WorkerVoiceSection = WorkerVoiceSection()
    kind: str = FULL  # SUMMARY or FULL
    # A summary's suppliers with critical or high flags beyond those it has sections for.
    suppliers_more: int = 0
    unanswered_total: int = 0
    decided_total: int = 0
    run_method: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_summary(self) -> bool:
        return self.kind == SUMMARY


def scope_members(graph: Graph, tiers: Mapping[int, int], scope: Scope) -> set[int]:
    """The supplier ids a scope covers."""
    suppliers = {n for n in graph if n != ROOT}
    if scope.kind == "tier":
        return {n for n in suppliers if tiers.get(n) == scope.tier}
    if scope.kind == "supplier":
        top = scope.supplier_id
        if top is None or top not in graph:
            return set()
        return {top, *nx.descendants(graph, top)} - {ROOT}
    return suppliers


# --- the assembly ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scoped:
    """What several builders share: the scope's suppliers and the flags by supplier."""

    inputs: ReportInputs
    members: set[int]
    anchor: Mapping[int, str]
    by_supplier: Mapping[int | None, list[FlagItem]]

    def own(self, sid: int) -> int:
        return self.inputs.exposure.get(sid, (0, 0))[0] or 0

    def label(self, sid: int) -> str:
        return _label(self.inputs.chain.suppliers, sid)


def assemble_report(
    inputs: ReportInputs, lang: str, now: datetime, kind: str = FULL
) -> ReportContext:
    """Everything the report shows, from what was read: `lang` is the report's language (for
    dates), `now` when it is made, `kind` SUMMARY (the board's view: sections only for the
    most exposed suppliers with critical or high flags, only the graver decided flags, no
    answers) or FULL."""
    brief = kind == SUMMARY
    members = scope_members(inputs.chain.graph, inputs.chain.analysis.tier, inputs.scope)
    by_supplier: dict[int | None, list[FlagItem]] = defaultdict(list)
    for item in inputs.items:
        by_supplier[item.supplier_id].append(item)
    scoped = _Scoped(inputs, members, {sid: f"supplier-{sid}" for sid in members}, by_supplier)
    sections = supplier_sections(scoped)
    more = 0
    if brief:
        grave = [s for s in sections if any(f.severity in GRAVE for f in s.flags)]
        sections, more = tuple(grave[:SUMMARY_SUPPLIERS]), max(len(grave) - SUMMARY_SUPPLIERS, 0)
    flagged = {s.id for s in sections}
    done = decisions(inputs.items)
    told = method(scoped)
    if brief:
        done["decided"] = tuple(i for i in done["decided"] if i.severity in GRAVE)[
            :SUMMARY_SUPPLIERS
        ]
        told["unanswered"] = told["unanswered"][:NOT_ASKED_LISTED]
    return ReportContext(
        **cover(inputs, lang, now),
        **summary(scoped, flagged, lang),
        **chain_map(scoped, flagged),
        groups=flag_groups(inputs.items, inputs.guide),
        suppliers=sections,
        **done,
        **told,
        appendix=() if brief else appendix(scoped),
        contacts=inputs.contacts,
        worker_voice=worker_voice(inputs.worker_voice, scoped, now.date()),
        kind=kind,
        suppliers_more=more,
    )


def cover(inputs: ReportInputs, lang: str, now: datetime) -> dict[str, Any]:
    """Who the report is for, about which run, made when."""
    finished = inputs.run_finished_at
    return {
        "organisation": inputs.organisation,
        "created": formats.format_datetime(now, lang, inputs.timezone),
        "lang": lang,
        "scope_title": inputs.scope_title,
        "run_id": inputs.run_id,
        "run_finished": formats.format_datetime(finished, lang, inputs.timezone)
        if finished
        else "",
    }


def summary(scoped: _Scoped, flagged: set[int], lang: str) -> dict[str, Any]:
    """The first page's figures: flags by severity and rule, exposure, coverage, the trend."""
    inputs, items = scoped.inputs, scoped.inputs.items
    reach = coverage(inputs.chain, scoped.members)
    return {
        "suppliers_in_scope": len(scoped.members),
        "flags_total": len(items),
        "by_severity": tuple(
            (s.value, sum(1 for i in items if i.severity == s.value)) for s in SEVERITY_ORDER
        ),
        "by_source": by_source(items),
        "exposure_by_tier": exposure_by_tier(scoped),
        "top_suppliers": top_suppliers(scoped, flagged),
        "coverage": reach,
        "coverage_chart": charts.coverage(
            reach["answered"],
            reach["waiting"],
            reach["never"],
            names=inputs.texts.chart_names,
        ),
        "trend": trend(inputs.history, lang, inputs.timezone, inputs.texts.chart_names),
    }


def by_source(
    items: Sequence[FlagItem],
) -> tuple[tuple[str, int, tuple[tuple[str, int], ...]], ...]:
    """The flags by where their evidence comes from (in vocab.Source's order, sources without
    flags left out), each with its rules' titles, the most flags first."""
    found = []
    for source in Source:
        titles = Counter(i.title for i in items if i.source == source.value)
        if titles:
            found.append((source.value, titles.total(), tuple(titles.most_common())))
    return tuple(found)


def coverage(chain: RiskInputs, members: Iterable[int]) -> dict[str, Any]:
    """How many of the scope's suppliers answered, were asked and have not, were never asked."""
    answered = sum(1 for s in members if s in chain.responses)
    invited = [s for s in members if s in chain.invitations]
    waiting = sum(1 for s in invited if s not in chain.responses)
    never = sum(1 for s in members if s not in chain.invitations and s not in chain.responses)
    return {
        "answered": answered,
        "waiting": waiting,
        "never": never,
        "invited": len(invited),
        "rate": round(100 * answered / len(invited)) if invited else None,
    }


def exposure_by_tier(scoped: _Scoped) -> tuple[tuple[int, int, int], ...]:
    """Per tier: the highest and the mean exposure carried from below."""
    tiers, exposure = scoped.inputs.chain.analysis.tier, scoped.inputs.exposure
    by_tier: dict[int, list[int]] = defaultdict(list)
    for sid in scoped.members:
        if sid in exposure and tiers.get(sid):
            by_tier[tiers[sid]].append(exposure[sid][1])  # type: ignore[arg-type]
    return tuple(
        (tier, max(values), round(sum(values) / len(values)))
        for tier, values in sorted(by_tier.items())
    )


def top_suppliers(
    scoped: _Scoped, flagged: set[int]
) -> tuple[tuple[str, str, int | None, int | None, int], ...]:
    """The most exposed suppliers: own exposure, then carried, then number of flags."""
    exposure = scoped.inputs.exposure
    top = sorted(
        (s for s in scoped.members if s in scoped.inputs.chain.suppliers),
        key=lambda s: (
            -scoped.own(s),
            -(exposure.get(s, (0, 0))[1] or 0),
            -len(scoped.by_supplier.get(s, ())),
        ),
    )[:TOP_SUPPLIERS]
    return tuple(
        (
            scoped.label(s),
            scoped.anchor[s] if s in flagged else "",
            exposure.get(s, (None, None))[0],
            exposure.get(s, (None, None))[1],
            len(scoped.by_supplier.get(s, ())),
        )
        for s in top
    )


def trend(
    history: Sequence[PastRun], lang: str, timezone: tzinfo, names: Mapping[str, str]
) -> charts.Chart:
    """Flags by severity over the runs up to this one."""
    labels = formats.run_labels([r.finished_at for r in history], lang, timezone)
    return charts.trend(
        [(label, r.by_severity) for label, r in zip(labels, history, strict=True)], names=names
    )


def chain_map(scoped: _Scoped, flagged: set[int]) -> dict[str, Any]:
    """The map of the chain as the run read it (only the scope's part, unless the whole)."""
    chain = scoped.inputs.chain
    info = {
        sid: layout.NodeInfo(facts.name, facts.code, facts.country, facts.sector, facts.is_agency)
        for sid, facts in chain.suppliers.items()
    }
    drawn = layout.layout(
        chain.graph,
        chain.analysis,
        info,
        scoped.inputs.organisation,
        None if scoped.inputs.scope.kind == "chain" else scoped.members,
    )
    return {
        "chain_map": drawn,
        "map_anchors": {s: scoped.anchor[s] for s in flagged},
        "map_exposure": {s: own for s, (own, _c) in scoped.inputs.exposure.items()},
        "map_landscape": drawn.width > drawn.height * LANDSCAPE_RATIO,
    }


def severity_key(item: FlagItem) -> int:
    """Graver first: critical 0 … low 3."""
    return [s.value for s in SEVERITY_ORDER].index(item.severity)


def flag_groups(
    items: Iterable[FlagItem], guide: Mapping[str, GuideInfo]
) -> tuple[tuple[str, tuple[RuleGroup, ...]], ...]:
    """The flags by severity, graver first, and within a severity by rule (an answer's risk by
    its indicator), the sources of evidence apart (in vocab.Source's order), larger groups
    first."""
    grouped: dict[tuple[str, str], list[FlagItem]] = defaultdict(list)
    for item in items:
        grouped[(item.severity, item.indicator if item.rule == "answer" else item.rule)].append(
            item
        )
    groups = []
    shown: set[str] = set()  # each of the guide's steps is printed once, where first due
    for severity in SEVERITY_ORDER:
        at = sorted(
            (found for (sev, _key), found in grouped.items() if sev == severity.value),
            key=lambda found: (_SOURCES.index(found[0].source), -len(found), found[0].title),
        )
        rule_groups = tuple(rule_group(found, guide, shown) for found in at)
        if rule_groups:
            groups.append((severity.value, rule_groups))
    return tuple(groups)


_SOURCES = ["", *(s.value for s in Source)]  # a rule no longer registered has no source


def rule_group(
    found: Sequence[FlagItem], guide: Mapping[str, GuideInfo], shown: set[str]
) -> RuleGroup:
    """One group of flags with the guide's sections and the steps not printed yet (`shown` is
    updated)."""
    first = found[0]
    guide_ids = list(dict.fromkeys(g for i in found for g in i.guide))
    sections = [guide[g] for g in guide_ids if g in guide]
    return RuleGroup(
        # an answer's risk is named by its own explanation, not the generic rule
        title=first.message if first.rule == "answer" else first.title,
        source=first.source,
        count=len(found),
        suppliers=tuple(dict.fromkeys(i.supplier for i in found if i.supplier)),
        guide=tuple(GuideLink(s.id, s.title) for s in sections),
        actions=_actions(sections, shown),
        ilo=tuple(dict.fromkeys(x for i in found for x in i.ilo)),
    )


def _actions(sections: Iterable[GuideInfo], shown: set[str]) -> tuple[str, ...]:
    """The first few of the sections' immediate actions that are not in `shown` yet (graver
    groups come first, so a step stands where it is most urgent)."""
    actions: dict[str, None] = {}
    for section in sections:
        actions.update(dict.fromkeys(a for a in section.immediate_actions if a not in shown))
    chosen = tuple(list(actions)[:ACTIONS_PER_ITEM])
    shown.update(chosen)
    return chosen


def supplier_sections(scoped: _Scoped) -> tuple[SupplierSection, ...]:
    """One section per flagged supplier in scope: gravest flag first, then the most exposed,
    then by name."""
    suppliers = scoped.inputs.chain.suppliers
    order = sorted(
        (s for s in scoped.by_supplier if s is not None and s in scoped.members),
        key=lambda s: (
            min(severity_key(i) for i in scoped.by_supplier[s]),
            -scoped.own(s),
            suppliers[s].name.casefold() if s in suppliers else "",
        ),
    )
    return tuple(supplier_section(scoped, sid) for sid in order if sid in suppliers)


def supplier_section(scoped: _Scoped, sid: int) -> SupplierSection:
    """A supplier's facts, exposure and questionnaire, and its flags, graver first."""
    inputs = scoped.inputs
    facts, texts = inputs.chain.suppliers[sid], inputs.texts
    shown_path = " → ".join(_path(inputs.chain, sid, texts.your_organisation))
    # the path to the supplier heads its section: flags do not repeat it
    trimmed = [
        replace(i, evidence=tuple(e for e in i.evidence if e != shown_path))
        for i in sorted(scoped.by_supplier[sid], key=severity_key)
    ]
    own, carried = inputs.exposure.get(sid, (None, None))
    kind = texts.agency if facts.is_agency else ""
    return SupplierSection(
        id=sid,
        anchor=scoped.anchor[sid],
        name=facts.name,
        code=facts.code,
        details=" · ".join(p for p in (facts.country, facts.sector, kind) if p),
        tier=inputs.chain.analysis.tier.get(sid),
        path=shown_path,
        own=own,
        carried=carried,
        questionnaire=inputs.questionnaire_status.get(sid, texts.never_asked),
        flags=tuple(i for i in trimmed if i.severity != Severity.LOW),
        minor=tuple(i for i in trimmed if i.severity == Severity.LOW),
    )


def decisions(items: Sequence[FlagItem]) -> dict[str, Any]:
    """The officer's decisions: how many of each, and the decided flags, by status and due date."""
    return {
        "decisions": dict(Counter(i.status for i in items)),
        "decided": tuple(
            sorted(
                (i for i in items if i.status != "open"),
                key=lambda i: (i.status, i.due_date or date.max, i.supplier),
            )
        ),
        "decided_total": sum(1 for i in items if i.status != "open"),
    }


def method(scoped: _Scoped) -> dict[str, Any]:
    """How the report was made: the run, the rules and their thresholds, who was not asked or
    has not answered, and the work countries without a known labour-cost floor."""
    inputs, chain = scoped.inputs, scoped.inputs.chain
    never = [s for s in scoped.members if s not in chain.invitations and s not in chain.responses]
    waiting = [s for s in scoped.members if s in chain.invitations and s not in chain.responses]
    return {
        "rules_version": inputs.rules_version,
        "chain_hash": inputs.chain_hash,
        "chain_changed": inputs.chain_changed,
        "run_method": inputs.run_method,
        "questionnaires": inputs.questionnaires,
        "rules": tuple(
            (
                rule.id,
                rule.title,
                rule.severity,
                tuple(inputs.thresholds.get(rule.id, dict(rule.thresholds)).items()),
            )
            for rule in inputs.rules
        ),
        "not_asked": tuple(sorted(scoped.label(s) for s in never)[:NOT_ASKED_LISTED]),
        "not_asked_total": len(never),
        "unanswered": tuple(sorted(scoped.label(s) for s in waiting)),
        "unanswered_total": len(waiting),
        "no_floor_known": tuple(sorted(inputs.no_floor_known.items())),
    }


def appendix(scoped: _Scoped) -> tuple[AnswerBlock, ...]:
    """The scope's answers, supplier by supplier in the order of their names."""
    answered = scoped.inputs.answered
    return tuple(
        AnswerBlock(
            supplier=scoped.label(s),
            anchor=scoped.anchor[s],
            questionnaire=answered[s].questionnaire,
            answers=answered[s].answers,
        )
        for s in sorted(
            (s for s in scoped.members if s in answered), key=lambda s: scoped.label(s).casefold()
        )
    )


def worker_voice(voice: VoiceInputs, scoped: _Scoped, today: date) -> WorkerVoiceSection:
    """The channel at the sites of the scope's suppliers (every running site for the whole
    chain): check-ins, reports and their handling, cases by status and confirmed indicator."""
    if not voice.sites:
        return WorkerVoiceSection()
    whole = scoped.inputs.scope.kind == "chain"
    sites = [
        s for s in voice.sites if whole or voice.placed.get(s.id, frozenset()) & scoped.members
    ]
    ids = {s.id for s in sites}
    cases = [c for c in voice.cases if c.site_id in ids]
    check_ins = [r for r in voice.check_ins if r.site_id in ids]
    statuses = Counter(c.status for c in cases)
    indicators = Counter(i for c in cases for i in c.indicators)
    return WorkerVoiceSection(
        set_up=True,
        sites=effectiveness.by_site(sites, cases, check_ins, today),
        totals=effectiveness.measure(cases, check_ins, today),
        by_status=tuple((voice.status_names.get(s, s), statuses[s]) for s in CaseStatus),
        by_indicator=tuple(
            (voice.indicator_names.get(i, i), n)
            for i, n in sorted(indicators.items(), key=lambda item: (-item[1], item[0]))
        ),
        excerpts=tuple((c.id, voice.excerpts[c.id]) for c in cases if c.id in voice.excerpts),
        contradictions=tuple(
            (item.supplier, item.message)
            for item in scoped.inputs.items
            if item.rule == CONTRADICTION and item.supplier_id in scoped.members
        ),
    )


# --- helpers ---------------------------------------------------------------------------------


def _label(suppliers: Mapping[int, Any], supplier_id: int) -> str:
    """A supplier as "Name (code)"; every node of the graph has its facts (the map needs them)."""
    facts = suppliers[supplier_id]
    return f"{facts.name} ({facts.code})"


def _path(chain: RiskInputs, supplier_id: int, organisation: str) -> list[str]:
    """Names along the shortest path from the organisation, as the evidence names them."""
    if supplier_id not in chain.analysis.tier:
        return []
    return [
        organisation if node == ROOT else _label(chain.suppliers, node)
        for node in chain.path_to(supplier_id)
    ]
