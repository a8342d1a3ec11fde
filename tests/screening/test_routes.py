"""The screening pages: recording checks, history, rights, the PDF and the supplier page."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import select

from supplychain import db
from supplychain.models import AuditEvent, Role, ScreeningCheck, utcnow
from supplychain.screening.packs import add_months
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, make_org, make_supplier, make_user

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(app):
    with app.app_context():
        session = db.get_session()
        org = make_org(session, "alpha")
        officer = make_user(session, org, Role.OFFICER, email="officer@alpha.example")
        make_user(session, org, Role.VIEWER, email="viewer@alpha.example")
        other = make_org(session, "beta")
        make_user(session, other, Role.ADMIN, email="admin@beta.example")
        supplier = make_supplier(session, org, name="Būve SIA", country="LV", sector="F41.2")
        session.commit()
        return {"supplier_id": supplier.id, "officer": officer.name}


def _page(client, world):
    return f"/screening/suppliers/{world['supplier_id']}"


def _record(client, world, **fields):
    page = _page(client, world)
    data = {
        "csrf_token": csrf_token(client, page),
        "item_id": "enterprise-register",
        "checked_on": utcnow().date().isoformat(),
        "result": "passed",
        "note": "",
        **fields,
    }
    return client.post(f"{page}/checks", data=data, content_type="multipart/form-data")


def _checks(app):
    with app.app_context():
        return db.get_session().exec(select(ScreeningCheck).order_by(ScreeningCheck.id)).all()


def test_the_latvian_pack_is_shown_and_a_check_is_recorded_with_its_document(app, client, world):
    login(client, "officer@alpha.example", PASSWORD)
    html = client.get(_page(client, world)).get_data(as_text=True)
    assert "Latvian checks" in html and "EDLUS" in html  # construction: EDLUS applies
    assert "0 of 4 passed" in html and "4 not checked" in html
    response = _record(client, world, document=(io.BytesIO(PDF), "extract.pdf"))
    assert response.status_code == 302
    [check] = _checks(app)
    assert check.valid_until == add_months(check.checked_on, 12)  # the item's validity
    assert check.checked_by_name == "Test User" and check.stored_name
    html = client.get(_page(client, world)).get_data(as_text=True)
    assert "1 of 4 passed" in html and "extract.pdf" in html
    with client.get(f"/screening/checks/{check.id}/document") as download:
        assert download.status_code == 200 and download.data == PDF
        assert download.headers["Content-Disposition"].startswith("attachment")
    with app.app_context():
        actions = db.get_session().exec(select(AuditEvent.action)).all()
    assert "screening.recorded" in actions


def test_a_second_check_supersedes_the_first_and_the_history_keeps_both(app, client, world):
    login(client, "officer@alpha.example", PASSWORD)
    assert _record(client, world, result="passed").status_code == 302
    earlier = (utcnow().date() - timedelta(days=400)).isoformat()
    assert (
        _record(client, world, result="failed", checked_on=earlier, note="Ban found").status_code
        == 302
    )
    assert len(_checks(app)) == 2
    html = client.get(_page(client, world)).get_data(as_text=True)
    assert "Ban found" in html and html.count("Enterprise Register extract") >= 3


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"item_id": ""}, "item_id", "Choose the item."),
        ({"checked_on": ""}, "checked_on", "Enter the day of the check."),
        ({"result": ""}, "result", "Choose the result."),
        ({"checked_on": (date.today() + timedelta(days=3)).isoformat()}, "checked_on", "future"),
        ({"valid_until": "2020-01-01"}, "valid_until", "cannot end before"),
        ({"document": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "x.exe")}, "document", "PDF"),
    ],
)
def test_form_errors_name_the_field_and_change_nothing(app, client, world, fields, field, message):
    login(client, "officer@alpha.example", PASSWORD)
    response = _record(client, world, **fields)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html
    assert _checks(app) == []


def test_a_viewer_reads_but_cannot_record(app, client, world):
    login(client, "viewer@alpha.example", PASSWORD)
    html = client.get(_page(client, world)).get_data(as_text=True)
    assert "Latvian checks" in html and "Record the check" not in html
    assert _record(client, world).status_code == 403
    assert _checks(app) == []


def test_another_organisation_can_neither_see_nor_record(app, client, world):
    login(client, "admin@beta.example", PASSWORD)
    assert client.get(_page(client, world)).status_code == 404
    data = {"csrf_token": csrf_token(client, "/chain/suppliers"), "item_id": "vat-register"}
    assert client.post(_page(client, world) + "/checks", data=data).status_code == 404
    assert _checks(app) == []


def test_the_pdf_lists_the_items_with_their_state(app, client, world):
    login(client, "officer@alpha.example", PASSWORD)
    _record(client, world, result="failed", item_id="tax-debtors")
    response = client.get(_page(client, world) + "/checklist.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    for title in ("Enterprise Register extract", "Tax debtors", "EDLUS"):
        assert title in text
    assert "Failed" in text.replace("FAILED", "Failed")


def test_the_supplier_page_shows_the_checklist_at_a_glance(app, client, world):
    login(client, "officer@alpha.example", PASSWORD)
    _record(client, world)
    long_ago = (utcnow().date() - timedelta(days=800)).isoformat()
    _record(client, world, item_id="vat-register", checked_on=long_ago)
    html = client.get(f"/chain/suppliers/{world['supplier_id']}").get_data(as_text=True)
    assert "Latvian checks: 1 of 4 passed · 1 expired · 2 not checked" in html
    assert f'href="/screening/suppliers/{world["supplier_id"]}"' in html


def test_a_supplier_with_screening_checks_is_archived_not_deleted(app, client, world):
    login(client, "officer@alpha.example", PASSWORD)
    _record(client, world, document=(io.BytesIO(PDF), "extract.pdf"))
    supplier = f"/chain/suppliers/{world['supplier_id']}"
    token = csrf_token(client, supplier)
    assert client.post(supplier + "/delete", data={"csrf_token": token}).status_code == 302
    assert len(_checks(app)) == 1  # kept with the archived supplier
    html = client.get(supplier).get_data(as_text=True)
    assert "Archived" in html and "screening checks: 1" in html
    assert "Record the check" not in client.get(_page(client, world)).get_data(as_text=True)
    assert _record(client, world).status_code == 302
    assert len(_checks(app)) == 1
