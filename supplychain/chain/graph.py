"""Pure analysis of a subcontracting chain as a networkx DiGraph.

Nodes are supplier ids (integers) and ROOT (0) for the organisation itself; an edge
parent -> child carries only the relation ("subcontract", "labour_hire", "supply"). Everything
else stays in the database: at a million suppliers every attribute per node costs memory.

Only linear-time algorithms are used (BFS, strongly connected components, one Kahn pass):
simple-cycle enumeration and all-pairs searches explode on real chains.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeAlias

import networkx as nx

if TYPE_CHECKING:
    Graph: TypeAlias = nx.DiGraph[int]  # the stubs' generic; networkx's class is not one
else:
    Graph = nx.DiGraph

ROOT = 0
LABOUR_HIRE = "labour_hire"


@dataclass(frozen=True)
class Cycle:
    """Suppliers that subcontract to each other in a loop, with one loop as evidence."""

    members: frozenset[int]
    witness: tuple[int, ...]  # a closed walk: witness[0] follows witness[-1]


@dataclass(frozen=True)
class ChainAnalysis:
    """What the structure of a chain says, node by node."""

    tier: dict[int, int]  # shortest distance from the organisation; direct suppliers are 1
    depth: dict[int, int]  # deepest position (see deepest_positions)
    cycles: tuple[Cycle, ...]
    unreachable: frozenset[int]
    labour_hire_edges: tuple[tuple[int, int], ...]
    labour_hire_reach: frozenset[int]  # agencies that supply labour and everything below them
    intermediary_chains: tuple[tuple[int, ...], ...]

    @property
    def max_tier(self) -> int:
        return max((t for n, t in self.tier.items() if n != ROOT), default=0)

    @property
    def max_depth(self) -> int:
        return max(self.depth.values(), default=0)


def build_graph(links: Iterable[tuple[int | None, int, str]]) -> Graph:
    """Build the chain from (parent_id or None for the organisation, child_id, relation) rows.

    The links of one relation share one read-only attribute mapping ({"relation": ...}), as
    networkx reads it: a dict of its own per link costs ~180 bytes, 18 MB at 100k links."""
    graph: Graph = nx.DiGraph()
    graph.add_node(ROOT)
    # Plain dicts, filled as add_edges_from fills them (nodes in the order met, parent first).
    succ, pred = graph._succ, graph._pred  # type: ignore[attr-defined]
    shared: dict[str, Mapping[str, str]] = {}
    for parent, child, relation in links:
        u = ROOT if parent is None else parent
        if u not in succ:
            graph.add_node(u)
        if child not in succ:
            graph.add_node(child)
        data = shared.get(relation)
        if data is None:
            data = shared[relation] = MappingProxyType({"relation": relation})
        succ[u][child] = pred[child][u] = data
    return graph


def tiers(graph: Graph) -> dict[int, int]:
    """Shortest number of links from the organisation to each reachable node (ROOT is 0)."""
    return nx.single_source_shortest_path_length(graph, ROOT)


def cycles(graph: Graph) -> tuple[Cycle, ...]:
    """Every group of nodes on a common loop, with one witness loop each.

    A node is on a loop exactly when its strongly connected component has more than one
    member, or it links to itself.
    """
    return _structure(graph, tiers(graph))[1]


def _shortest_loop(graph: Graph, component: set[int], start: int) -> tuple[int, ...]:
    """The shortest loop from start back to itself, the same whatever order links were added."""
    if graph.has_edge(start, start):
        return (start,)
    parent = {start: start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in sorted(c for c in graph.successors(node) if c in component):
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return tuple(reversed(path))
            if child not in parent:
                parent[child] = node
                queue.append(child)
    raise ValueError("start is not on a loop inside component")  # pragma: no cover (a caller's bug)


def deepest_positions(graph: Graph, tier: dict[int, int] | None = None) -> dict[int, int]:
    """The deepest position of each reachable node: the most links on a path from ROOT.

    Work that enters a loop (a strongly connected component) can pass through every member of
    it, so a loop counts with all its members: a node's depth is the heaviest chain of
    components leading to it, each weighing its size, minus one. Without loops this is exactly
    the longest path; it never decreases when a link is added, and needs linear time instead
    of the exponential search for longest simple paths.
    """
    return _structure(graph, tiers(graph) if tier is None else tier)[0]


def _structure(graph: Graph, tier: dict[int, int]) -> tuple[dict[int, int], tuple[Cycle, ...]]:
    """Depths and loops in one go.

    Real chains are almost free of loops. One pass in topological order (Kahn's algorithm)
    settles every node that no loop leads to; strongly connected components are computed only
    for the few nodes left, which are on a loop or below one.
    """
    depth, before, left = _settle_acyclic(graph, tier)
    if not left:
        return depth, ()
    rest = list(nx.strongly_connected_components(graph.subgraph(left)))
    component_of = {node: index for index, component in enumerate(rest) for node in component}
    loops = []
    for component in rest:
        first = min(component)
        if len(component) > 1 or graph.has_edge(first, first):
            loops.append(Cycle(frozenset(component), _shortest_loop(graph, component, first)))
    _settle_components(graph, tier, rest, component_of, before, depth)
    return depth, tuple(sorted(loops, key=lambda c: min(c.members)))


def _settle_acyclic(
    graph: Graph, tier: dict[int, int]
) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    """Kahn's pass: (depth of each settled reachable node, links passed before reaching each
    node from settled parents, the in-degrees of the nodes left: those on or below a loop)."""
    # Plain dicts: views cost several times more here.
    pred, succ = graph._pred, graph._succ  # type: ignore[attr-defined]
    indegree = {node: len(parents) for node, parents in pred.items()}
    before: dict[int, int] = {}
    depth: dict[int, int] = {}
    queue = deque(node for node, d in indegree.items() if d == 0)
    while queue:
        node = queue.popleft()
        del indegree[node]
        reached = node in tier
        if reached:
            depth[node] = before.get(node, 0)
        for child in succ[node]:
            if reached and depth[node] + 1 > before.get(child, -1):
                before[child] = depth[node] + 1
            indegree[child] -= 1
            if indegree[child] == 0:
                queue.append(child)
    return depth, before, indegree


def _settle_components(
    graph: Graph,
    tier: dict[int, int],
    rest: list[set[int]],
    component_of: dict[int, int],
    before: dict[int, int],
    depth: dict[int, int],
) -> None:
    """Kahn's order over the remaining components, each weighing its size; fills depth."""
    succ = graph._succ  # type: ignore[attr-defined]
    start = [max((before.get(n, 0) for n in c), default=0) for c in rest]
    waiting = [0] * len(rest)
    for node, index in component_of.items():
        for child in succ[node]:
            if component_of[child] != index:
                waiting[component_of[child]] += 1
    queue = deque(i for i, w in enumerate(waiting) if w == 0)
    while queue:
        index = queue.popleft()
        members = rest[index]
        reached = next(iter(members)) in tier  # a component is reachable as a whole or not
        if reached:
            for node in members:
                depth[node] = start[index] + len(members) - 1
        targets = [component_of[c] for node in members for c in succ[node]]
        for target in targets:
            if target == index:
                continue
            if reached:
                start[target] = max(start[target], start[index] + len(members))
            waiting[target] -= 1
            if waiting[target] == 0:
                queue.append(target)


