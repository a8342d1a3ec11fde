"""A layered drawing of the chain: the organisation on the left, one column per tier.

Pure: it takes the graph, its analysis and a little text per supplier, and returns shapes
with coordinates. The same shapes are drawn as SVG in the page and in the PDF report.
Above a size where single boxes stop being readable, suppliers are grouped by tier and
sector, and each group links to a filtered view of its members.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from .graph import LABOUR_HIRE, ROOT, Cycle, Graph

BOX_W, BOX_H = 210, 40
COL_GAP, ROW_GAP = 90, 14
MARGIN = 24
HEADER = 30
MAX_NODES = 300  # above this, draw groups instead of single suppliers
MAX_GROUPS = 120  # above this many (tier, sector) groups, group by tier alone
ALL = "*"  # the section of a group of a whole tier
_OUT = ("",)  # the group of a supplier not shown


class Structure(Protocol):
    """What the layout needs of the chain's analysis (graph.ChainAnalysis, outline.Outline)."""

    @property
    def tier(self) -> Mapping[int, int]: ...

    @property
    def cycles(self) -> tuple[Cycle, ...]: ...


@dataclass(frozen=True)
class NodeInfo:
    name: str
    code: str
    country: str
    sector: str
    is_agency: bool


@dataclass(frozen=True)
class MapNode:
    key: str  # "root", "s<id>" or "g<tier>-<section>"
    label: str
    detail: str
    x: int
    y: int
    kind: str  # root | company | agency | group
    supplier_id: int | None = None
    members: int = 1
    tier: int | None = None
    section: str | None = None
    on_cycle: bool = False
    search: str = ""


@dataclass(frozen=True)
class MapEdge:
    source: str
    target: str
    path: str  # SVG path data
    relation: str
    backwards: bool  # goes to the same or an earlier column (a loop or a shortcut upwards)
    count: int = 1


@dataclass(frozen=True)
class ChainMap:
    width: int
    height: int
    columns: tuple[tuple[int, int], ...]  # (x, tier); tier -1 is "not linked"
    nodes: tuple[MapNode, ...]
    edges: tuple[MapEdge, ...]
    grouped: bool
    total: int  # suppliers in the chain before filtering
    box_width: int = BOX_W
    box_height: int = BOX_H


def _column_x(column: int) -> int:
    return MARGIN + column * (BOX_W + COL_GAP)


