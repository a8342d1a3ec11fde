"""Running the rules, and the exposure each supplier carries. Pure: inputs in, values out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from ..chain.graph import ROOT
from ..models import Severity
from .findings import Finding, RiskInputs
from .rules import RULES, Rule

# How likely a flag of each severity means something is really wrong: our own weights,
# documented in docs/risk.md. Scores combine them as independent chances.
WEIGHTS = {
    Severity.LOW: 0.05,
    Severity.MEDIUM: 0.15,
    Severity.HIGH: 0.35,
    Severity.CRITICAL: 0.7,
}


def thresholds_for(rule: Rule, overrides: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """A rule's thresholds with the organisation's own values over the defaults."""
    own = overrides.get(rule.id, {})
    return {key: own.get(key, default) for key, default in rule.thresholds.items()}


def evaluate(
    inputs: RiskInputs,
    rules: Mapping[str, Rule] = RULES,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Finding]:
    """Every rule's findings, each flag once, in rule order."""
    seen: set[str] = set()
    found = []
    for rule in rules.values():
        for finding in rule.check(inputs, thresholds_for(rule, overrides or {})):
            key = finding.fingerprint
            if key not in seen:
                seen.add(key)
                found.append(finding)
    return found


@dataclass(frozen=True)
class Exposure:
    """own: the risk of the supplier itself; carried: the worst risk in it or anywhere below it
    (both 0-100)."""

    own: int
    carried: int


def exposure(graph: nx.DiGraph, findings: Iterable[Finding]) -> dict[int, Exposure]:
    """Each supplier's own risk from its flags, and the worst risk it carries from below.

    own = 1 - prod(1 - weight) over its flags; carried = the largest own risk in the supplier
    and everything below it. A maximum, not a sum: in a big chain a sum would call every
    large subtree 100 and stop telling one from another. Companies on a loop share it.
    """
    own_chance: dict[int, float] = {}
    for finding in findings:
        if finding.supplier_id is not None:
            keep = own_chance.get(finding.supplier_id, 1.0)
            own_chance[finding.supplier_id] = keep * (1 - WEIGHTS[finding.severity])
    component_of: dict[int, int] = {}
    members: list[list[int]] = []
    for index, component in enumerate(nx.strongly_connected_components(graph)):
        members.append(list(component))
        for node in component:
            component_of[node] = index
    # Kahn's order over the components, then fold upwards from the bottom of the chain.
    below: list[set[int]] = [set() for _ in members]
    pending = [0] * len(members)
    for u, v in graph.edges():
        cu, cv = component_of[u], component_of[v]
        if cu != cv and cv not in below[cu]:
            below[cu].add(cv)
            pending[cv] += 1
    order = [c for c in range(len(members)) if pending[c] == 0]
    for c in order:
        for d in below[c]:
            pending[d] -= 1
            if pending[d] == 0:
                order.append(d)
    own = {node: 1 - own_chance.get(node, 1.0) for node in graph}
    worst: list[float] = [0.0] * len(members)
    for c in reversed(order):
        worst[c] = max([own[n] for n in members[c]] + [worst[d] for d in below[c]])
    return {
        node: Exposure(own=round(100 * own[node]), carried=round(100 * worst[component_of[node]]))
        for node in graph
        if node != ROOT
    }