def labour_hire_edges(graph: Graph) -> tuple[tuple[int, int], ...]:
    """Links over which workers are supplied by an agency or intermediary."""
    return tuple(
        sorted(
            (u, v)
            # graph._succ: a plain dict; edge views cost far more
            for u, children in graph._succ.items()  # type: ignore[attr-defined]
            for v, attributes in children.items()
            if attributes.get("relation") == LABOUR_HIRE
        )
    )


def downstream(graph: Graph, sources: Iterable[int]) -> frozenset[int]:
    """The sources and every node reachable from them (one multi-source BFS)."""
    seen = set(sources)
    queue = deque(seen)
    succ = graph._succ  # type: ignore[attr-defined]
    while queue:
        for child in succ[queue.popleft()]:
            if child not in seen:
                seen.add(child)
                queue.append(child)
    return frozenset(seen)


def intermediary_chains(
    graph: Graph,
    agencies: Collection[int],
    hire: Iterable[tuple[int, int]] | None = None,
) -> tuple[tuple[int, ...], ...]:
    """Labour that passes through more than one intermediary.

    (u, v): agency u gets its workers from agency v; (u, v, w): labour hire u -> v is itself
    fed by labour hire v -> w. hire: the labour-hire links, when they are known already.
    """
    found: set[tuple[int, ...]] = set()
    for u, v in labour_hire_edges(graph) if hire is None else hire:
        if u in agencies and v in agencies:
            found.add((u, v))
        for w, attributes in graph[v].items():
            if attributes.get("relation") == LABOUR_HIRE:
                found.add((u, v, w))
    return tuple(sorted(found))


