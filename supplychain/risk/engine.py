"""Running the rules, and the exposure each supplier carries. Pure: inputs in, values out."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any, NamedTuple, TypeVar

import networkx as nx

from ..chain.graph import ROOT, Graph
from ..vocab import Severity
from .findings import Finding, Findings, RiskInputs
from .flagset import FlagSet
from .rules import RULES, Rule

# How likely a flag of each severity means something is really wrong: our own weights,
# documented in docs/risk.md. Scores combine them as independent chances.
WEIGHTS = {
    Severity.LOW: 0.05,
    Severity.MEDIUM: 0.15,
    Severity.HIGH: 0.35,
    Severity.CRITICAL: 0.7,
}
# Silence is not safety: until a supplier has answered, what it has not told you counts in its
# own risk as one high risk would, so that the thousands who never answered are not ranked
# safer than the one who answered honestly. No flag is raised for it (the rules unassessed and
# no-response say what is missing); only the score counts it.
SILENCE_WEIGHT = WEIGHTS[Severity.HIGH]

Value = TypeVar("Value", int, float)


def thresholds_for(rule: Rule, overrides: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """A rule's thresholds with the organisation's own values over the defaults."""
    own = overrides.get(rule.id, {})
    return {key: own.get(key, default) for key, default in rule.thresholds.items()}


def evaluate(
    inputs: RiskInputs,
    rules: Mapping[str, Rule] = RULES,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> FlagSet:
    """Every rule's findings, each flag once: the rules that read the chain and the answers in
    rule order, then the rules that read those flags (reads_flags), each over the first pass
    alone, so that no such rule depends on another or on their order."""
    found, own = FlagSet(), overrides or {}
    for rule in rules.values():
        if not rule.reads_flags:
            _keep(found, rule.check(inputs, thresholds_for(rule, own)))
    later = [  # all read before any is kept: each sees the first pass alone
        _listed(rule.check(inputs, thresholds_for(rule, own), found))
        for rule in rules.values()
        if rule.reads_flags
    ]
    for items in later:
        _keep(found, items)
    return found


def _listed(items: Iterable[Finding]) -> Iterable[Finding]:
    """A rule's findings read to the end (a generator would run only once kept)."""
    return items if type(items) is Findings else list(items)


def _keep(found: FlagSet, items: Iterable[Finding]) -> None:
    """Store a rule's findings: a Findings as its rows, anything else Finding by Finding."""
    if type(items) is Findings:
        found.add_many(items)
        return
    for item in items:
        found.add(item)


class Exposure(NamedTuple):
    """own: the risk of the supplier itself; carried: the worst risk in it or anywhere below it
    (both 0-100). A named tuple: one per supplier, 100k in a large chain."""

    own: int
    carried: int


def exposure(
    graph: Graph,
    flags: Iterable[tuple[int | None, Severity]],
    unanswered: Collection[int] = (),
) -> dict[int, Exposure]:
    """Each supplier's own risk from its flags, (supplier id, severity) pairs, and the worst
    risk it carries from below.

    own = 1 - prod(1 - weight) over its flags, and SILENCE_WEIGHT once more for a supplier
    in `unanswered` (no submitted answers); carried = the largest own risk in the supplier
    and everything below it. A maximum, not a sum: in a big chain a sum would call every
    large subtree 100 and stop telling one from another. Companies on a loop share it.
    """
    own_chance: dict[int, float] = dict.fromkeys(unanswered, 1 - SILENCE_WEIGHT)
    keep = {severity: 1 - weight for severity, weight in WEIGHTS.items()}
    for supplier_id, severity in flags:
        if supplier_id is not None:
            own_chance[supplier_id] = own_chance.get(supplier_id, 1.0) * keep[severity]
    own = {node: 1 - own_chance.get(node, 1.0) for node in graph}
    worst = carry(graph, own)
    return {
        node: Exposure(own=round(100 * own[node]), carried=round(100 * worst[node]))
        for node in graph
        if node != ROOT
    }


def carry(graph: Graph, own: Mapping[int, Value]) -> dict[int, Value]:
    """The largest own value in each node and everything below it (own has every node; a
    loop's members share theirs). A part of a chain will do: a node without children in graph
    keeps its own, so the carried value of a node below the part may stand in as its own."""
    # A plain dict: the view costs several times more at 100k nodes.
    succ = graph._succ  # type: ignore[attr-defined]
    worst: dict[int, Value] = {}
    for group in reversed(topological_groups(graph)):
        if isinstance(group, int):  # most nodes: no loop
            carried = own[group]
            for child in succ[group]:
                if worst[child] > carried:
                    carried = worst[child]
            worst[group] = carried
            continue
        carried = max(own[n] for n in group)
        for node in group:
            for child in succ[node]:
                carried = max(carried, worst.get(child, carried))  # unset only inside the group
        for node in group:
            worst[node] = carried
    return worst


def topological_groups(graph: Graph) -> list[int | list[int]]:
    """The nodes, each above everything it links to, with a loop's members as one list.

    One pass of Kahn's algorithm settles every node that no loop leads to; strongly connected
    components are computed only for what is left, which in real chains is little or nothing.
    """
    pred, succ = graph._pred, graph._succ  # type: ignore[attr-defined]
    waiting = {node: len(parents) for node, parents in pred.items()}
    order = [node for node, count in waiting.items() if count == 0]
    for node in order:  # the list grows while it is read: Kahn's queue
        for child in succ[node]:
            waiting[child] -= 1
            if waiting[child] == 0:
                order.append(child)
    groups: list[int | list[int]] = list(order)
    if len(order) < len(waiting):
        settled = set(order)
        rest = nx.condensation(graph.subgraph(n for n in graph if n not in settled))
        groups += [sorted(rest.nodes[c]["members"]) for c in nx.topological_sort(rest)]
    return groups
