"""The chain map's layout, drawn without a database: single boxes, loops drawn backwards, and
groups once a chain is too large to draw one box per supplier."""

from __future__ import annotations

from supplychain.chain import layout
from supplychain.chain.graph import analyse, build_graph


def _map(edges, sectors, agencies=(), visible=None, extra=()):
    graph = build_graph(edges)
    graph.add_nodes_from(extra)  # suppliers no link reaches
    info = {
        n: layout.NodeInfo(f"S{n}", f"C{n}", "LV", sectors.get(n, ""), n in agencies)
        for n in graph
        if n != 0
    }
    return layout.layout(graph, analyse(graph, set(agencies)), info, "Us", visible)


def test_one_box_per_supplier_with_a_loop_drawn_backwards_and_the_unlinked_last():
    drawn = _map(
        [(None, 1, "subcontract"), (1, 2, "subcontract"), (2, 1, "subcontract")],
        {1: "F41", 2: "F43"},
        extra=[9],
    )
    assert not drawn.grouped and drawn.total == 3
    by_key = {n.key: n for n in drawn.nodes}
    assert {"root", "s1", "s2", "s9"} <= set(by_key)
    assert [e.backwards for e in drawn.edges if (e.source, e.target) == ("s2", "s1")] == [True]
    assert dict((tier, x) for x, tier in drawn.columns)[-1] > by_key["s2"].x  # "not linked"


def test_a_large_chain_is_drawn_as_groups_by_tier_and_sector(monkeypatch):
    monkeypatch.setattr(layout, "MAX_NODES", 3)
    edges = [(None, n, "subcontract") for n in (1, 2, 3)]
    edges += [(1, 4, "labour_hire"), (2, 5, "labour_hire"), (3, 6, "subcontract")]
    edges += [(1, 2, "subcontract")]  # inside one group: not drawn
    drawn = _map(edges, {1: "F41", 2: "F43", 3: "N81", 4: "N78", 5: "N78", 6: "N81"}, {4, 5})
    assert drawn.grouped and drawn.total == 6
    groups = {n.key: n for n in drawn.nodes if n.kind == "group"}
    assert set(groups) == {"g1-F", "g1-N", "g2-N"}
    assert (groups["g1-F"].members, groups["g2-N"].members) == (2, 3)
    assert groups["g2-N"].detail == "2"  # two of its three are agencies
    counts = {(e.source, e.target, e.relation): e.count for e in drawn.edges}
    assert counts[("root", "g1-F", "subcontract")] == 2
    assert counts[("g1-F", "g2-N", "labour_hire")] == 2
    assert counts[("g1-N", "g2-N", "subcontract")] == 1
    assert not any(e.source == e.target for e in drawn.edges)
    # Suppliers filtered out take their links with them.
    some = _map(edges, {n: "F41" for n in range(1, 7)}, visible={1, 2, 3, 4, 5})
    assert {n.members for n in some.nodes if n.kind == "group"} == {3, 2}
    assert sum(e.count for e in some.edges if e.target == "g2-F") == 2
    # Filtered to fewer than the limit, the same chain is drawn box by box again.
    assert not _map(edges, {}, visible={1, 4}).grouped


def test_the_sections_names_are_eurostat_s():
    from supplychain.reference.codes import nace_codes
    from supplychain.reference.nace_sections import NAMES

    sections = {code: c.title for code, c in nace_codes().items() if c.level == "section"}
    assert {letter: name._args[0] for letter, name in NAMES.items()} == sections


def test_too_many_groups_are_drawn_one_per_tier(monkeypatch):
    monkeypatch.setattr(layout, "MAX_NODES", 3)
    monkeypatch.setattr(layout, "MAX_GROUPS", 2)
    edges = [(None, 1, "subcontract"), (None, 2, "subcontract"), (1, 3, "supply")]
    edges += [(2, 4, "supply"), (4, 1, "subcontract")]  # 4 -> 1: back up a tier
    edges += [(1, 2, "subcontract")]  # within tier 1: no line once its sections are one group
    drawn = _map(edges, {1: "F41", 2: "N81", 3: "A01", 4: "H49"})
    groups = {n.key: n.members for n in drawn.nodes if n.kind == "group"}
    assert groups == {"g1-*": 2, "g2-*": 2}
    counts = {(e.source, e.target, e.relation): e.count for e in drawn.edges}
    assert counts == {
        ("root", "g1-*", "subcontract"): 2,
        ("g1-*", "g2-*", "supply"): 2,
        ("g2-*", "g1-*", "subcontract"): 1,
    }
