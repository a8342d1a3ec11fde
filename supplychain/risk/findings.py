"""What the rules read and what they raise: plain, frozen values, no database.

RiskInputs is everything an assessment looks at, read once from the database (see inputs.py);
a Finding is one flag, with its evidence as JSON-ready data so that it can be stored, compared
between runs and explained later in any language.
"""

from __future__ import annotations

import hashlib
import json
import json.encoder
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import Any, NamedTuple, NewType

from ..chain.graph import ROOT, ChainAnalysis, Graph, build_graph
from ..vocab import IloIndicator, Severity
from ..voice.checkin import Tally

_JSON = json.JSONEncoder(separators=(",", ":"), default=str, ensure_ascii=False)
# _JSON's C encoder, made once: JSONEncoder.encode builds one per call, which costs more than
# the encoding of a flag's small evidence. For a dict or a list it writes what _JSON.encode
# writes (a test compares them); without the check for circular values, which evidence has not.
_C_ENCODE = json.encoder.c_make_encoder  # type: ignore[attr-defined]
_FAST = (
    _C_ENCODE(None, str, json.encoder.c_encode_basestring, None, ":", ",", False, False, True)  # type: ignore[attr-defined]
    if _C_ENCODE is not None
    else None
)


class SupplierFacts(NamedTuple):
    """A supplier as the rules read it (a named tuple: 100k of them are built per run)."""

    code: str
    name: str
    registration_no: str
    country: str
    sector: str
    is_agency: bool
    employees: int | None


class LinkFacts(NamedTuple):
    relation: str
    workers: int | None
    contract_value_eur: Decimal | None
    labour_hours: Decimal | None
    work_country: str = ""  # where the work is done, if not the organisation's own country
    start_date: date | None = None  # the contract's dates, where known: they choose the months
    end_date: date | None = None  # whose normal hours give a monthly minimum's hourly floor


@dataclass(frozen=True)
class ResponseFacts:
    """A supplier's latest submitted answers, with the definition they answered."""

    questionnaire: Any  # questionnaires.schema.Questionnaire
    answers: Mapping[str, Any]


class ScreeningFacts(NamedTuple):
    """The latest check of one screening item of a supplier, as it stands on the run's day."""

    pack: str
    item: str
    state: str  # screening.state.State: passed | due_soon | failed | expired | not_applicable
    result: str
    checked_on: str  # ISO dates: the evidence keeps them as text
    checked_by: str
    valid_until: str


class CaseFacts(NamedTuple):
    """A worker's report an officer confirmed, about a supplier the case concerns."""

    case: int  # the case's id
    site: str  # the site's name
    indicators: tuple[str, ...]  # the ILO indicator ids the officer confirmed
    status: str  # vocab.CaseStatus: received | acknowledged | under_way | closed


class SiteFacts(NamedTuple):
    """A site whose workers' channel runs (not archived), with the suppliers placed on it."""

    name: str
    code: str
    suppliers: tuple[int, ...]


class CheckInGroup(NamedTuple):
    """The check-ins of one site's workers who named one employer (None: "I don't know"), of
    the last voice.checkin.CHECK_IN_MONTHS, counted."""

    site_id: int
    supplier_id: int | None
    tally: Tally


@dataclass(frozen=True)
class InvitationFacts:
    """A supplier's latest invitation: when it was due and whether it was answered."""

    deadline: datetime
    submitted: bool
    revoked: bool


