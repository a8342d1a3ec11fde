"""The demo chain is realistic enough to show every structural risk the product looks for."""

from __future__ import annotations

import networkx as nx
from sqlmodel import select

from supplychain.demo import load_demo
from supplychain.models import Link, Relation, Supplier, SupplierKind
from supplychain.risk import jobs as risk_jobs


def test_demo_chain_shape(session):
    summary = load_demo(session=session, password="demo passphrase 1")
    suppliers = {s.id: s for s in session.exec(select(Supplier))}
    links = session.exec(select(Link)).all()
    assert summary.suppliers == len(suppliers) >= 40
    graph = nx.DiGraph()
    graph.add_edges_from(
        ("ROOT" if k.parent_id is None else k.parent_id, k.child_id) for k in links
    )
    tiers = nx.single_source_shortest_path_length(graph, "ROOT")
    assert set(tiers) == {"ROOT", *suppliers}, "every supplier is reachable from the organisation"
    assert max(tiers.values()) >= 4
    cycles = [c for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert len(cycles) == 1
    agencies = {i for i, s in suppliers.items() if s.kind == SupplierKind.AGENCY}
    assert len(agencies) >= 3
    hire = [k for k in links if k.relation == Relation.LABOUR_HIRE]
    assert any(k.parent_id in agencies and k.child_id in agencies for k in hire), "agency→agency"
    assert any(tiers[k.child_id] >= 3 for k in hire), "labour hire deep in the chain"
    assert len({s.country for s in suppliers.values()}) >= 4
    assert len({s.sector[:3] for s in suppliers.values()}) >= 6
    assert any(graph.in_degree(n) > 1 for n in suppliers), "a shared subcontractor"


def test_second_load_keeps_the_chain_and_resets_the_password(session):
    first = load_demo(session=session, password="demo passphrase 1")
    second = load_demo(session=session, password="demo passphrase 2")
    assert first == second


def test_the_demos_screening_checks_raise_a_failed_and_an_expired_flag(session):
    from supplychain.models import Flag, Organisation
    from supplychain.questionnaires.catalogue import get_catalogue
    from supplychain.risk import services

    load_demo(session=session, password="demo passphrase 1")
    org = session.exec(select(Organisation)).one()
    run = risk_jobs.run_now(session=session, organisation_id=org.id, catalogue=get_catalogue())
    flags = session.exec(services.flags_of(session, run).where(Flag.rule == "screening-check"))
    codes = {s.id: s.code for s in session.exec(select(Supplier))}
    found = {(codes[f.supplier_id], f.severity.value) for f in flags}
    assert found == {("VOLTU-MEISTARI", "high"), ("PERSONALA-TILTS", "medium")}
