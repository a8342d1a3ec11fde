"""Supplier text is untrusted everywhere: a supplier named with markup and a spreadsheet formula,
answering with the same text in every free-text field and disclosing a subcontractor of that
name, shows as text on every page an officer can reach, as defused text in CSV and XLSX, and
as text in the PDF report."""

from __future__ import annotations

import csv
import io
import re
from collections import deque
from datetime import timedelta

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from supplychain import db
from supplychain.models import Organisation, Role, utcnow
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.questionnaires.sample import plain_answers
from supplychain.reports import jobs as report_jobs
from supplychain.reports import services as reports
from supplychain.reports.context import Scope
from supplychain.risk import jobs as risk_jobs
from tests.answering import section_form
from tests.conftest import login
from tests.factories import PASSWORD, make_link, make_org, make_supplier, make_user, send_campaign
from tests.respond.conftest import csrf_of, start, token_of

MARKUP = "<img src=x onerror=alert(1)>"
HOSTILE = f'=HYPERLINK("http://evil.example","x"){MARKUP}'
SKIP = re.compile(r"/account/(logout|language)|/static/|^https?://|^mailto:|^#")


def _hostile_chain(app) -> str:
    """The chain, the supplier's submitted answers and an assessment; returns the org slug."""
    with app.app_context():
        session = db.get_session()
        org = make_org(session, "careful", "Careful AS")
        make_user(session, org, Role.ADMIN, email="admin@careful.example")
        hostile = make_supplier(
            session, org, code="EVIL", name=HOSTILE, registration_no="=1+1<b>", email="e@evil.lv"
        )
        make_link(session, org, None, hostile, relation="labour_hire")
        below = make_supplier(session, org, code="BELOW", name=f"Below {MARKUP}")
        make_link(session, org, hostile, below)
        questionnaire = get_catalogue().current["supplier-self-assessment"]
        _campaign, [link] = send_campaign(
            session,
            org.id,
            [hostile.id],
            questionnaire=questionnaire,
            title=HOSTILE,
            message=HOSTILE,
            deadline=utcnow() + timedelta(days=7),
        )
        session.commit()
    texts = {q.id: HOSTILE[: q.max_length] for q in questionnaire.questions() if q.type == "text"}
    named = [{"name": HOSTILE, "registration_no": "40103999001", "country": "LV"}]
    answers = plain_answers(
        questionnaire, {**texts, "uses_subcontractors": "yes", "subcontractors": named}
    )
    supplier = app.test_client()
    start(supplier, token_of(link.url))
    for section in questionnaire.sections:
        url = f"/r/answer?section={section.id}"
        body = [
            ("csrf_token", csrf_of(supplier, url)),
            *section_form(questionnaire, section.id, answers),
        ]
        assert supplier.post(url, data=MultiDict(body)).status_code == 303
    body = {"csrf_token": csrf_of(supplier, "/r/review"), "respondent_name": HOSTILE}
    assert supplier.post("/r/review", data=body).status_code == 303
    page = supplier.get("/r/copy").get_data(as_text=True)
    assert MARKUP not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    with app.app_context():
        session = db.get_session()
        org_id = session.exec(select(Organisation.id).where(Organisation.slug == "careful")).one()
        risk_jobs.run_now(session=session, organisation_id=org_id, catalogue=get_catalogue())
    return "careful"


def _defused(cell: str) -> bool:
    """Spreadsheets run a cell that starts with one of these as a formula (OWASP's list)."""
    return not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_supplier_text_is_text_in_pages_spreadsheets_and_the_report(app, client):
    _hostile_chain(app)
    login(client, "admin@careful.example", PASSWORD)
    seen, queue, shown = set(), deque(["/"]), 0
    kinds: dict[str, int] = {}
    while queue and len(seen) < 400:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, url
        kind = response.mimetype
        kinds[kind] = kinds.get(kind, 0) + 1
        if kind == "text/html":
            html = response.get_data(as_text=True)
            assert MARKUP not in html, url
            shown += "&lt;img src=x onerror=alert(1)&gt;" in html
            for target in re.findall(r'href="([^"]+)"', html):
                target = target.replace("&amp;", "&")
                if not SKIP.search(target) and target.startswith("/"):
                    queue.append(target)
        elif kind == "text/csv":
            rows = csv.reader(io.StringIO(response.data.decode("utf-8-sig")))
            assert all(_defused(cell) for row in rows for cell in row), url
        elif "spreadsheetml" in kind:
            book = load_workbook(io.BytesIO(response.data))
            for sheet in book:
                for row in sheet.iter_rows():
                    for cell in row:
                        assert cell.data_type != "f", (url, cell.coordinate)
                        assert _defused(str(cell.value or "")), (url, cell.coordinate)
    assert shown >= 5, "the hostile text was to be shown on several pages"
    assert kinds.get("text/csv", 0) >= 2 and any("spreadsheetml" in k for k in kinds), kinds

    with app.app_context():
        session = db.get_session()
        org_id = session.exec(select(Organisation.id).where(Organisation.slug == "careful")).one()
        report = reports.queue_report(
            session=session, organisation_id=org_id, scope=Scope(), lang="en"
        )
        session.commit()
        report_jobs.generate(session=session, report=report, catalogue=get_catalogue())
        pdf = reports.archived(report)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "onerror=alert(1)" in text.replace("\n", "")
