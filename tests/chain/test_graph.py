"""The chain's structure, on hand-built graphs and on generated ones (hypothesis)."""

from __future__ import annotations

import random

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supplychain.chain import graph as g

SUB, HIRE, SUPPLY = "subcontract", "labour_hire", "supply"


def chain(*links):
    return g.build_graph(links)


def test_tiers_and_depth_on_a_diamond_with_a_long_side():
    # ROOT -> 1 -> 2 -> 3 -> 4, and ROOT -> 4 directly: tier 1, deepest 4.
    graph = chain((None, 1, SUB), (1, 2, SUB), (2, 3, SUB), (3, 4, SUB), (None, 4, SUB))
    analysis = g.analyse(graph)
    assert analysis.tier == {0: 0, 1: 1, 2: 2, 3: 3, 4: 1}
    assert analysis.depth == {0: 0, 1: 1, 2: 2, 3: 3, 4: 4}
    assert (analysis.max_tier, analysis.max_depth) == (3, 4)


def test_cycle_is_reported_once_with_a_witness_and_depth_is_finite():
    graph = chain((None, 1, SUB), (1, 2, SUB), (2, 3, SUB), (3, 2, SUB), (3, 4, SUB))
    analysis = g.analyse(graph)
    [cycle] = analysis.cycles
    assert cycle.members == {2, 3}
    assert set(cycle.witness) == {2, 3}
    for a, b in zip(cycle.witness, cycle.witness[1:] + cycle.witness[:1], strict=True):
        assert graph.has_edge(a, b)
    # the loop {2, 3} counts with both members: 2 and 3 sit at depth 3, 4 below them at 4
    assert analysis.depth == {0: 0, 1: 1, 2: 3, 3: 3, 4: 4}


def test_self_loop_is_a_cycle():
    graph = chain((None, 1, SUB), (1, 1, SUB))
    assert g.cycles(graph) == (g.Cycle(frozenset({1}), (1,)),)


def test_labour_hire_reach_and_intermediary_chains():
    # 1 subcontracts to 2; 2 hires workers from agency 3, which gets them from agency 4;
    # 4 hires from 5 (a person-supplying firm); 6 is supplied goods only.
    graph = chain(
        (None, 1, SUB), (1, 2, SUB), (2, 3, HIRE), (3, 4, HIRE), (4, 5, HIRE), (None, 6, SUPPLY)
    )
    analysis = g.analyse(graph, agencies={3, 4})
    assert analysis.labour_hire_edges == ((2, 3), (3, 4), (4, 5))
    assert analysis.labour_hire_reach == {3, 4, 5}
    assert analysis.intermediary_chains == ((2, 3, 4), (3, 4), (3, 4, 5))


def test_unreachable_and_fan():
    graph = chain((None, 1, SUB), (None, 2, SUB), (1, 3, SUB), (2, 3, SUB), (7, 8, SUB))
    analysis = g.analyse(graph)
    assert analysis.unreachable == {7, 8}
    assert (3, 2, 0) in set(g.iter_fan(graph))
    assert (1, 1, 1) in set(g.iter_fan(graph))


def test_paths_to_lists_every_route_shortest_first_and_says_when_cut():
    graph = chain(
        (None, 1, SUB), (None, 2, SUB), (1, 3, SUB), (2, 3, SUB), (3, 4, SUB), (1, 2, SUB)
    )
    paths, more = g.paths_to(graph, 4)
    assert paths[0] in ([0, 1, 3, 4], [0, 2, 3, 4])
    assert sorted(map(tuple, paths)) == [(0, 1, 2, 3, 4), (0, 1, 3, 4), (0, 2, 3, 4)]
    assert more is False
    assert g.paths_to(graph, 4, limit=2) == (paths[:2], True)
    assert g.paths_to(chain((5, 6, SUB)), 6) == ([], False)


# --- generated chains -------------------------------------------------------------------

edges = st.lists(
    st.tuples(st.integers(0, 12), st.integers(1, 12), st.sampled_from([SUB, HIRE, SUPPLY])),
    max_size=40,
    unique_by=lambda row: (row[0], row[1]),  # one link per pair, as in the database
)


def _graph(rows):
    return g.build_graph((None if p == 0 else p, c, r) for p, c, r in rows)


@settings(max_examples=150, deadline=None)
@given(edges, st.tuples(st.integers(0, 12), st.integers(1, 12)))
def test_adding_a_link_never_reduces_depth(rows, extra):
    before = g.deepest_positions(_graph(rows))
    after = g.deepest_positions(_graph([*rows, (*extra, SUB)]))
    for node, depth in before.items():
        assert after[node] >= depth


