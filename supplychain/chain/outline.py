"""The chain's tiers and loops from plain link rows, for the chain map.

Pure and lean: the map of a 100k-supplier chain needs only each supplier's tier and the loops,
and a networkx graph of the whole chain costs seconds to build and walk. Here the links are
plain dicts of ints; networkx is used only for the few suppliers on or below a loop. The
results are exactly graph.analyse's tiers and cycles (tests/chain/test_outline.py).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from .graph import ROOT, Cycle, _shortest_loop

Succ = dict[int | None, list[int]]  # children by parent; None and ROOT: the organisation


@dataclass(frozen=True)
class Outline:
    """What the map needs of the chain's structure: tiers (ROOT is 0) and loops."""

    tier: dict[int, int]
    cycles: tuple[Cycle, ...]

    @property
    def max_tier(self) -> int:
        return max(self.tier.values())  # ROOT's 0 when nothing else is reached


def adjacency(links: Iterable[tuple[int | None, int, str]], suppliers: Iterable[int]) -> Succ:
    """The children of each parent (ROOT for the organisation); every supplier a key."""
    succ: Succ = {ROOT: []}
    for supplier in suppliers:
        succ[supplier] = []
    for parent, child, _relation in links:
        succ[ROOT if parent is None else parent].append(child)
    return succ


def tiers(succ: Succ) -> dict[int, int]:
    """Shortest number of links from the organisation to each reachable node (BFS).

    Level by level with set operations, which run in C: several times faster than a queue."""
    tier = {ROOT: 0}
    level: set[int] = {ROOT}
    depth = 0
    while level:
        depth += 1
        below = itertools.chain.from_iterable(map(succ.__getitem__, level))
        level = set(itertools.filterfalse(tier.__contains__, below))
        tier.update(dict.fromkeys(level, depth))
    return tier


def loops(succ: Succ) -> tuple[Cycle, ...]:
    """Every group of nodes on a common loop, with its shortest loop from its lowest id.

    Kahn's pass, a level at a time, removes every node that no loop leads to; strongly
    connected components are computed only over the few left."""
    indegree = Counter(itertools.chain.from_iterable(succ.values()))
    level = [node for node in succ if node not in indegree]
    while level:
        passed = Counter(itertools.chain.from_iterable(map(succ.__getitem__, level)))
        level = []
        for child, links in passed.items():
            indegree[child] -= links
            if not indegree[child]:
                level.append(child)
    left = {node for node, d in indegree.items() if d}
    if not left:
        return ()
    rest: nx.DiGraph[int] = nx.DiGraph()
    rest.add_nodes_from(left)
    rest.add_edges_from((u, v) for u in left for v in succ[u] if v in left)
    found = []
    for component in nx.strongly_connected_components(rest):
        first = min(component)
        if len(component) > 1 or rest.has_edge(first, first):
            found.append(Cycle(frozenset(component), _shortest_loop(rest, component, first)))
    return tuple(sorted(found, key=lambda c: min(c.members)))


def outline(succ: Succ) -> Outline:
    """Tiers and loops of the chain given as adjacency()."""
    return Outline(tier=tiers(succ), cycles=loops(succ))
