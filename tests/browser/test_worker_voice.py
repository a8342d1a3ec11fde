"""Worker voice in a real browser (issue 22): a worker on a phone opens the site's address,
answers the check-in in Russian, reports, keeps the tracking code and later reads the
officer's answer with it; the officer acknowledges, answers, confirms the indicators and sees
the flag on the employer."""

from __future__ import annotations

import pytest
from sqlmodel import select

from supplychain.models import CheckIn, Role, Site, SiteSupplier
from supplychain.risk import jobs as risk_jobs
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, committed, email_of, make_supplier, make_team

pytestmark = pytest.mark.browser


@pytest.fixture
def site(app):
    with committed(app) as session:
        org = make_team(session, "buyer", Role.OFFICER)
        employer = make_supplier(session, org, name="Būve SIA", code="BUVE")
        row = Site(organisation_id=org.id, name="Riga Tower", code="RT7K2MQP", languages="ru,lv")
        session.add(row)
        session.flush()
        session.add(SiteSupplier(organisation_id=org.id, site_id=row.id, supplier_id=employer.id))
        return {"code": row.code, "employer": employer.id}


def test_a_worker_reports_and_reads_the_officers_answer(app, live_server, phone, page, site):
    phone.goto(f"{live_server}/w/{site['code'].lower()}?lang=ru")
    phone.get_by_role("link", name="Ответьте на 8 коротких вопросов").click()
    phone.get_by_label("Būve SIA").check()
    phone.get_by_label("У работодателя или агентства").check()
    phone.get_by_role("button", name="Отправить ответы").click()
    phone.get_by_role("heading", name="Спасибо").wait_for()

    phone.goto(f"{live_server}/w/{site['code']}?lang=ru")
    phone.get_by_role("link", name="Расскажите своими словами").click()
    phone.get_by_label("Что происходит?").fill("Бригадир забрал наши паспорта.")
    phone.get_by_role("button", name="Отправить").click()
    tracking = phone.locator(".tracking code").inner_text()

    sign_in(page, live_server, email_of(Role.OFFICER, "buyer"), PASSWORD)
    page.get_by_role("link", name="Workers' reports").click()
    page.get_by_role("link", name="Case 1").click()
    assert "Бригадир забрал наши паспорта." in page.content()
    page.get_by_role("button", name="Acknowledge").click()
    page.get_by_label("Message to the worker").fill("Мы проверим это сегодня.")
    page.get_by_role("button", name="Send to the worker").click()
    page.get_by_label("Retention of identity documents").check()
    page.get_by_label("Būve SIA").check()
    page.get_by_role("button", name="Record").click()
    page.locator("#escalation").wait_for()  # critical: what to do and whom to call, on top

    assert risk_jobs.run_waiting(app) == 1  # confirming the case queued an assessment
    page.goto(f"{live_server}/chain/suppliers/{site['employer']}")
    assert "A worker's report confirmed" in page.content()

    phone.goto(f"{live_server}/w/track?lang=ru")
    phone.get_by_label("Ваш код").fill(tracking)
    phone.get_by_role("button", name="Открыть").click()
    assert "Мы проверим это сегодня." in phone.content()
    with app.app_context():
        from supplychain import db

        [answers] = db.get_session().exec(select(CheckIn)).all()
        assert (
            answers.supplier_id == site["employer"] and answers.answers["documents"] == "employer"
        )
