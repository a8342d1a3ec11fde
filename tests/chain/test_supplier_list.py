"""The supplier list: the columns the features above the chain add, sort, filters, and the bulk
actions on a selection (all those matching a filter, or those ticked)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from supplychain.models import (
    Invitation,
    Response,
    ResponseStatus,
    Role,
    utcnow,
)
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.risk.jobs import run_now
from tests.conftest import sign_in
from tests.factories import committed, make_link, make_supplier, make_team, send_campaign


@pytest.fixture
def listed(app):
    """A small assessed chain: A (tier 1, agency) above B (tier 2, Estonian), C not linked;
    B was asked and has not answered in time, C was asked and answered."""
    with committed(app) as session:
        org = make_team(session, "ours", Role.OFFICER, Role.VIEWER)
        a = make_supplier(session, org, code="A", name="Alfa SIA", kind="agency")
        b = make_supplier(session, org, code="B", name="Beta OU", country="EE", sector="N81.2")
        c = make_supplier(session, org, code="C", name="Cepure SIA")
        make_link(session, org, None, a)
        make_link(session, org, a, b, relation="labour_hire")
        session.flush()
        send_campaign(session, org.id, [b.id])
        _campaign, _links = send_campaign(session, org.id, [c.id])
        ids = {"org": org.id, "a": a.id, "b": b.id, "c": c.id}
    with committed(app) as session:
        overdue = session.exec(select(Invitation).where(Invitation.supplier_id == ids["b"])).one()
        overdue.expires_at = utcnow() - timedelta(days=1)
        answered = session.exec(select(Invitation).where(Invitation.supplier_id == ids["c"])).one()
        q = get_catalogue().current["supplier-self-assessment"]
        response = Response(
            organisation_id=ids["org"],
            supplier_id=ids["c"],
            questionnaire_id=q.id,
            questionnaire_version=q.version,
            language="en",
            status=ResponseStatus.SUBMITTED,
            submitted_at=utcnow() - timedelta(days=800),  # out of date
        )
        session.add(response)
        session.flush()
        answered.response_id = response.id
        session.add_all([overdue, answered])
    with committed(app) as session:
        run_now(session=session, organisation_id=ids["org"], catalogue=get_catalogue())
    return ids


@pytest.fixture
def officer(client, listed):
    return sign_in(client, Role.OFFICER, "ours")


def _names(page: str) -> list[str]:
    return re.findall(r'href="/chain/suppliers/\d+">([^<]+)</a>', page)


def _cell(page: str, name: str, column: str) -> str:
    row = page.split(f">{name}</a>", 1)[1].split("</tr>", 1)[0]
    found = re.search(rf'data-column="{column}">(.*?)</td>', row, re.S)
    assert found, (name, column)
    return re.sub(r"<[^>]+>", " ", found.group(1)).split()


def test_the_list_shows_the_columns_of_the_latest_run(officer, listed):
    page = officer.get("/chain/suppliers").get_data(as_text=True)
    assert _names(page) == ["Alfa SIA", "Beta OU", "Cepure SIA"]
    assert _cell(page, "Alfa SIA", "tier") == ["1"]
    assert _cell(page, "Beta OU", "tier") == ["2"]
    assert _cell(page, "Alfa SIA", "asked") == ["never", "asked"]
    assert _cell(page, "Beta OU", "asked") == ["overdue"]
    assert _cell(page, "Cepure SIA", "asked") == ["answered", "out", "of", "date"]
    print(page)
