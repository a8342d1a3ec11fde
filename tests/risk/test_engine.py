"""The engine: exposure scores, and properties that must hold on any chain (hypothesis)."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from supplychain.models import Severity
from supplychain.risk.engine import evaluate, exposure
from supplychain.risk.findings import Finding
from supplychain.risk.rules import RULES
from supplychain.vocab import Source
from tests.risk.builders import chain

STRUCTURAL = {
    rid: RULES[rid]
    for rid in (
        "chain-depth",
        "labour-hire",
        "labour-hire-deep",
        "intermediary-chain",
        "chain-cycle",
    )
}


def test_exposure_carries_the_worst_risk_below():
    inputs = chain([(0, 1), (1, 2), (2, 3), (0, 4)])
    flags = [(3, Severity.HIGH), (1, Severity.LOW), (1, Severity.LOW), (None, Severity.HIGH)]
    scores = exposure(inputs.graph, flags)
    assert scores[3].own == scores[3].carried == 35
    assert scores[2].own == 0 and scores[2].carried == 35
    assert scores[1].own == round(100 * (1 - 0.95 * 0.95)) and scores[1].carried == 35
    assert scores[4].own == scores[4].carried == 0


def test_silence_is_not_ranked_safer_than_an_honest_answer():
    """2 answered honestly (two medium answers, 28); 3 never answered and has only its
    sector's low flag, yet its silence counts as a high risk (38): it ranks above 2."""
    inputs = chain([(0, 1), (1, 2), (1, 3)])
    flags = [(2, Severity.MEDIUM), (2, Severity.MEDIUM), (3, Severity.LOW)]
    scores = exposure(inputs.graph, flags, unanswered={3})
    assert scores[2].own == round(100 * (1 - 0.85 * 0.85)) == 28
    assert scores[3].own == round(100 * (1 - 0.95 * 0.65)) == 38
    assert scores[1].own == 0 and scores[1].carried == 38  # what it cannot see below it


def test_a_loop_shares_its_exposure():
    inputs = chain([(0, 1), (1, 2), (2, 1), (2, 3)])
    scores = exposure(inputs.graph, [(3, Severity.MEDIUM), (1, Severity.HIGH)])
    assert scores[1].carried == scores[2].carried == 35 and scores[3].carried == 15


edges = st.lists(
    st.tuples(
        st.integers(0, 12),
        st.integers(1, 12),
        st.sampled_from(["subcontract", "labour_hire", "supply"]),
    ),
    max_size=30,
).map(lambda es: list({(p, c): r for p, c, r in es if p != c}.items()))


def _inputs(pairs, agencies=frozenset()):
    return chain(
        [(p, c, r) for (p, c), r in pairs], suppliers={a: {"is_agency": True} for a in agencies}
    )


@settings(max_examples=60, deadline=None)
@given(edges)
def test_results_do_not_depend_on_the_order_links_were_added(pairs):
    forward = {f.fingerprint for f in evaluate(_inputs(pairs), STRUCTURAL)}
    backward = {f.fingerprint for f in evaluate(_inputs(list(reversed(pairs))), STRUCTURAL)}
    assert forward == backward


@settings(max_examples=60, deadline=None)
@given(edges)
def test_cycle_flags_are_exactly_the_members_of_loops(pairs):
    inputs = _inputs(pairs)
    flagged = {f.supplier_id for f in evaluate(inputs, {"chain-cycle": RULES["chain-cycle"]})}
    on_loops = {
        n
        for component in nx.strongly_connected_components(inputs.graph)
        for n in component
        if len(component) > 1 or inputs.graph.has_edge(n, n)
    }
    assert flagged == on_loops


@settings(max_examples=60, deadline=None)
@given(edges, st.tuples(st.integers(1, 12), st.integers(1, 12)))
def test_adding_a_link_never_lowers_the_depth_flags_of_what_it_cannot_reach(pairs, extra):
    """Tier can only fall when a link is added, so a chain-depth flag can only go away for
    companies the new link reaches; every other flag stays."""
    parent, child = extra
    if parent == child:
        return
    before = {
        f.supplier_id for f in evaluate(_inputs(pairs), {"chain-depth": RULES["chain-depth"]})
    }
    grown = _inputs([*pairs, ((parent, child), "subcontract")])
    after = {f.supplier_id for f in evaluate(grown, {"chain-depth": RULES["chain-depth"]})}
    reached = nx.descendants(grown.graph, child) | {child}
    assert before - reached <= after


@settings(max_examples=60, deadline=None)
@given(edges)
def test_deep_labour_hire_is_always_below_tier_one(pairs):
    inputs = _inputs(pairs)
    for found in evaluate(inputs, {"labour-hire-deep": RULES["labour-hire-deep"]}):
        assert len(found.evidence["path"]) >= 3


countries = st.dictionaries(
    st.integers(1, 12),
    st.fixed_dictionaries(
        {
            "country": st.sampled_from(["LV", "EE", "PL", "Č"]),
            "sector": st.sampled_from(["", "F41.20", "N81.21", "C10.1"]),
        }
    ),
)


