"""The map's lean analysis gives exactly graph.analyse's tiers and loops."""

from __future__ import annotations

import random

from supplychain.chain import outline
from supplychain.chain.graph import analyse, build_graph


def test_tiers_and_loops_are_those_of_the_full_analysis():
    rnd = random.Random(3)
    links = {(None, n, "subcontract") for n in range(1, 6)}
    links |= {(rnd.randint(1, 300), rnd.randint(2, 300), "supply") for _ in range(400)}
    links |= {(7, 7, "subcontract"), (401, 402, "subcontract"), (402, 401, "labour_hire")}
    suppliers = list(range(1, 403)) + [500]  # 500: no link at all
    graph = build_graph(sorted(links, key=str))
    graph.add_nodes_from(suppliers)
    full = analyse(graph)
    lean = outline.outline(outline.adjacency(sorted(links, key=str), suppliers))
    assert lean.tier == full.tier
    assert lean.cycles == full.cycles and full.cycles  # loops reached and not, a self-loop
    assert lean.max_tier == full.max_tier


def test_a_chain_without_loops():
    lean = outline.outline(outline.adjacency([(None, 1, "supply"), (1, 2, "supply")], [1, 2, 3]))
    assert lean.tier == {0: 0, 1: 1, 2: 2} and lean.cycles == ()
