"""Archiving instead of deleting: an archived supplier leaves the live chain and keeps its
evidence; it can be restored, and only an admin who types its code deletes it for good."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from supplychain import db, storage
from supplychain.models import (
    AuditEvent,
    Evidence,
    Flag,
    Invitation,
    Link,
    Response,
    Role,
    Supplier,
    SupplierExposure,
    utcnow,
)
from supplychain.questionnaires import evidence
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.questionnaires.services import save_answers
from supplychain.respond import services as respond
from supplychain.risk import jobs as risk_jobs
from supplychain.risk import services as risk
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_link, make_org, make_supplier, make_user, send_campaign

QUESTIONNAIRE = "supplier-self-assessment"


def _campaign(app, session, org, admin, supplier, title):
    campaign, links = send_campaign(
        session,
        org.id,
        [supplier.id],
        questionnaire=QUESTIONNAIRE,
        user_id=admin.id,
        title=title,
        deadline=utcnow() + timedelta(days=5),
        base_url="",
    )
    invitation = session.exec(select(Invitation).where(Invitation.campaign_id == campaign.id)).one()
    return campaign, invitation, links[0].url


@pytest.fixture
def world(app):
    """Agency Alpha (below the organisation, with Beta below it) has answered a questionnaire
    with a document and has a second, open one; Gamma is a direct supplier with no evidence."""
    with app.app_context():
        session = db.get_session()
        org = make_org(session, "ours")
        admin = make_user(session, org, Role.ADMIN, email="admin@ours.example")
        make_user(session, org, Role.OFFICER, email="officer@ours.example")
        alpha = make_supplier(
            session, org, code="A1", name="Alpha Agency", kind="agency", email="a@alpha.example"
        )
        beta = make_supplier(session, org, code="B1", name="Beta Builders")
        gamma = make_supplier(session, org, code="G1", name="Gamma Glass")
        make_link(session, org, None, alpha, relation="labour_hire")
        make_link(session, org, alpha, beta)
        make_link(session, org, None, gamma)
        campaign, answered, _url = _campaign(app, session, org, admin, alpha, "First round")
        questionnaire = get_catalogue().current[QUESTIONNAIRE]
        response = respond.start(
            session=session, invitation=answered, questionnaire=questionnaire, now=utcnow()
        )
        document = evidence.store(
            session=session,
            folder=storage.upload_dir(app),
            response=response,
            question_id="registration_documents",
            data=b"%PDF-1.4 register extract",
            mime="application/pdf",
            filename="extract.pdf",
        )
        answers = {
            "registration_no": "40003999999",
            "registration_documents": [evidence.as_answer(document)],
        }
        save_answers(session=session, response=response, answers=answers)
        respond.submit(
            session=session,
            invitation=answered,
            response=response,
            questionnaire=questionnaire,
            answers=answers,
            respondent_name="Anna",
        )
        _campaign2, _open, url = _campaign(app, session, org, admin, alpha, "Second round")
        session.commit()
        risk_jobs.run_now(session=session, organisation_id=org.id, catalogue=get_catalogue())
        flagged = session.exec(select(Flag.supplier_id).where(Flag.organisation_id == org.id))
        assert alpha.id in set(flagged), "the scenario should flag Alpha before it is archived"
        session.commit()
        return {
            "org": org.id,
            "alpha": alpha.id,
            "beta": beta.id,
            "gamma": gamma.id,
            "campaign": campaign.id,
            "response": response.id,
            "document": document.id,
            "file": evidence.path_of(storage.upload_dir(app), document),
            "open_url": url,
        }


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _live_links(app, org_id: int) -> int:
    with app.app_context():
        query = select(func.count()).where(
            Link.organisation_id == org_id, Link.archived_at.is_(None)
        )
        return int(db.get_session().exec(query.select_from(Link)).one())


def test_archive_keeps_evidence_out_of_the_live_chain_and_restore_brings_it_back(
    app, client, world
):
    login(client, "officer@ours.example", PASSWORD)
    alpha = f"/chain/suppliers/{world['alpha']}"
    removed = post_form(client, f"{alpha}/delete", page=alpha, follow_redirects=True)
    assert "Supplier Alpha Agency archived: it holds evidence" in removed.get_data(as_text=True)
    gamma = f"/chain/suppliers/{world['gamma']}"
    removed = post_form(client, f"{gamma}/delete", page=gamma, follow_redirects=True)
    assert "Supplier Gamma Glass removed, with its links." in removed.get_data(as_text=True)
    assert client.get(gamma).status_code == 404  # nothing of its own to keep: gone
    assert _live_links(app, world["org"]) == 0

    # Out of the live chain: map, list and search, link form, sending, export, dashboard.
    for url in ("/chain/", "/chain/suppliers", "/chain/suppliers?q=Alpha", "/chain/links/new"):
        assert "Alpha Agency" not in _page(client, url), url
    assert "Alpha Agency" not in _page(client, "/invitations/new")
    assert b"A1" not in client.get("/chain/export.csv").data
    figures = _page(client, "/")  # only Beta is left in the chain, without links
    assert '<span class="value">1</span><span class="label">suppliers in the chain' in figures
    assert '<span class="value">0</span><span class="label">contract links' in figures
    # Its open questionnaire link stopped working; the sending still lists it, marked.
    assert client.get(world["open_url"]).status_code == 404
    campaign = _page(client, f"/invitations/{world['campaign']}")
    assert "Alpha Agency" in campaign and "Archived" in campaign
    # A new assessment leaves it out.
    with app.app_context():
        session = db.get_session()
        run = risk_jobs.run_now(
            session=session, organisation_id=world["org"], catalogue=get_catalogue()
        )
        session.commit()
        flagged = {flag.supplier_id for flag in session.exec(risk.flags_of(session, run))}
        assert flagged and world["alpha"] not in flagged

    # Listed under Archived, with why and what it keeps; its page and evidence still open.
    archived = _page(client, "/chain/suppliers/archived")
    assert "Alpha Agency" in archived and "removed by an officer" in archived
    assert "answers: 1" in archived and "documents: 1" in archived
    assert "Beta" not in archived and "Gamma" not in archived
    page = _page(client, alpha)
    assert "Archived on" in page and "Restore" in page and "Delete for good" not in page
    assert "40003999999" in _page(client, f"/invitations/response/{world['response']}")
    document = client.get(f"/invitations/evidence/{world['document']}")
    assert document.status_code == 200 and document.data == b"%PDF-1.4 register extract"
    document.close()

    restored = post_form(client, f"{alpha}/restore", page=alpha, follow_redirects=True)
    assert "Supplier Alpha Agency is back in the chain." in restored.get_data(as_text=True)
    assert "Alpha Agency" in _page(client, "/chain/")
    assert _live_links(app, world["org"]) == 2  # the organisation's to Alpha, Alpha's to Beta
    assert "Alpha Agency" not in _page(client, "/chain/suppliers/archived")
    with app.app_context():
        actions = db.get_session().exec(select(AuditEvent.action)).all()
    for action in ("supplier.archived", "invitation.revoked", "supplier.restored"):
        assert action in actions


def _rows(app, world) -> tuple[int, ...]:
    with app.app_context():
        session = db.get_session()
        counts = []
        for model, where in (
            (Supplier, Supplier.id == world["alpha"]),
            (Link, (Link.parent_id == world["alpha"]) | (Link.child_id == world["alpha"])),
            (Invitation, Invitation.supplier_id == world["alpha"]),
            (Response, Response.supplier_id == world["alpha"]),
            (Evidence, Evidence.id == world["document"]),
            (SupplierExposure, SupplierExposure.supplier_id == world["alpha"]),  # its score
        ):
            query = select(func.count()).select_from(model).where(where)
            counts.append(int(session.exec(query).one()))
        return tuple(counts)


def test_delete_for_good_needs_an_admin_who_types_the_code(app, client, world):
    alpha = f"/chain/suppliers/{world['alpha']}"
    login(client, "officer@ours.example", PASSWORD)
    post_form(client, f"{alpha}/delete", page=alpha)
    refused = post_form(client, f"{alpha}/delete-for-good", {"code": "A1"}, page=alpha)
    assert refused.status_code == 403
    post_form(client, "/account/logout", page=alpha)
    login(client, "admin@ours.example", PASSWORD)
    before = _rows(app, world)
    assert before == (1, 2, 2, 1, 1, 1) and world["file"].exists()
    wrong = post_form(
        client, f"{alpha}/delete-for-good", {"code": "a1"}, page=alpha, follow_redirects=True
    )
    assert "Nothing was deleted: type the code A1 exactly" in wrong.get_data(as_text=True)
    assert _rows(app, world) == before and world["file"].exists()

    gone = post_form(
        client, f"{alpha}/delete-for-good", {"code": "A1"}, page=alpha, follow_redirects=True
    )
    assert "was deleted for good" in gone.get_data(as_text=True)
    assert _rows(app, world) == (0, 0, 0, 0, 0, 0)
    assert not world["file"].exists()
    assert client.get(alpha).status_code == 404