def _edge_path(a: MapNode, b: MapNode) -> tuple[str, bool]:
    x1, y1 = a.x + BOX_W, a.y + BOX_H // 2
    x2, y2 = b.x, b.y + BOX_H // 2
    if x2 > x1:
        mid = (x1 + x2) // 2
        return f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}", False
    # Backwards: leave from the right, loop round, and come in from the left.
    bend = max(40, abs(y2 - y1) // 3)
    return (f"M{x1},{y1} C{x1 + bend},{y1 - bend} {x2 - bend},{y2 - bend} {x2},{y2}", True)


def _order_columns(
    graph: Graph, columns: dict[int, list[int]], info: Mapping[int, NodeInfo]
) -> dict[int, list[int]]:
    """Order each column by the average row of its parents (one left-to-right sweep)."""
    row: dict[int, float] = {ROOT: 0.0}
    ordered: dict[int, list[int]] = {}
    for column in sorted(columns):

        def weight(node: int) -> tuple[float, str]:
            parents = [row[p] for p in graph.predecessors(node) if p in row]
            centre = sum(parents) / len(parents) if parents else float("inf")
            return centre, info[node].name.casefold() if node in info else ""

        ordered[column] = sorted(columns[column], key=weight)
        for index, node in enumerate(ordered[column]):
            row[node] = float(index)
    return ordered


def layout(
    graph: Graph,
    analysis: Structure,
    info: Mapping[int, NodeInfo],
    organisation: str,
    visible: set[int] | None = None,
) -> ChainMap:
    """Place every supplier (or only `visible` ones) in its tier's column; above MAX_NODES,
    draw groups."""
    suppliers = [n for n in graph if n != ROOT]
    shown = set(suppliers) if visible is None else set(visible) & set(suppliers)
    if len(shown) > MAX_NODES:
        kinds = {n: (info[n].sector[:1] or "?", info[n].is_agency) for n in shown}
        counts = group_counts(list(graph.edges(data="relation")), analysis.tier, kinds)
        return grouped(counts, organisation, len(suppliers))
    return detailed(graph, analysis, info, organisation, shown, len(suppliers))


def detailed(
    graph: Graph,
    analysis: Structure,
    info: Mapping[int, NodeInfo],
    organisation: str,
    shown: set[int],
    total: int,
) -> ChainMap:
    """One box per supplier in shown. graph needs only the links into shown suppliers."""
    columns: dict[int, list[int]] = defaultdict(list)
    for node in shown:
        columns[analysis.tier.get(node, -1)].append(node)
    last = max((c for c in columns if c >= 0), default=0)
    placed = {-1: last + 1} if -1 in columns else {}
    ordered = _order_columns(graph, columns, info)
    on_cycle = set().union(*(c.members for c in analysis.cycles)) if analysis.cycles else set()
    nodes = {"root": MapNode("root", organisation, "", _column_x(0), MARGIN + HEADER, "root")}
    for column, members in ordered.items():
        x = _column_x(placed.get(column, column))
        for index, node in enumerate(members):
            item = info[node]
            nodes[f"s{node}"] = MapNode(
                key=f"s{node}",
                label=item.name,
                detail=" · ".join(p for p in (item.code, item.country, item.sector) if p),
                x=x,
                y=MARGIN + HEADER + index * (BOX_H + ROW_GAP),
                kind="agency" if item.is_agency else "company",
                supplier_id=node,
                tier=analysis.tier.get(node),
                on_cycle=node in on_cycle,
                search=f"{item.name} {item.code}".casefold(),
            )
    edges = []
    relation: str
    for u, v, relation in graph.edges(data="relation"):
        a, b = ("root" if u == ROOT else f"s{u}"), f"s{v}"
        if a in nodes and b in nodes:
            path, backwards = _edge_path(nodes[a], nodes[b])
            edges.append(MapEdge(a, b, path, relation, backwards))
    return _finish(nodes, edges, columns, placed, grouped=False, total=total)


def _finish(
    nodes: dict[str, MapNode],
    edges: list[MapEdge],
    columns: Mapping[int, object],
    placed: Mapping[int, int],
    grouped: bool,
    total: int,
) -> ChainMap:
    width = max(n.x for n in nodes.values()) + BOX_W + MARGIN
    height = max(n.y for n in nodes.values()) + BOX_H + MARGIN
    heads = [(_column_x(0), 0)] + [(_column_x(placed.get(c, c)), c) for c in sorted(columns)]
    return ChainMap(
        width=width,
        height=height,
        columns=tuple(heads),
        nodes=tuple(nodes.values()),
        edges=tuple(sorted(edges, key=lambda e: (e.relation == LABOUR_HIRE, e.source, e.target))),
        grouped=grouped,
        total=total,
    )


@dataclass
class GroupCounts:
    """Suppliers and agencies per (tier, section) group, and links between groups."""

    members: dict[tuple[int, str], list[int]] = field(default_factory=dict)  # [suppliers, agencies]
    links: dict[tuple[tuple[int, str] | None, tuple[int, str], str], int] = field(
        default_factory=dict
    )  # (from group or None for the organisation, to group, relation) -> links


def group_counts(
    links: Collection[tuple[int | None, int, str]],
    tier: Mapping[int, int],
    kinds: Mapping[int, tuple[str, bool]],
) -> GroupCounts:
    """Count the suppliers in kinds ({id: (NACE section or "?", is an agency)}) by tier and
    section, and the links between their groups: links from ROOT (or None) too, links from or
    to suppliers not in kinds left out."""
    counts = GroupCounts()
    group_of: dict[int | None, tuple[int, str] | None] = {
        node: (tier.get(node, -1), section) for node, (section, _agency) in kinds.items()
    }
    members = Counter(group_of.values())
    agencies = Counter(group_of[node] for node, (_s, agency) in kinds.items() if agency)
    counts.members = {key: [n, agencies[key]] for key, n in members.items() if key}
    group_of[ROOT] = group_of[None] = None
    parents, children, relations = zip(*links, strict=True) if links else ((), (), ())
    find = group_of.get
    # Counted in C: 100k links in a few milliseconds.
    out = itertools.repeat(_OUT)
    ends = zip(map(find, parents, out), map(find, children, out), relations, strict=True)
    between = Counter(ends)
    for (a, b, relation), count in between.items():
        if b is not _OUT and a is not _OUT and a != b:
            counts.links[(a, b, relation)] = count  # type: ignore[index]
    return counts


def _by_tier(counts: GroupCounts) -> GroupCounts:
    """The same counts with one group per tier (section ALL)."""
    merged = GroupCounts()
    for (tier, _section), (members, agencies) in counts.members.items():
        found = merged.members.setdefault((tier, ALL), [0, 0])
        found[0] += members
        found[1] += agencies
    for (a, b, relation), count in counts.links.items():
        key = (None if a is None else (a[0], ALL), (b[0], ALL), relation)
        if key[0] != key[1]:
            merged.links[key] = merged.links.get(key, 0) + count
    return merged


def _group_name(key: tuple[int, str] | None) -> str:
    return "root" if key is None else f"g{key[0]}-{key[1]}"


def grouped(counts: GroupCounts, organisation: str, total: int) -> ChainMap:
    """One box per (tier, NACE section), or per tier when those are more than MAX_GROUPS, with
    the number of suppliers and of links between."""
    if len(counts.members) > MAX_GROUPS:
        counts = _by_tier(counts)
    columns: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for key in counts.members:
        columns[key[0]].append(key)
    last = max((c for c in columns if c >= 0), default=0)
    placed = {-1: last + 1} if -1 in columns else {}
    nodes = {"root": MapNode("root", organisation, "", _column_x(0), MARGIN + HEADER, "root")}
    for column, keys in columns.items():
        x = _column_x(placed.get(column, column))
        for index, key in enumerate(sorted(keys, key=lambda k: (-counts.members[k][0], k[1]))):
            name = _group_name(key)
            nodes[name] = MapNode(
                key=name,
                label=key[1],
                detail=str(counts.members[key][1]),
                x=x,
                y=MARGIN + HEADER + index * (BOX_H + ROW_GAP),
                kind="group",
                members=counts.members[key][0],
                tier=key[0],
                section=key[1],
            )
    edges = []
    for (a, b, relation), count in counts.links.items():
        path, backwards = _edge_path(nodes[_group_name(a)], nodes[_group_name(b)])
        edges.append(MapEdge(_group_name(a), _group_name(b), path, relation, backwards, count))
    return _finish(nodes, edges, columns, placed, grouped=True, total=total)
