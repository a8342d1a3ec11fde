"""A supplier invited to the self-assessment, and helpers to answer from its link."""

from __future__ import annotations

import re

import pytest

from supplychain import db
from supplychain.models import Role
from supplychain.questionnaires.catalogue import get_catalogue
from tests.factories import make_org, make_supplier, make_user, send_campaign

SELF_ASSESSMENT = "supplier-self-assessment"


@pytest.fixture
def invited(app):
    """Organisation with an officer, two suppliers invited; returns names, ids and raw links."""
    return invite(app)


def invite(app) -> dict:
    """What the invited fixture makes (browser tests call it too)."""

    with app.app_context():
        session = db.get_session()
        org = make_org(session, "buyer", "Buyer AS")
        officer = make_user(session, org, Role.OFFICER, email="officer@buyer.example")
        first = make_supplier(session, org, code="S1", name="Pirmais Būvnieks SIA", email="a@s1.lv")
        second = make_supplier(session, org, code="S2", name="Otrais SIA", email="b@s2.lv")
        questionnaire = get_catalogue().current[SELF_ASSESSMENT]
        _campaign, links = send_campaign(
            session,
            org.id,
            [first.id, second.id],
            questionnaire=questionnaire,
            user_id=officer.id,
            message="Please answer <b>soon</b>.",
        )
        session.commit()
        by_supplier = {link.supplier_id: link.url for link in links}
        return {
            "org": org.id,
            "first": first.id,
            "second": second.id,
            "link": by_supplier[first.id],
            "other_link": by_supplier[second.id],
            "token": token_of(by_supplier[first.id]),
            "questionnaire": questionnaire,
        }


def token_of(url: str) -> str:
    match = re.search(r"/r/([A-Za-z0-9_-]+)$", url)
    assert match, url
    return match.group(1)


def start(client, token: str):
    """Open the link and press Start, as the supplier does."""
    page = client.get(f"/r/{token}").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post(f"/r/{token}", data={"csrf_token": csrf})


def csrf_of(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert match, page[:500]
    return match.group(1)


def post_section(client, section_id: str, data: dict):
    """Post data from a section's answer page with the page's CSRF token, as the browser does."""
    url = f"/r/answer?section={section_id}"
    return client.post(url, data={"csrf_token": csrf_of(client, url), **data})