@settings(max_examples=150, deadline=None)
@given(edges, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_insertion_order(rows, rnd: random.Random):
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    first, second = g.analyse(_graph(rows), {3, 4}), g.analyse(_graph(shuffled), {3, 4})
    assert first == second


@settings(max_examples=150, deadline=None)
@given(edges)
def test_cycle_membership_equals_scc_size_or_self_loop(rows):
    graph = _graph(rows)
    on_cycle = set().union(*(c.members for c in g.cycles(graph))) if g.cycles(graph) else set()
    expected = {n for c in nx.strongly_connected_components(graph) if len(c) > 1 for n in c}
    expected |= {n for n in graph if graph.has_edge(n, n)}
    assert on_cycle == expected


@settings(max_examples=150, deadline=None)
@given(edges)
def test_depth_is_the_longest_path_when_there_is_no_loop(rows):
    graph = _graph(rows)
    analysis = g.analyse(graph)
    for node, tier in analysis.tier.items():
        assert tier <= analysis.depth[node] <= len(analysis.tier) - 1
    if nx.is_directed_acyclic_graph(graph):
        for node, depth in analysis.depth.items():
            longest = max((len(p) - 1 for p in nx.all_simple_paths(graph, 0, node)), default=0)
            assert depth == longest


def test_no_paths_to_the_organisation_itself_or_to_a_company_not_in_the_chain():
    graph = g.build_graph([(None, 1, "subcontract")])
    assert g.paths_to(graph, 0) == ([], False)
    assert g.paths_to(graph, 42) == ([], False)


def test_retier_settles_a_region_from_the_links_into_it():
    # 1 -> 3 -> 4 and 2 -> 4 outside the region {3, 4, 5}; 5 hangs below 4; 6 is unreached.
    links = [(1, 3), (3, 4), (2, 4), (4, 5), (9, 4)]
    assert g.retier({3, 4, 5}, links, {1: 1, 2: 3}) == {3: 2, 4: 3, 5: 4}
    assert g.retier({3, 4, 5, 6}, [*links, (8, 6)], {1: 1, 2: 3}) == {3: 2, 4: 3, 5: 4}
    assert g.retier({3}, [], {}) == {}


def test_retier_finds_no_order_in_a_loop():
    assert g.retier({3, 4}, [(1, 3), (3, 4), (4, 3)], {1: 1}) is None


@settings(max_examples=100, deadline=None)
@given(edges, edges, st.integers(0, 40))
def test_retier_agrees_with_the_tiers_of_the_changed_chain(rows, added, removed):
    """Links added and removed: the tiers of the region below their children, settled from the
    links into it and the tiers outside it before the change, equal a new BFS of the whole."""
    kept = [row for i, row in enumerate(rows) if i % 41 != removed]
    after = _graph([*kept, *(row for row in added if row[:2] not in {r[:2] for r in kept})])
    before = _graph(rows)
    seeds = {c for _p, c, _r in added} | {c for _p, c, _r in rows if (_p, c, _r) not in kept}
    region = set().union(*(nx.descendants(after, s) | {s} for s in seeds if s in after))
    outside = {n: t for n, t in g.tiers(before).items() if n not in region}
    found = g.retier(region, list(after.in_edges(region)), outside)
    if any(c & region for c in (c.members for c in g.cycles(after))):
        assert found is None
    else:
        assert found == {n: t for n, t in g.tiers(after).items() if n in region}


@settings(max_examples=60, deadline=None)
@given(edges)
def test_the_graph_is_the_one_networkx_would_build_with_one_mapping_per_relation(rows):
    given = [*rows, *((p, c, SUPPLY) for p, c, _r in rows[:3])]  # the later relation holds
    built = _graph(given)
    plain = nx.DiGraph()
    plain.add_node(g.ROOT)
    plain.add_edges_from((p, c, {"relation": r}) for p, c, r in given)
    assert list(built.nodes) == list(plain.nodes)
    assert list(built.edges(data=True)) == list(plain.edges(data=True))
    shared = {data["relation"]: data for _u, _v, data in built.edges(data=True)}
    assert all(data is shared[data["relation"]] for _u, _v, data in built.edges(data=True))
    if rows:
        p, c, _r = rows[0]
        with pytest.raises(TypeError):  # shared, so read-only: a change would change them all
            built[p][c]["relation"] = SUPPLY
