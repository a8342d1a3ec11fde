"""The whole product in one real-browser journey (issue 9): an officer signs up, imports a
chain from a file, sends a questionnaire, the worker mails it through a real SMTP server, the
supplier answers from the mailed link on a phone, the officer assesses the chain and downloads
the risk report, which is read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.questionnaires.sample import plain_answers
from supplychain.reports import jobs as report_jobs
from supplychain.worker import run_once
from tests.browser.conftest import download_pdf, job_done, save_section, submit_answers
from tests.browser.test_accounts_journey import _sign_up
from tests.browser.test_answering_journey import _fill_section

pytestmark = pytest.mark.browser

CHAIN = Path(__file__).parent.parent / "data" / "chains" / "end_to_end.csv"


def _run_import_job(app, page) -> None:
    """Check or apply the uploaded file as the worker does, and wait for the page, which
    refreshes itself while the job works, to show the outcome."""
    assert run_once(app)["imports"] == 1
    job_done(page)


def test_sign_up_import_invite_answer_assess_report(app, live_server, browser, smtp, tmp_path):
    officer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_up(officer, live_server, "buvdarbi-grupa", app, smtp)

    officer.get_by_role("link", name="Suppliers").first.click()
    officer.get_by_role("link", name="Import").click()
    officer.get_by_label("Chain file (.csv or .xlsx)").set_input_files(str(CHAIN))
    officer.get_by_role("button", name="Check the file").click()
    officer.wait_for_url("**/chain/import/*")
    assert officer.get_by_role("heading", name="Checking the file").is_visible()
    _run_import_job(app, officer)
    assert officer.get_by_role("heading", name="Preview the import").is_visible()
    officer.get_by_role("button", name="Apply these changes").click()
    officer.get_by_role("heading", name="Applying the changes").wait_for()
    _run_import_job(app, officer)
    assert officer.get_by_text("Imported: 4 suppliers added").is_visible()
    officer.goto(f"{live_server}/chain/suppliers")
    for name in ("SIA Būvdarbi Rīga", "SIA Fasādes Meistari", "Laika Darbi OÜ", "SIA Tīrs Birojs"):
        assert officer.get_by_role("link", name=name).is_visible()

    officer.get_by_role("link", name="SIA Fasādes Meistari").click()
    officer.get_by_role("link", name="Send a questionnaire").click()
    officer.get_by_role("button", name="Send", exact=True).click()
    officer.get_by_text("waiting to be sent").wait_for()

    assert run_once(app)["sent"] == 1
    mail = smtp.messages[-1]  # after the sign-up's confirmation
    assert mail["To"] == "info@fasades.example"
    [link] = [url for url in smtp.links(mail) if "/r/" in url]

    supplier = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    answering = supplier.new_page()
    answering.goto(link.replace(app.config["BASE_URL"], live_server))
    answering.get_by_role("link", name="English").click()
    answering.get_by_role("button", name="Start").click()
    answering.wait_for_url(f"{live_server}/r/answer")
    with app.app_context():
        questionnaire = get_catalogue().current["supplier-self-assessment"]
    # Workers pay to get the job, and the supplier uses an agency it does not name.
    answers = plain_answers(
        questionnaire, {"external_recruitment": "yes", "worker_fees": "yes", "uses_agencies": "yes"}
    )
    assert answers["worker_fees"] == "yes" and not answers.get("agencies")
    for section in questionnaire.sections:
        _fill_section(answering, questionnaire, section.id, answers)
        save_section(answering)
    submit_answers(answering, "Jānis Kalns, valdes loceklis")
    supplier.close()

    officer.get_by_role("link", name="Risks").click()
    officer.get_by_role("button", name="Assess now").click()
    officer.wait_for_load_state()
    officer.get_by_role("link", name="Risks").click()
    flags = officer.locator("main").inner_text()
    assert "Agency workers deep in the chain" in flags  # the Estonian agency at tier 3
    assert "Laika Darbi OÜ" in flags
    assert "Do workers pay anyone (you, an agency or a recruiter) to get this job?" in flags  # fees
    assert "Subcontracting not disclosed" in flags  # the agency it did not name

    officer.get_by_role("link", name="Reports", exact=True).first.click()
    officer.get_by_role("button", name="Make the report").click()
    officer.wait_for_url("**/reports/*")
    report_jobs.run_waiting(app)
    reader = download_pdf(officer, tmp_path)
    text = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 3
    for name in ("SIA Fasādes Meistari", "Laika Darbi OÜ", "Agency workers deep in the chain"):
        assert name in text
    assert "Workers who pay to get a job often borrow the money" in text