@settings(max_examples=40, deadline=None)
@given(edges, countries)
def test_flags_written_from_json_pieces_are_what_their_values_would_write(pairs, facts):
    """Rules that build a flag's JSON from cached pieces write exactly the text the values
    encode to, so fingerprints (and the decisions kept by them) stay as they were."""
    inputs = chain([(p, c, r) for (p, c), r in pairs], suppliers=facts)
    for found in evaluate(inputs):
        plain = Finding(
            found.rule,
            found.supplier_id,
            found.severity,
            dict(found.evidence),
            dict(found.params),
            found.indicator,
            found.ilo,
            found.guide,
        )
        assert (plain.fingerprint, plain.stored_json()) == (found.fingerprint, found.stored_json())


@settings(max_examples=40, deadline=None)
@given(edges, countries)
def test_the_flag_set_stores_what_each_finding_would(pairs, facts):
    """Flags kept in columns (batches of JSON texts included) get the fingerprint and the
    stored text that the Finding they stand for computes from its values."""
    inputs = chain([(p, c, r) for (p, c), r in pairs], suppliers=facts)
    found = evaluate(inputs)
    rows = list(found.rows(7, 9, skip=set()))
    assert len(rows) == len(found) == len(set(found.fingerprints))
    for key, finding, row in zip(found.fingerprints, found, rows, strict=True):
        plain = Finding(
            finding.rule,
            finding.supplier_id,
            finding.severity,
            dict(finding.evidence),
            dict(finding.params),
            finding.indicator,
            finding.ilo,
            finding.guide,
        )
        assert key == plain.fingerprint
        assert row == (7, key, plain.rule, plain.indicator, plain.supplier_id)[:5] + (
            plain.severity.value,
            plain.stored_json(),
            9,
        )


def _agency_chain():
    return chain(
        [(0, 1), (1, 2, "labour_hire"), (2, 3, "labour_hire"), (3, 4)],
        suppliers={2: {"is_agency": True}, 3: {"is_agency": True}},
    )


def test_exposure_reads_the_flag_set_as_it_reads_a_list_of_flags():
    inputs = _agency_chain()
    found = evaluate(inputs)
    listed = [(f.supplier_id, f.severity) for f in found]
    assert len(listed) > 1
    assert exposure(inputs.graph, found.severity_pairs()) == exposure(inputs.graph, listed)


def test_the_rows_leave_out_the_flags_stored_already():
    found = evaluate(_agency_chain())
    stored = {found.fingerprints[0], found.fingerprints[-1]}
    rows = list(found.rows(7, 9, skip=stored))
    assert [row[1] for row in rows] == found.fingerprints[1:-1]


def test_a_rules_rows_stand_for_their_findings_and_the_flag_set_keeps_each_once():
    from supplychain.risk.findings import shared
    from supplychain.risk.flagset import FlagSet
    from supplychain.risk.rules import findings

    found = findings("pass-through")
    facts = shared({"facts": {"workers_in": 20}})
    found.add(1, facts, {"children": 1})
    found.add(1, facts, {"children": 1})  # the same flag again
    found.add(2, {"facts": {"workers_in": 5}}, severity=Severity.HIGH)
    assert len(found) == 3
    listed = list(found)
    default = RULES["pass-through"].severity
    assert [(f.supplier_id, f.severity, f.evidence, f.params) for f in listed] == [
        (1, default, {"facts": {"workers_in": 20}}, {"children": 1}),
        (1, default, {"facts": {"workers_in": 20}}, {"children": 1}),
        (2, Severity.HIGH, {"facts": {"workers_in": 5}}, {}),
    ]
    assert repr(listed[2]).startswith("Finding('pass-through', 2, ")
    kept = FlagSet()
    kept.add_many(found)
    assert [(f.fingerprint, f.stored_json()) for f in kept] == [
        (f.fingerprint, f.stored_json()) for f in (listed[0], listed[2])
    ]


def test_inputs_without_their_graph_keep_their_facts_and_analysis():
    from dataclasses import fields

    inputs = chain([(0, 1), (1, 2)])
    assert inputs.path_evidence(1) == '{"path":[0,1]}'
    kept = inputs.without_graph()
    assert list(kept.graph) == [0] and not kept.graph.edges
    assert "_path_evidence" not in vars(kept)  # derived for the rules: made again if asked
    for f in fields(inputs):
        if f.name != "graph":
            assert getattr(kept, f.name) is getattr(inputs, f.name)


def test_a_rule_id_is_registered_once():
    import pytest

    from supplychain.risk.rules import rule

    before = dict(RULES)
    with pytest.raises(ValueError, match="duplicate rule id chain-depth"):
        rule(
            "chain-depth",
            severity=Severity.LOW,
            source=Source.STRUCTURE,
            title="Deep",
            message="Too deep",
            basis="Deep chains hide who employs the workers.",
        )(lambda inputs, t: [])
    assert RULES == before
