"""What a lower feature changes still queues an assessment, through the signal it sends
(supplychain.events) and the receiver create_app connects to it: the chain and the
invitations do not import risk (the layers contract in pyproject.toml). A submitted response's
run is checked in tests/respond/test_answering.py."""

from __future__ import annotations

from sqlmodel import select

from supplychain.chain import importer
from supplychain.chain.tabular import COLUMNS, read_table
from supplychain.invitations import disclosures
from supplychain.models import AssessmentRun, LinkStatus
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
    link = make_link(session, org, make_supplier(session, org), make_supplier(session, org))
    link.status = LinkStatus.PROPOSED
    session.commit()
    disclosures.confirm(session=session, link=link, actor_id=None)
    session.commit()
    assert _runs(session, org) == [("disclosure", "queued", None)]