def unreachable(graph: Graph, tier: dict[int, int] | None = None) -> frozenset[int]:
    """Suppliers with no chain of links from the organisation."""
    tier = tiers(graph) if tier is None else tier
    return frozenset(n for n in graph if n not in tier)


def paths_to(graph: Graph, node: int, limit: int = 25) -> tuple[list[list[int]], bool]:
    """Up to limit simple paths from the organisation to node, shortest first, and whether
    there were more. Only the node's ancestors are searched."""
    if node not in graph or node == ROOT:
        return [], False
    ancestors = nx.ancestors(graph, node)
    if ROOT not in ancestors:
        return [], False
    relevant = graph.subgraph(ancestors | {node})
    found = list(itertools.islice(nx.shortest_simple_paths(relevant, ROOT, node), limit + 1))
    return found[:limit], len(found) > limit


def retier(
    region: Collection[int],
    links: Iterable[tuple[int, int]],
    tier: Mapping[int, int],
) -> dict[int, int] | None:
    """The tiers of a region's nodes after the links into it changed, from those links alone.

    region: nodes closed downwards (every child of a member is a member); links: every link
    into a member, (parent or ROOT, child); tier: the tiers of the reached parents outside the
    region, which no change inside it can move. Returns the members that are reached, with
    their tiers, or None where the region holds a loop (its members settle in no order).
    """
    members = set(region)
    parents: dict[int, list[int]] = {node: [] for node in members}
    children: dict[int, list[int]] = {node: [] for node in members}
    waiting = dict.fromkeys(members, 0)
    for parent, child in links:
        parents[child].append(parent)
        if parent in members:
            children[parent].append(child)
            waiting[child] += 1
    queue = deque(node for node, n in waiting.items() if n == 0)
    found: dict[int, int] = {}
    settled = 0
    while queue:
        node = queue.popleft()
        settled += 1
        reached = [found[p] for p in parents[node] if p in found]
        reached += [tier[p] for p in parents[node] if p not in members and p in tier]
        if reached:
            found[node] = min(reached) + 1
        for child in children[node]:
            waiting[child] -= 1
            if waiting[child] == 0:
                queue.append(child)
    return found if settled == len(members) else None


def analyse(graph: Graph, agencies: Collection[int] = ()) -> ChainAnalysis:
    """Everything the risk rules and the chain view need from the structure, in one pass."""
    tier = tiers(graph)
    hire = labour_hire_edges(graph)
    depth, loops = _structure(graph, tier)
    return ChainAnalysis(
        tier=tier,
        depth=depth,
        cycles=loops,
        unreachable=unreachable(graph, tier),
        labour_hire_edges=hire,
        labour_hire_reach=downstream(graph, (v for _u, v in hire)),
        intermediary_chains=intermediary_chains(graph, agencies, hire),
    )


def iter_fan(graph: Graph) -> Iterator[tuple[int, int, int]]:
    """(node, fan-in, fan-out) for every supplier: how many buy from it, how many it uses."""
    for node in graph:
        if node != ROOT:
            yield node, graph.in_degree(node), graph.out_degree(node)
