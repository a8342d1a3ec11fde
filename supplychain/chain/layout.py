"""A layered drawing of the chain: the organisation on the left, one column per tier.

Pure: it takes the graph, its analysis and a little text per supplier, and returns shapes
with coordinates. The same shapes are drawn as SVG in the page and in the PDF report.
Above a size where single boxes stop being readable, suppliers are grouped by tier and
sector, and each group links to a filtered view of its members.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from .graph import LABOUR_HIRE, ROOT, ChainAnalysis, Graph

BOX_W, BOX_H = 210, 40
COL_GAP, ROW_GAP = 90, 14
MARGIN = 24
HEADER = 30
MAX_NODES = 300  # above this, draw groups instead of single suppliers


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
    analysis: ChainAnalysis,
    info: Mapping[int, NodeInfo],
    organisation: str,
    visible: set[int] | None = None,
) -> ChainMap:
    """Place every supplier (or only `visible` ones) in its tier's column."""
    suppliers = [n for n in graph if n != ROOT]
    shown = set(suppliers) if visible is None else set(visible) & set(suppliers)
    if len(shown) > MAX_NODES:
        return _grouped(graph, analysis, info, organisation, shown, len(suppliers))
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
    return _finish(nodes, edges, columns, placed, grouped=False, total=len(suppliers))


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


def _grouped(
    graph: Graph,
    analysis: ChainAnalysis,
    info: Mapping[int, NodeInfo],
    organisation: str,
    shown: set[int],
    total: int,
) -> ChainMap:
    """One box per (tier, NACE section), with the number of suppliers and of links between."""
    group_of: dict[int, tuple[int, str]] = {}
    members: dict[tuple[int, str], list[int]] = defaultdict(list)
    for node in shown:
        key = (analysis.tier.get(node, -1), (info[node].sector[:1] or "?"))
        group_of[node] = key
        members[key].append(node)
    columns: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for key in members:
        columns[key[0]].append(key)
    last = max((c for c in columns if c >= 0), default=0)
    placed = {-1: last + 1} if -1 in columns else {}
    nodes = {"root": MapNode("root", organisation, "", _column_x(0), MARGIN + HEADER, "root")}
    for column, keys in columns.items():
        x = _column_x(placed.get(column, column))
        for index, key in enumerate(sorted(keys, key=lambda k: (-len(members[k]), k[1]))):
            agencies = sum(1 for n in members[key] if info[n].is_agency)
            name = f"g{key[0]}-{key[1]}"
            nodes[name] = MapNode(
                key=name,
                label=key[1],
                detail=str(agencies),
                x=x,
                y=MARGIN + HEADER + index * (BOX_H + ROW_GAP),
                kind="group",
                members=len(members[key]),
                tier=key[0],
                section=key[1],
            )
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    relation: str
    for u, v, relation in graph.edges(data="relation"):
        if v not in group_of or (u != ROOT and u not in group_of):
            continue
        a = "root" if u == ROOT else "g{}-{}".format(*group_of[u])
        b = "g{}-{}".format(*group_of[v])
        if a != b:
            counts[(a, b, relation)] += 1
    edges = []
    for (a, b, relation), count in counts.items():
        path, backwards = _edge_path(nodes[a], nodes[b])
        edges.append(MapEdge(a, b, path, relation, backwards, count))
    return _finish(nodes, edges, columns, placed, grouped=True, total=total)
