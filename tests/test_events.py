"""What a lower feature changes still queues an assessment, through the signal it sends
(supplychain.events) and the receiver create_app connects to it: the chain and the
invitations do not import risk (the layers contract in pyproject.toml). A submitted response's
run is checked in tests/respond/test_answering.py."""

from __future__ import annotations

from sqlmodel import delete, select

from supplychain.chain import importer
from supplychain.chain import services as chain
from supplychain.chain.tabular import COLUMNS, read_table
from supplychain.invitations import disclosures
from supplychain.models import AssessmentRun, LinkStatus, RiskMark
from tests.factories import make_link, make_org, make_supplier

CHAIN = f"""{",".join(COLUMNS)}
,MAIN,Galvenais Būvnieks,subcontract,LV,F41.2,40003000001,m@example.com,company,120,40,500000,20000
"""


def _runs(session, org) -> list[tuple[str, str, int | None]]:
    runs = session.exec(select(AssessmentRun).where(AssessmentRun.organisation_id == org.id))
    return [(run.trigger, run.status.value, run.user_id) for run in runs]


def test_a_chain_import_queues_an_assessment(session):
    org = make_org(session)
    plan = importer.parse_chain(read_table("chain.csv", CHAIN.encode()))
    importer.apply(session, org.id, plan, filename="chain.csv", content=CHAIN.encode())
    session.commit()
    assert _runs(session, org) == [("import", "queued", None)]


def test_a_confirmed_disclosure_queues_an_assessment(session):
    org = make_org(session)
    parent, child = make_supplier(session, org), make_supplier(session, org)
    data = chain.LinkData(parent_id=parent.id, child_id=child.id, relation="subcontract")
    link = chain.add_link(
        session=session, organisation_id=org.id, data=data, status=LinkStatus.PROPOSED
    )
    assert _runs(session, org) == [("supplier", "queued", None)]  # new suppliers queued one
    session.execute(delete(AssessmentRun))
    session.commit()
    disclosures.confirm(session=session, link=link, actor_id=None)
    session.commit()
    assert _runs(session, org) == [("disclosure", "queued", None)]


def test_a_link_changed_queues_an_assessment_and_marks_its_ends(session):
    org = make_org(session)
    a, b, c = (make_supplier(session, org) for _ in range(3))
    link = make_link(session, org, a, c)
    assert _runs(session, org) == [("supplier", "queued", None)]  # suppliers and link added
    session.execute(delete(RiskMark))
    session.execute(delete(AssessmentRun))
    chain.update_link(
        session=session,
        link=link,
        data=chain.LinkData(parent_id=b.id, child_id=c.id, relation="subcontract"),
    )
    session.commit()
    marks = session.exec(select(RiskMark.supplier_id, RiskMark.reason)).all()
    assert sorted(set(marks)) == sorted({(c.id, "link"), (a.id, "link-end"), (b.id, "link-end")})
    assert _runs(session, org) == [("link", "queued", None)]
