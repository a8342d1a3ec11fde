"""What the rules read and what they raise: plain, frozen values, no database.

RiskInputs is everything an assessment looks at, read once from the database (see inputs.py);
a Finding is one flag, with its evidence as JSON-ready data so that it can be stored, compared
between runs and explained later in any language.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

import networkx as nx

from ..chain.graph import ROOT, ChainAnalysis
from ..ilo import IloIndicator
from ..models import Severity

_JSON = json.JSONEncoder(separators=(",", ":"), default=str, ensure_ascii=False)


@dataclass(frozen=True)
class SupplierFacts:
    code: str
    name: str
    registration_no: str
    country: str
    sector: str
    is_agency: bool
    employees: int | None


@dataclass(frozen=True)
class LinkFacts:
    relation: str
    workers: int | None
    contract_value_eur: Decimal | None
    labour_hours: Decimal | None


@dataclass(frozen=True)
class ResponseFacts:
    """A supplier's latest submitted answers, with the definition they answered."""

    questionnaire: Any  # questionnaires.schema.Questionnaire
    answers: Mapping[str, Any]


@dataclass(frozen=True)
class InvitationFacts:
    """A supplier's latest invitation: when it was due and whether it was answered."""

    deadline: datetime
    submitted: bool
    revoked: bool


@dataclass(frozen=True)
class RiskInputs:
    graph: nx.DiGraph  # confirmed links; node 0 is the organisation
    analysis: ChainAnalysis
    suppliers: Mapping[int, SupplierFacts]
    links: Mapping[tuple[int, int], LinkFacts]  # (parent or 0, child)
    responses: Mapping[int, ResponseFacts]
    invitations: Mapping[int, InvitationFacts]
    now: datetime
    home_country: str = ""  # the organisation's own country, for cross-border work

    @cached_property
    def _parent(self) -> dict[int, int]:
        """Each reachable node's parent on a shortest path: the lowest id where several tie, so
        that the same chain always gives the same evidence."""
        tier = self.analysis.tier
        graph = self.graph
        return {
            node: min(p for p in graph.predecessors(node) if tier.get(p) == depth - 1)
            for node, depth in tier.items()
            if node != ROOT
        }

    def path_to(self, node: int) -> list[int]:
        """The shortest path from the organisation (0) to node; [node] if it is not reachable."""
        parent = self._parent
        path = [node]
        while path[-1] in parent:
            path.append(parent[path[-1]])
        return path[::-1]


@dataclass(frozen=True)
class Finding:
    """One flag: which rule, about which supplier (None: the organisation), how serious, why.

    `params` fill the rule's explanation; `evidence` is one of {"path": [ids from the
    organisation]}, {"answers": [...]} or {"facts": {...}}. `indicator` names the risk indicator
    (the rule id itself for structural rules, the questionnaire's indicator for answers).
    """

    rule: str
    supplier_id: int | None
    severity: Severity
    evidence: Mapping[str, Any]
    params: Mapping[str, Any] = field(default_factory=dict)
    indicator: str = ""
    ilo: tuple[IloIndicator, ...] = ()
    guide: tuple[str, ...] = ()

    @cached_property
    def evidence_json(self) -> str:
        """The evidence as JSON: the fingerprint and the stored flag share it. The rules build
        evidence in a fixed key order, so the text is the same in every run."""
        if len(self.evidence) == 1 and "path" in self.evidence:  # most flags: a path of ids
            return '{"path":[' + ",".join(map(str, self.evidence["path"])) + "]}"
        return _JSON.encode(self.evidence)

    @cached_property
    def fingerprint(self) -> str:
        """The same rule, supplier and evidence give the same flag in every run."""
        key = f"{self.rule}|{self.indicator}|{self.supplier_id}|{self.evidence_json}"
        return hashlib.sha256(key.encode()).hexdigest()

    def stored_json(self) -> str:
        """What is kept of the flag besides its columns, built around the evidence's JSON."""
        rest = _JSON.encode(
            {"params": self.params, "ilo": [i.value for i in self.ilo], "guide": list(self.guide)}
        )
        return '{"evidence":' + self.evidence_json + "," + rest[1:]