@dataclass(frozen=True)
class RiskInputs:
    graph: Graph  # confirmed links; node 0 is the organisation
    analysis: ChainAnalysis
    suppliers: Mapping[int, SupplierFacts]
    links: Mapping[tuple[int, int], LinkFacts]  # (parent or 0, child)
    responses: Mapping[int, ResponseFacts]
    invitations: Mapping[int, InvitationFacts]
    now: datetime
    home_country: str = ""  # the organisation's own country, for cross-border work
    # Links a supplier disclosed that no officer has confirmed or rejected yet, by the supplier
    # that disclosed them: (child, relation) pairs.
    disclosed: Mapping[int, tuple[tuple[int, str], ...]] = field(default_factory=dict)
    # The latest check of each screening item that applies to a supplier, by supplier.
    screening: Mapping[int, tuple[ScreeningFacts, ...]] = field(default_factory=dict)
    # Workers' reports an officer confirmed (with indicators), by the supplier each concerns.
    worker_cases: Mapping[int, tuple[CaseFacts, ...]] = field(default_factory=dict)
    # The sites whose channel runs, by id, and their workers' check-ins by site and employer.
    sites: Mapping[int, SiteFacts] = field(default_factory=dict)
    check_ins: tuple[CheckInGroup, ...] = ()

    def without_graph(self) -> RiskInputs:
        """The same facts and analysis with an empty graph, and none of what was derived from
        the graph for the rules (paths, edges): enough to keep a run once its rules and scores
        are done, without holding the graph (~80 MB at 100k suppliers) while its rows are
        written."""
        return replace(self, graph=build_graph(()))

    @cached_property
    def _parent(self) -> dict[int, int]:
        """Each reachable node's parent on a shortest path: the lowest id where several tie, so
        that the same chain always gives the same evidence."""
        tier = self.analysis.tier
        pred = self.graph._pred  # type: ignore[attr-defined]
        return {
            node: min(p for p in pred[node] if tier.get(p) == depth - 1)
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

    @cached_property
    def edges(self) -> list[tuple[int, int, str]]:
        """(parent, child, relation) of every link, in the graph's order, read once for the
        rules that walk all links (networkx's edge views cost several times more)."""
        return [
            (parent, child, attributes.get("relation", ""))
            for parent, children in self.graph._succ.items()  # type: ignore[attr-defined]
            for child, attributes in children.items()
        ]

    def path_evidence(self, node: int) -> Encoded:
        """{"path": path_to(node)} as evidence: one text per node, which every flag with this
        evidence shares (no list per node, and no second text of the path beside it)."""
        return self._path_evidence[node]

    @cached_property
    def _path_evidence(self) -> dict[int, Encoded]:
        """path_evidence of every reachable node, each built from its parent's in one
        concatenation (deep chains' paths are long: at 100k suppliers these texts take
        tens of MB, so they are made once, for the evidence itself)."""
        parent = self._parent
        text = {ROOT: Encoded(f'{{"path":[{ROOT}]}}')}
        for node in sorted(parent, key=self.analysis.tier.__getitem__):
            text[node] = Encoded(f"{text[parent[node]][:-2]},{node}]}}")  # ...,parent]} + node
        return text


# An evidence or params value already written as the stored JSON: made by shared(),
# link_evidence() and RiskInputs.path_evidence, never by hand, so that its text is always what
# the value would encode to. Findings and the flag set take it as it is instead of encoding it
# again. A plain str at run time (evidence and params are otherwise mappings, so a str can only
# be one of these), kept apart from other text by the type checker.
Encoded = NewType("Encoded", str)


# Evidence or params: the value, or its JSON made by shared() or RiskInputs.path_evidence.
Value = Mapping[str, Any] | Encoded


class Finding:
    """One flag: which rule, about which supplier (None: the organisation), how serious, why.

    `params` fill the rule's explanation; `evidence` is one of {"path": [ids from the
    organisation]}, {"answers": [...]} or {"facts": {...}}. `indicator` names the risk indicator
    (the rule id itself for structural rules, the questionnaire's indicator for answers).

    Evidence and params may also be Encoded values (shared(), RiskInputs.path_evidence): their
    JSON is then taken as it is and the values read back from it only when asked for. A plain
    class with slots: a large chain raises half a million.
    """

    __slots__ = (
        "rule",
        "supplier_id",
        "severity",
        "indicator",
        "ilo",
        "guide",
        "_evidence",
        "_params",
        "_evidence_json",
        "_params_json",
        "_fingerprint",
    )

    def __init__(
        self,
        rule: str,
        supplier_id: int | None,
        severity: Severity,
        evidence: Value | None = None,
        params: Value | None = None,
        indicator: str = "",
        ilo: tuple[IloIndicator, ...] = (),
        guide: tuple[str, ...] = (),
        *,
        evidence_json: str | None = None,
        params_json: str | None = None,
    ) -> None:
        self.rule, self.supplier_id, self.severity = rule, supplier_id, severity
        self.indicator, self.ilo, self.guide = indicator, ilo, guide
        if isinstance(evidence, str):  # Encoded
            evidence_json, evidence = evidence, None
        if isinstance(params, str):
            params_json, params = params, None
        self._evidence: Mapping[str, Any] | None = (
            evidence if evidence is not None or evidence_json else {}
        )
        self._params: Mapping[str, Any] | None = params if params is not None or params_json else {}
        self._evidence_json, self._params_json = evidence_json, params_json
        self._fingerprint: str | None = None

    def __repr__(self) -> str:
        return f"Finding({self.rule!r}, {self.supplier_id!r}, {self.severity}, {self.evidence!r})"

    @property
    def evidence(self) -> Mapping[str, Any]:
        if self._evidence is None:
            self._evidence = json.loads(self.evidence_json)
        return self._evidence

    @property
    def params(self) -> Mapping[str, Any]:
        if self._params is None:
            self._params = json.loads(self.params_json)
        return self._params

    @property
    def evidence_json(self) -> str:
        """The evidence as JSON: the fingerprint and the stored flag share it. The rules build
        evidence in a fixed key order, so the text is the same in every run."""
        if self._evidence_json is None:
            self._evidence_json = to_json(self._evidence)
        return self._evidence_json

    @property
    def params_json(self) -> str:
        if self._params_json is None:
            self._params_json = to_json(self._params)
        return self._params_json

    @property
    def fingerprint(self) -> str:
        """The same rule, supplier and evidence give the same flag in every run."""
        if self._fingerprint is None:
            key = f"{self.rule}|{self.indicator}|{self.supplier_id}|{self.evidence_json}"
            self._fingerprint = hashlib.sha256(key.encode()).hexdigest()
        return self._fingerprint

    def stored_json(self) -> str:
        """What is kept of the flag besides its columns, built around the evidence's JSON."""
        return (
            f'{{"evidence":{self.evidence_json},"params":{self.params_json},'
            f"{tail_json(self.ilo, self.guide)}}}"
        )


@lru_cache(maxsize=256)
def tail_json(ilo: tuple[IloIndicator, ...], guide: tuple[str, ...]) -> str:
    """The ILO indicators and guide sections of a stored flag: the same for all of a rule's."""
    return _JSON.encode({"ilo": [i.value for i in ilo], "guide": list(guide)})[1:-1]


def to_json(value: Any) -> str:
    """Any evidence or params value as the stored JSON writes it."""
    kind = type(value)
    if _FAST is not None and (kind is dict or kind is list):
        return "".join(_FAST(value, 0))
    return _JSON.encode(value)


def shared(value: Mapping[str, Any]) -> Encoded:
    """A value that many findings share (one per tier, per sector, per pair of countries),
    encoded once: give it as their evidence or params instead of the value itself."""
    return Encoded(to_json(value))


NO_PARAMS = shared({})


def link_evidence(parent: int, child: int, facts: Encoded) -> Encoded:
    """{"path": [parent, child], "facts": facts} as evidence, with facts that many flags share
    given once through shared()."""
    return Encoded(f'{{"path":[{parent},{child}],"facts":{facts}}}')


class Findings:
    """Many findings of one rule, kept as plain rows: what a rule that flags most suppliers
    returns instead of yielding Finding objects one by one. Make one with rules.findings(rule
    id) and add() to it; iterating gives the Findings it stands for, and the flag set stores
    the rows without building them (FlagSet.add_many).

    evidence and params are values as for Finding; one shared by many flags is best given
    once through shared(), and path evidence through RiskInputs.path_evidence."""

    __slots__ = ("rule", "severity", "ilo", "guide", "rows")

    def __init__(
        self,
        rule: str,
        severity: Severity,
        ilo: tuple[IloIndicator, ...] = (),
        guide: tuple[str, ...] = (),
    ) -> None:
        self.rule, self.severity, self.ilo, self.guide = rule, severity, ilo, guide
        # (supplier id, evidence, params, severity or None for the rule's)
        self.rows: list[tuple[int | None, Value, Value, Severity | None]] = []

    def add(
        self,
        supplier_id: int | None,
        evidence: Value,
        params: Value = NO_PARAMS,
        severity: Severity | None = None,
    ) -> None:
        """One more flag of the rule, about supplier_id (None: the organisation)."""
        self.rows.append((supplier_id, evidence, params, severity))

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Finding]:
        rule, default, ilo, guide = self.rule, self.severity, self.ilo, self.guide
        for supplier_id, evidence, params, severity in self.rows:
            yield Finding(
                rule, supplier_id, severity or default, evidence, params, rule, ilo, guide
            )
