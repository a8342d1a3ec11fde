"""The main journey of issue 5 in a real browser: the officer sends the questionnaire, the worker
mails it through a real SMTP server, the supplier answers from the mailed link (naming two
subcontractors), and the officer then finds them as proposed links."""

from __future__ import annotations

import pytest

from supplychain import db
from supplychain.demo import DEMO_EMAIL, load_demo
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.questionnaires.sample import plain_answers
from supplychain.worker import run_once
from tests.browser.conftest import save_section, submit_answers
from tests.respond.test_answering import SUBCONTRACTORS

pytestmark = pytest.mark.browser


def _fill_section(page, questionnaire, section_id, answers):
    section = next(s for s in questionnaire.sections if s.id == section_id)
    for question in section.questions:
        value = answers.get(question.id)
        if value is None:
            continue
        if question.type in ("yes_no", "single_choice"):
            page.locator(f'input[name="{question.id}"][value="{value}"]').check()
        elif question.type == "multiple_choice":
            for item in value:
                page.locator(f'input[name="{question.id}"][value="{item}"]').check()
        elif question.type == "table":
            for i, row in enumerate(value):
                if page.locator(f"#{question.id}-{i}-name").count() == 0:
                    page.locator(f'[data-table="{question.id}"] [data-add-row]').click()
                for column, cell in row.items():
                    if cell is None:
                        continue
                    target = page.locator(f"#{question.id}-{i}-{column}")
                    if column == "subcontracts_further":
                        target.select_option(str(cell))
                    else:
                        target.fill(str(cell))
        else:
            page.locator(f"#{question.id}").fill(str(value))


def test_officer_sends_supplier_answers_from_the_mail_officer_sees_disclosures(
    app, live_server, browser, smtp
):
    with app.app_context():
        load_demo(session=db.get_session(), password="demo passphrase 1")
        db.get_session().commit()
        questionnaire = get_catalogue().current["supplier-self-assessment"]

    officer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    officer.goto(f"{live_server}/account/login")
    officer.get_by_label("Email").fill(DEMO_EMAIL)
    officer.get_by_label("Password").fill("demo passphrase 1")
    officer.get_by_role("button", name="Sign in").click()
    officer.goto(f"{live_server}/chain/suppliers?q=RIGAFORM")
    officer.get_by_role("link", name="SIA Rīgas Veidņi").click()
    officer.get_by_role("link", name="Send a questionnaire").click()
    officer.get_by_role("button", name="Send", exact=True).click()
    officer.get_by_text("waiting to be sent").wait_for(state="visible")  # the campaign's page
    assert officer.get_by_text("1 of 1 answered").count() == 0

    counts = run_once(app)
    assert counts["sent"] == 1
    [mail] = smtp.messages
    assert mail["To"] == "info@rigas-veidni.example"
    [link] = [url for url in smtp.links(mail) if "/r/" in url]
    link = link.replace(app.config["BASE_URL"], live_server)

    supplier = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True
    ).new_page()
    supplier.goto(link)
    assert supplier.locator("html").get_attribute("lang") == "lv"  # a Latvian company
    supplier.get_by_role("link", name="English").click()
    supplier.get_by_role("button", name="Start").click()
    supplier.wait_for_url(f"{live_server}/r/answer")
    assert "/r/answer" in supplier.url and link.rsplit("/", 1)[1] not in supplier.url

    answers = plain_answers(
        questionnaire, {"uses_subcontractors": "yes", "subcontractors": SUBCONTRACTORS}
    )
    for section in questionnaire.sections:
        _fill_section(supplier, questionnaire, section.id, answers)
        save_section(supplier)
    assert supplier.get_by_role("heading", name="Review and submit").is_visible()
    assert supplier.get_by_text("Jumiķi SIA").count() >= 1
    submit_answers(supplier, "Anna Bērziņa, director")

    officer.goto(f"{live_server}/invitations/disclosures")
    rows = officer.locator("table.table tbody tr")
    assert rows.count() == 2
    text = rows.all_inner_texts()
    assert any("Jumiķi SIA" in t for t in text) and any("Betons Plus OÜ" in t for t in text)
    assert all("SIA Rīgas Veidņi" in t for t in text)
    officer.goto(f"{live_server}/invitations/")
    assert officer.get_by_text("1 of 1 answered").is_visible()
