"""Hand-built chains for rule tests: RiskInputs without a database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from supplychain.chain.graph import analyse, build_graph
from supplychain.risk.findings import (
    CaseFacts,
    CheckInGroup,
    InvitationFacts,
    LinkFacts,
    ResponseFacts,
    RiskInputs,
    ScreeningFacts,
    SiteFacts,
    SupplierFacts,
)
from supplychain.voice.checkin import tally

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def supplier(n: int, **overrides: Any) -> SupplierFacts:
    values = {
        "code": f"S{n}",
        "name": f"Supplier {n} SIA",
        "registration_no": f"4000{n:07d}",
        "country": "LV",
        "sector": "",
        "is_agency": False,
        "employees": 10,
    }
    values.update(overrides)
    return SupplierFacts(**values)


def chain(
    edges: Iterable[tuple],
    *,
    suppliers: Mapping[int, Mapping[str, Any]] | None = None,
    responses: Mapping[int, ResponseFacts] | None = None,
    invitations: Mapping[int, InvitationFacts] | None = None,
    home_country: str = "LV",
    disclosed: Mapping[int, tuple[tuple[int, str], ...]] | None = None,
    screening: Mapping[int, tuple[ScreeningFacts, ...]] | None = None,
    worker_cases: Mapping[int, tuple[CaseFacts, ...]] | None = None,
    check_ins: Mapping[int | None, list[dict[str, str]]] | None = None,
) -> RiskInputs:
    """edges: (parent, child[, relation[, workers[, value_eur[, hours]]]]); parent 0 is you.
    check_ins: the answers of the workers on one site, "Riga Tower" (id 1, with every supplier
    placed on it), by the employer they named (None: "I don't know")."""
    rows = []
    links = {}
    for edge in edges:
        defaults = ("subcontract", None, None, None)
        parent, child, relation, workers, value, hours = (*edge, *defaults[len(edge) - 2 :])
        rows.append((None if parent == 0 else parent, child, relation))
        links[(parent, child)] = LinkFacts(
            relation,
            workers,
            Decimal(str(value)) if value is not None else None,
            Decimal(str(hours)) if hours is not None else None,
        )
    graph = build_graph(rows)
    overrides = suppliers or {}
    facts = {n: supplier(n, **overrides.get(n, {})) for n in graph if n != 0}
    for n, extra in overrides.items():
        if n not in facts:
            facts[n] = supplier(n, **extra)
            graph.add_node(n)
    agencies = {n for n, s in facts.items() if s.is_agency}
    return RiskInputs(
        graph=graph,
        analysis=analyse(graph, agencies),
        suppliers=facts,
        links=links,
        responses=responses or {},
        invitations=invitations or {},
        now=NOW,
        home_country=home_country,
        disclosed=disclosed or {},
        screening=screening or {},
        worker_cases=worker_cases or {},
        sites={1: SiteFacts("Riga Tower", "ABCD2345", tuple(sorted(facts)))} if check_ins else {},
        check_ins=tuple(
            CheckInGroup(1, employer, tally(answers)) for employer, answers in check_ins.items()
        )
        if check_ins
        else (),
    )
