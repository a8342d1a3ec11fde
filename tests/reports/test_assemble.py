"""The report's context from hand-built inputs: no database, no PDF (reports.assemble).

The chain used throughout:

    you → A (construction) → B (agency, labour hire) → C
        → D
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from supplychain.chain.graph import analyse, build_graph
from supplychain.reports.assemble import (
    ACTIONS_PER_ITEM,
    NOT_ASKED_LISTED,
    SUMMARY,
    SUMMARY_SUPPLIERS,
    AnsweredQuestionnaire,
    GuideInfo,
    PastRun,
    ReportInputs,
    ReportTexts,
    RuleInfo,
    Scope,
    VoiceInputs,
    WorkerVoiceSection,
    assemble_report,
)
from supplychain.reports.flags import FlagItem
from supplychain.risk.findings import InvitationFacts, ResponseFacts, RiskInputs, SupplierFacts
from supplychain.voice.effectiveness import CaseRow, CheckInRow, SiteRow

NOW = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
A, B, C, D = 1, 2, 3, 4


def facts(name: str, code: str, agency: bool = False, sector: str = "F41.2") -> SupplierFacts:
    return SupplierFacts(code, name, "", "LV", sector, agency, None)


def chain(
    links=((None, A, "subcontract"), (A, B, "labour_hire"), (B, C, "subcontract")),
    extra=((None, D, "supply"),),
    suppliers=None,
    responses=(),
    invitations=(),
) -> RiskInputs:
    graph = build_graph((*links, *extra))
    suppliers = suppliers or {
        A: facts("Alfa Būve", "A1"),
        B: facts("Bravo Darbaspēks", "B1", agency=True, sector=""),
        C: facts("Čarlijs", "C1"),
        D: facts("Delta", "D1"),
    }
    graph.add_nodes_from(suppliers)
    return RiskInputs(
        graph=graph,
        analysis=analyse(graph, {s for s, f in suppliers.items() if f.is_agency}),
        suppliers=suppliers,
        links={},
        responses={s: ResponseFacts(questionnaire=None, answers={}) for s in responses},
        invitations={
            s: InvitationFacts(deadline=NOW, submitted=s in responses, revoked=False)
            for s in invitations
        },
        now=NOW,
    )


def flag(
    rule: str,
    severity: str,
    supplier: int | None,
    title: str | None = None,
    *,
    status: str = "open",
    guide: tuple[str, ...] = (),
    evidence: tuple[str, ...] = (),
    due: date | None = None,
    flag_id: int = 0,
    source: str = "structure",
) -> FlagItem:
    names = {A: ("Alfa Būve", "A1"), B: ("Bravo Darbaspēks", "B1"), C: ("Čarlijs", "C1")}
    name, code = names.get(supplier, ("", "")) if supplier else ("", "")
    return FlagItem(
        id=flag_id,
        rule=rule,
        indicator="",
        source=source,
        title=title or rule,
        severity=severity,
        message=f"{rule} message",
        details={},
        evidence=evidence,
        ilo=(),
        guide=guide,
        first_run_id=1,
        supplier_id=supplier,
        supplier_code=code,
        supplier_name=name,
        status=status,
        due_date=due,
    )


def inputs(**changes) -> ReportInputs:
    values = {
        "organisation": "Kalns Holdings",
        "scope": Scope(),
        "scope_title": "Whole chain",
        "run_id": 7,
        "run_finished_at": NOW - timedelta(hours=1),
        "rules_version": "r1",
        "chain_hash": "abc",
        "chain_changed": False,
        "questionnaires": ("core",),
        "thresholds": {},
        "no_floor_known": {},
        "chain": chain(),
        "items": (),
        "exposure": {},
        "questionnaire_status": {},
        "answered": {},
        "guide": {},
        "rules": (),
        "history": (),
        "texts": ReportTexts("jūsu organizācija", "aģentūra", "nekad nav jautāts"),
    }
    values.update(changes)
    return ReportInputs(**values)


def test_flag_groups_run_from_critical_to_low_and_larger_groups_first():
    items = (
        flag("low-rule", "low", A),
        flag("medium-small", "medium", A),
        flag("medium-large", "medium", B),
        flag("medium-large", "medium", C),
        flag("critical-rule", "critical", C),
    )
    context = assemble_report(inputs(items=items), "en", NOW)
    assert [(severity, [g.title for g in groups]) for severity, groups in context.groups] == [
        ("critical", ["critical-rule"]),
        ("medium", ["medium-large", "medium-small"]),
        ("low", ["low-rule"]),
    ]
    large = context.groups[1][1][0]
    assert large.count == 2
    assert large.suppliers == ("Bravo Darbaspēks (B1)", "Čarlijs (C1)")
    assert context.by_severity == (("critical", 1), ("high", 0), ("medium", 3), ("low", 1))
    assert context.flags_total == 5


def test_the_sources_of_evidence_are_kept_apart():
    items = (
        flag("worker-check-in", "high", A, source="workers"),
        flag("labour-hire", "high", B),
        flag("labour-hire", "high", C),
        flag("retired-rule", "high", C, source=""),
        flag("answer", "medium", A, title="Answered", source="answers"),
    )
    context = assemble_report(inputs(items=items), "en", NOW)
    # within a severity: structure, then answers, checks, workers; a retired rule's first
    assert [g.title for g in context.groups[0][1]] == [
        "retired-rule",
        "labour-hire",
        "worker-check-in",
    ]
    assert context.by_source == (
        ("structure", 2, (("labour-hire", 2),)),
        ("answers", 1, (("Answered", 1),)),
        ("workers", 1, (("worker-check-in", 1),)),
    )


def test_an_answer_risk_is_grouped_by_indicator_and_named_by_its_message():
    items = (
        flag("answer", "high", A),
        flag("answer", "high", B),
    )
    items = tuple(
        FlagItem(**{**i.__dict__, "indicator": ind})
        for i, ind in zip(items, ("x", "y"), strict=True)
    )
    context = assemble_report(inputs(items=items), "en", NOW)
    assert [(g.title, g.count) for g in context.groups[0][1]] == [
        ("answer message", 1),
        ("answer message", 1),
    ]


def test_supplier_sections_gravest_first_then_most_exposed_with_low_flags_apart():
    path_a = "jūsu organizācija → Alfa Būve (A1)"
    items = (
        flag("low-rule", "low", A, evidence=(path_a, "low detail")),
        flag("medium-rule", "medium", A, evidence=(path_a, "medium detail")),
        flag("high-rule", "high", B),
        flag("high-rule", "high", C),
        flag("chain-rule", "medium", None),  # about the chain, no section
    )
    context = assemble_report(inputs(items=items, exposure={B: (10, 12), C: (40, 40)}), "en", NOW)
    assert [s.name for s in context.suppliers] == ["Čarlijs", "Bravo Darbaspēks", "Alfa Būve"]
    alfa = context.suppliers[-1]
    assert [i.rule for i in alfa.flags] == ["medium-rule"]
    assert [i.rule for i in alfa.minor] == ["low-rule"]
    assert alfa.path == path_a
    # the path heads the section, so the flags' evidence does not repeat it
    assert alfa.flags[0].evidence == ("medium detail",)
    assert alfa.questionnaire == "nekad nav jautāts"
    bravo = context.suppliers[1]
    assert bravo.details == "LV · aģentūra"
    assert (bravo.tier, bravo.own, bravo.carried) == (2, 10, 12)
    assert context.map_anchors == {s.id: f"supplier-{s.id}" for s in context.suppliers}


def test_a_supplier_scope_covers_the_supplier_and_what_is_below_it():
    items = (flag("a-rule", "high", A), flag("b-rule", "high", B), flag("c-rule", "low", C))
    context = assemble_report(
        inputs(
            items=tuple(i for i in items if i.supplier_id in {B, C}),  # the loader's filter
            scope=Scope("supplier", supplier_id=B),
            chain=chain(invitations=(B, C), responses=(C,)),
            answered={C: AnsweredQuestionnaire("Core (v2)", ())},
        ),
        "en",
        NOW,
    )
    assert context.suppliers_in_scope == 2
    assert [s.id for s in context.suppliers] == [B, C]
    assert {n.supplier_id for n in context.chain_map.nodes if n.supplier_id} == {B, C}
    assert [(b.supplier, b.questionnaire, b.anchor) for b in context.appendix] == [
        ("Čarlijs (C1)", "Core (v2)", f"supplier-{C}")
    ]
    assert context.unanswered == ("Bravo Darbaspēks (B1)",)
    assert context.not_asked == ()


def test_a_supplier_not_in_the_chain_gives_an_empty_scope():
    context = assemble_report(inputs(scope=Scope("supplier", supplier_id=99)), "en", NOW)
    assert context.suppliers_in_scope == 0
    assert context.coverage["invited"] == 0


def test_a_tier_scope():
    context = assemble_report(inputs(scope=Scope("tier", 1)), "en", NOW)
    assert context.suppliers_in_scope == 2  # A and D
    assert context.not_asked == ("Alfa Būve (A1)", "Delta (D1)")


def test_coverage_counts_answered_waiting_and_never_asked():
    context = assemble_report(inputs(chain=chain(invitations=(A, B, C), responses=(A,))), "en", NOW)
    assert context.coverage == {
        "answered": 1,
        "waiting": 2,
        "never": 1,
        "invited": 3,
        "rate": 33,
    }
    assert context.unanswered == ("Bravo Darbaspēks (B1)", "Čarlijs (C1)")
    assert context.not_asked == ("Delta (D1)",)
    assert context.not_asked_total == 1


def test_without_invitations_there_is_no_answer_rate():
    context = assemble_report(inputs(), "en", NOW)
    assert context.coverage == {"answered": 0, "waiting": 0, "never": 4, "invited": 0, "rate": None}


def test_the_not_asked_list_is_cut_but_the_total_is_not():
    many = {n: facts(f"S{n:03}", f"C{n}") for n in range(1, NOT_ASKED_LISTED + 6)}
    links = tuple((None, n, "supply") for n in many)
    context = assemble_report(inputs(chain=chain(links=links, extra=(), suppliers=many)), "en", NOW)
    assert len(context.not_asked) == NOT_ASKED_LISTED
    assert context.not_asked[0] == "S001 (C1)"
    assert context.not_asked_total == NOT_ASKED_LISTED + 5


def test_the_method_section_names_countries_without_a_floor_and_the_thresholds_used():
    rules = (
        RuleInfo("chain-depth", "Chain depth", "medium", {"max_tier": 3}),
        RuleInfo("labour-hire", "Labour hire", "high", {}),
    )
    context = assemble_report(
        inputs(
            rules=rules,
            thresholds={"chain-depth": {"max_tier": 2}},
            no_floor_known={"UZ": 2, "FI": 1},
            chain_changed=True,
        ),
        "en",
        NOW,
    )
    assert context.rules == (
        ("chain-depth", "Chain depth", "medium", (("max_tier", 2),)),
        ("labour-hire", "Labour hire", "high", ()),
    )
    assert context.no_floor_known == (("FI", 1), ("UZ", 2))
    assert context.chain_changed is True
    assert (context.rules_version, context.chain_hash, context.questionnaires) == (
        "r1",
        "abc",
        ("core",),
    )


def test_a_guide_step_is_printed_once_where_it_is_most_urgent():
    guide = {
        "g1": GuideInfo("g1", "Agencies", ("call", "visit", "ask", "check", "write")),
        "g2": GuideInfo("g2", "Depth", ("call", "map")),
    }
    items = (
        flag("critical-rule", "critical", A, guide=("g1", "missing")),
        flag("low-rule", "low", B, guide=("g2", "g1")),
    )
    context = assemble_report(inputs(items=items, guide=guide), "en", NOW)
    critical, low = context.groups[0][1][0], context.groups[1][1][0]
    assert [link.title for link in critical.guide] == ["Agencies"]
    assert critical.actions == ("call", "visit", "ask", "check")[:ACTIONS_PER_ITEM]
    assert [link.id for link in low.guide] == ["g2", "g1"]
    assert low.actions == ("map", "write")


def test_top_suppliers_by_exposure_and_only_flagged_ones_are_linked():
    items = (flag("a-rule", "high", A),)
    context = assemble_report(
        inputs(items=items, exposure={A: (5, 9), C: (30, 30), D: (5, 20)}), "en", NOW
    )
    assert [row[0] for row in context.top_suppliers] == [
        "Čarlijs (C1)",
        "Delta (D1)",
        "Alfa Būve (A1)",
        "Bravo Darbaspēks (B1)",
    ]
    assert context.top_suppliers[2] == ("Alfa Būve (A1)", f"supplier-{A}", 5, 9, 1)
    assert context.top_suppliers[3] == ("Bravo Darbaspēks (B1)", "", None, None, 0)
    assert context.exposure_by_tier == ((1, 20, 14), (3, 30, 30))
    assert context.map_exposure == {A: 5, C: 30, D: 5}


def test_decided_flags_by_status_then_due_date():
    items = (
        flag("r1", "high", A, status="mitigating", due=date(2026, 5, 1), flag_id=1),
        flag("r2", "high", B, status="mitigating", due=date(2026, 4, 1), flag_id=2),
        flag("r3", "medium", C, status="acknowledged", flag_id=3),
        flag("r4", "low", C, flag_id=4),
    )
    context = assemble_report(inputs(items=items), "en", NOW)
    assert [i.id for i in context.decided] == [3, 2, 1]
    assert context.decisions == {"mitigating": 2, "acknowledged": 1, "open": 1}


@pytest.mark.parametrize(
    ("lang", "zone", "created", "finished"),
    [
        ("en", UTC, "Mar 14, 2026, 9:30\u202fAM (UTC)", "Mar 14, 2026, 8:30\u202fAM (UTC)"),
        ("lv", ZoneInfo("Europe/Riga"), "2026. gada 14. marts 11:30 (EET)", ""),
    ],
)
def test_the_cover_dates_are_in_the_report_language_and_timezone(lang, zone, created, finished):
    run_finished = None if lang == "lv" else NOW - timedelta(hours=1)
    context = assemble_report(inputs(timezone=zone, run_finished_at=run_finished), lang, NOW)
    assert context.created == created
    assert context.run_finished == finished
    assert (context.organisation, context.scope_title, context.run_id, context.lang) == (
        "Kalns Holdings",
        "Whole chain",
        7,
        lang,
    )


def test_the_trend_has_one_bar_per_past_run_labelled_by_day():
    history = (
        PastRun(datetime(2026, 3, 1, 23, 30), {"high": 2}),  # naive: UTC, 2 March in Riga
        PastRun(datetime(2026, 3, 14, 8, 0), {"critical": 1, "low": 4}),
    )
    context = assemble_report(
        inputs(history=history, timezone=timezone(timedelta(hours=2))), "lv", NOW
    )
    assert [label.text for label in context.trend.labels[2:]] == ["2.3.", "14.3."]
    assert len(context.trend.rects) == 3


def test_an_unlinked_supplier_has_no_path_and_no_tier():
    suppliers = {A: facts("Alfa Būve", "A1"), B: facts("Bravo", "B1")}
    graph_chain = chain(links=((None, A, "subcontract"),), extra=(), suppliers=suppliers)
    items = (flag("b-rule", "medium", B), flag("b-low", "low", B))
    context = assemble_report(inputs(chain=graph_chain, items=items), "en", NOW)
    (bravo,) = context.suppliers
    assert bravo.path == ""
    assert bravo.tier is None
    assert [i.rule for i in bravo.all_flags] == ["b-rule", "b-low"]
    assert context.not_asked == ("Alfa Būve (A1)", "Bravo (B1)")


def test_worker_voice_covers_the_scope_s_sites_with_figures_only():
    """No site: the channel is not set up. A supplier scope keeps the sites of its suppliers
    (B and below: site 1 has C; site 2 has only A; site 3 nobody)."""
    assert assemble_report(inputs(), "en", NOW).worker_voice == WorkerVoiceSection()
    ack_by = NOW.date() - timedelta(days=1)
    voice = VoiceInputs(
        sites=(SiteRow(1, "Tower"), SiteRow(2, "School"), SiteRow(3, "Bridge")),
        placed={1: frozenset({C}), 2: frozenset({A})},
        cases=(
            CaseRow(1, 1, "received", NOW - timedelta(days=9), ack_by),
            CaseRow(2, 1, "closed", NOW - timedelta(days=9), ack_by, NOW, NOW, ("debt_bondage",)),
            CaseRow(3, 2, "acknowledged", NOW, ack_by, NOW, None, ("deception",)),
        ),
        check_ins=(CheckInRow(1, C),) * 5 + (CheckInRow(2, None),),
        status_names={"received": "Saņemts"},
        indicator_names={"debt_bondage": "Parādu verdzība"},
        excerpts={2: "Workers say the foreman keeps their passports.", 3: "Not in scope."},
    )
    whole = assemble_report(inputs(worker_voice=voice), "en", NOW).worker_voice
    assert [s.site.name for s in whole.sites] == ["Tower", "School", "Bridge"]
    assert whole.sites[2].no_signal and whole.totals.reports == 3
    assert whole.by_indicator == (("Parādu verdzība", 1), ("deception", 1))
    scoped = assemble_report(
        inputs(worker_voice=voice, scope=Scope("supplier", supplier_id=B)), "en", NOW
    ).worker_voice
    assert scoped.set_up and [s.site.name for s in scoped.sites] == ["Tower"]
    totals = scoped.totals
    assert (totals.check_ins, totals.groups_shown, totals.reports, totals.overdue) == (5, 1, 2, 1)
    assert totals.days_to_acknowledge == 9.0
    assert scoped.by_status == (
        ("Saņemts", 1),
        ("acknowledged", 0),
        ("under_way", 0),
        ("closed", 1),
    )
    assert scoped.by_indicator == (("Parādu verdzība", 1),)
    assert scoped.excerpts == ((2, "Workers say the foreman keeps their passports."),)
    assert scoped.contradictions == ()
    said = flag("workers-contradict-answers", "high", C, source="workers")
    contradicted = assemble_report(
        inputs(worker_voice=voice, items=(said, flag("labour-hire", "high", C))), "en", NOW
    ).worker_voice
    assert contradicted.contradictions == (("Čarlijs (C1)", "workers-contradict-answers message"),)


def test_a_summary_has_sections_for_the_most_exposed_graver_suppliers_only_and_no_answers():
    many = range(10, 12 + SUMMARY_SUPPLIERS + NOT_ASKED_LISTED)  # beyond both lists' lengths
    suppliers = {A: facts("Alfa Būve", "A1"), **{s: facts(f"S{s}", f"S{s}") for s in many}}
    items = (
        flag("medium-rule", "medium", A, status="acknowledged"),
        flag("low-rule", "low", 10),
        *(flag("high-rule", "high", s, status="mitigating") for s in many if s > 10),
    )
    values = {
        "chain": chain(
            links=((None, A, "supply"),),
            extra=tuple((None, s, "supply") for s in many),
            suppliers=suppliers,
            invitations=many,
        ),
        "items": items,
        "exposure": {s: (s, s) for s in many},
        "answered": {A: AnsweredQuestionnaire("core (v1)", ())},
    }
    full = assemble_report(inputs(**values), "en", NOW)
    summary = assemble_report(inputs(**values), "en", NOW, SUMMARY)
    assert not full.is_summary and full.suppliers_more == 0 and full.appendix
    assert len(full.suppliers) == len(many) + 1 and len(full.decided) == len(many)
    assert summary.is_summary and summary.appendix == ()
    graver = len(many) - 1
    assert len(summary.suppliers) == SUMMARY_SUPPLIERS
    assert summary.suppliers_more == graver - SUMMARY_SUPPLIERS
    # the most exposed first; the medium and low suppliers have no section and no map link
    assert summary.suppliers[0].name == f"S{max(many)}"
    assert {s.id for s in summary.suppliers} == set(summary.map_anchors)
    assert {A, 10}.isdisjoint(summary.map_anchors)
    assert {i.severity for i in summary.decided} == {"high"}
    assert len(summary.decided) == SUMMARY_SUPPLIERS < summary.decided_total == len(many)
    assert len(summary.unanswered) == NOT_ASKED_LISTED < summary.unanswered_total
    assert full.unanswered_total == len(full.unanswered) == len(many)
    # the figures and the groups are the same in both
    assert summary.by_severity == full.by_severity and summary.groups == full.groups
