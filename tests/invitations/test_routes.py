"""The officer's side: sending a questionnaire, the links, resending and revoking, and deciding
on the companies suppliers disclose."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from supplychain import db
from supplychain.invitations import disclosures
from supplychain.models import (
    Campaign,
    Invitation,
    Link,
    LinkStatus,
    OutboxMessage,
    Role,
    Supplier,
)
from supplychain.questionnaires.catalogue import get_catalogue
from tests.conftest import login, post_form, row_counts, sign_in
from tests.factories import (
    PASSWORD,
    committed,
    make_link,
    make_supplier,
    make_team,
)


@pytest.fixture
def chain(app):
    with committed(app) as session:
        org = make_team(session, "buyer", Role.ADMIN, Role.VIEWER)
        a = make_supplier(session, org, code="A", name="Alfa Būve SIA", email="a@alfa.lv")
        b = make_supplier(session, org, code="B", name="Beta Apkope SIA", email="b@beta.lv")
        c = make_supplier(session, org, code="C", name="Celtnieki SIA", email="")
        d = make_supplier(session, org, code="D", name="Dziļie Darbi SIA", email="d@dd.lv")
        make_link(session, org, None, a)
        make_link(session, org, None, b)
        make_link(session, org, a, d)
        return {"org": org.id, "a": a.id, "b": b.id, "c": c.id, "d": d.id}


@pytest.fixture
def admin(client, chain):
    return sign_in(client, Role.ADMIN, "buyer")


def _count(app, model) -> int:
    [count] = row_counts(app, model)
    return count


def _send(client, **fields):
    data = {
        "questionnaire_id": "supplier-self-assessment",
        "title": "Spring round",
        "deadline": (date.today() + timedelta(days=14)).isoformat(),
        "message": "",
        "recipients": "chosen",
        **fields,
    }
    return post_form(client, "/invitations/new", data, page="/invitations/new")


def test_sending_to_chosen_suppliers_shows_each_link_once(app, admin, chain):
    response = _send(admin, supplier_ids=[chain["a"], chain["b"]])
    assert response.status_code == 302, response.get_data(as_text=True)
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    links = re.findall(r"https://supplychain\.test/r/[A-Za-z0-9_-]{43}", page)
    assert len(links) == 2 and "Alfa Būve SIA" in page and "waiting to be sent" in page
    assert not re.findall(
        r"/r/[A-Za-z0-9_-]{43}", admin.get(response.headers["Location"]).get_data(as_text=True)
    )
    assert admin.get(links[0].removeprefix("https://supplychain.test")).status_code == 200
    assert _count(app, OutboxMessage) == 2
    supplier_page = admin.get(f"/chain/suppliers/{chain['a']}").get_data(as_text=True)
    assert "Spring round" in supplier_page and 'class="status queued"' in supplier_page


def test_the_officer_chooses_the_language_of_the_invitations(app, admin, chain):
    response = _send(admin, supplier_ids=[chain["a"]], language="ru")
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert '<td data-label="Language" lang="ru">Русский</td>' in page
    _send(admin, supplier_ids=[chain["b"]])  # left to us: the supplier's country (Latvia)
    with app.app_context():
        languages = db.get_session().exec(select(Invitation.language).order_by(Invitation.id))
        assert languages.all() == ["ru", "lv"]
    # A new link in another language: the mail that carries it speaks that one.
    resend = "/invitations/invitation/1/resend"
    post_form(admin, resend, {"language": "en"}, page=response.headers["Location"])
    with app.app_context():
        session = db.get_session()
        assert session.get(Invitation, 1).language == "en"
        [mail] = session.exec(select(OutboxMessage).where(OutboxMessage.invitation_id == 1))
        assert mail.subject.startswith("supplychain: “Organisation") and "asks you" in mail.subject


def test_a_whole_tier(app, admin, chain):
    response = _send(admin, recipients="tier", tier="2")
    assert response.status_code == 302
    with app.app_context():
        invited = db.get_session().exec(select(Invitation.supplier_id)).all()
    assert invited == [chain["d"]]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Choose at least one supplier."),
        ({"supplier_ids": ["C"]}, "These suppliers have no email address: Celtnieki SIA."),
        ({"supplier_ids": ["A"], "deadline": "2020-01-01"}, "The deadline must be in the future."),
        (
            {"supplier_ids": ["A"], "questionnaire_id": "company-risk-assessment"},
            "Not a valid choice",
        ),
        ({"supplier_ids": ["A"], "language": "de"}, "Choose one of the languages offered."),
    ],
)
def test_bad_sendings_are_refused_and_write_nothing(app, admin, chain, fields, message):
    if "supplier_ids" in fields:
        fields = {
            **fields,
            "supplier_ids": [chain[code.lower()] for code in fields["supplier_ids"]],
        }
    response = _send(admin, **fields)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert (
        _count(app, Campaign) == 0
        and _count(app, Invitation) == 0
        and _count(app, OutboxMessage) == 0
    )


def test_resend_replaces_the_link_and_revoke_ends_it(app, admin, chain):
    first = _send(admin, supplier_ids=[chain["a"]])
    campaign_page = first.headers["Location"]
    old = re.search(r"/r/[A-Za-z0-9_-]{43}", admin.get(campaign_page).get_data(as_text=True)).group(
        0
    )
    with app.app_context():
        invitation_id = db.get_session().exec(select(Invitation.id)).one()
    post_form(admin, f"/invitations/invitation/{invitation_id}/resend", page=campaign_page)
    new = re.search(r"/r/[A-Za-z0-9_-]{43}", admin.get(campaign_page).get_data(as_text=True)).group(
        0
    )
    assert new != old
    assert admin.get(old).status_code == 404 and admin.get(new).status_code == 200
    post_form(admin, f"/invitations/invitation/{invitation_id}/revoke", page=campaign_page)
    assert admin.get(new).status_code == 404
    assert "revoked" in admin.get(campaign_page).get_data(as_text=True)


def test_the_campaign_list_counts_each_campaigns_own_invitations(app, admin, chain):
    _send(admin, supplier_ids=[chain["a"], chain["b"]])
    latest = _send(admin, supplier_ids=[chain["d"]], title="Autumn round")
    with app.app_context():
        invitation_id = (
            db.get_session()
            .exec(select(Invitation.id).where(Invitation.supplier_id == chain["d"]))
            .one()
        )
    post_form(
        admin, f"/invitations/invitation/{invitation_id}/revoke", page=latest.headers["Location"]
    )
    page = admin.get("/invitations/").get_data(as_text=True)
    autumn, spring = page.index("Autumn round"), page.index("Spring round")
    assert autumn < spring  # newest first
    assert "0 of 1 answered" in page[autumn:spring] and "0 of 2 answered" in page[spring:]
    assert 'class="seg revoked"' in page[autumn:spring] and "seg revoked" not in page[spring:]


def _disclose(app, chain, rows):
    with app.app_context():
        session = db.get_session()
        parent = session.get(Supplier, chain["a"])
        questionnaire = get_catalogue().current["supplier-self-assessment"]
        links = disclosures.propose_links(
            session=session, parent=parent, questionnaire=questionnaire, answers=rows
        )
        session.commit()
        return [link.id for link in links]


def test_disclosed_companies_are_matched_or_added_then_confirmed_or_rejected(app, admin, chain):
    ids = _disclose(
        app,
        chain,
        {
            "subcontractors": [
                {"name": "Beta (named again)", "registration_no": None, "email": "B@beta.lv"},
                {"name": "Jauns Uzņēmums SIA", "registration_no": "40100000001", "country": "LV"},
            ],
            "agencies": [{"name": "Darba Roka OÜ", "country": "EE", "email": "not an address"}],
        },
    )
    assert len(ids) == 3
    page = admin.get("/invitations/disclosures").get_data(as_text=True)
    assert (
        "Jauns Uzņēmums SIA" in page and "Darba Roka OÜ" in page and "already in your chain" in page
    )
    with app.app_context():
        session = db.get_session()
        by_child = {}
        for link in (session.get(Link, i) for i in ids):
            by_child[session.get(Supplier, link.child_id).name] = link
        assert set(by_child) == {"Beta Apkope SIA", "Jauns Uzņēmums SIA", "Darba Roka OÜ"}
        # Beta was matched by its email address, not added again.
        assert by_child["Beta Apkope SIA"].child_id == chain["b"]
        agency = session.get(Supplier, by_child["Darba Roka OÜ"].child_id)
        assert agency.kind.value == "agency" and agency.disclosed and agency.email == ""
        assert by_child["Darba Roka OÜ"].relation.value == "labour_hire"
        new_id, agency_id = by_child["Jauns Uzņēmums SIA"].id, by_child["Darba Roka OÜ"].id
    post_form(admin, f"/invitations/disclosures/{new_id}/confirm", page="/invitations/disclosures")
    post_form(
        admin, f"/invitations/disclosures/{agency_id}/reject", page="/invitations/disclosures"
    )
    with app.app_context():
        session = db.get_session()
        assert session.get(Link, new_id).status == LinkStatus.CONFIRMED
        assert session.get(Link, agency_id) is None
        assert (
            session.exec(select(Supplier).where(Supplier.name == "Darba Roka OÜ")).first() is None
        )


def test_auto_invite_sends_the_questionnaire_to_a_confirmed_company(app, admin, chain):
    post_form(
        admin, "/invitations/settings", {"auto_invite": "on"}, page="/invitations/disclosures"
    )
    [link_id] = _disclose(
        app, chain, {"agencies": [{"name": "Roka SIA", "country": "LV", "email": "hr@roka.lv"}]}
    )
    post_form(admin, f"/invitations/disclosures/{link_id}/confirm", page="/invitations/disclosures")
    with app.app_context():
        invitation = db.get_session().exec(select(Invitation)).one()
        assert invitation.email == "hr@roka.lv"
        assert invitation.questionnaire_id == "agency-screening"  # an agency gets the agency form


def test_a_viewer_follows_but_cannot_send(client, chain):
    login(client, "viewer@buyer.example", PASSWORD)
    assert client.get("/invitations/").status_code == 200
    assert client.get("/invitations/new").status_code == 403
