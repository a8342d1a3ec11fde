"""Issue 18: evidence survives re-imports. A supplier answers and uploads a document; the
officer re-imports the chain file without it (nothing is removed), then again taking out what
the file lacks (the supplier is archived with its answers and document, and restored); an
earlier assessment's flags and its archived report stay exactly as they were throughout."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from supplychain import db
from supplychain.cli import cli
from supplychain.models import Role, Supplier
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.questionnaires.sample import plain_answers
from supplychain.reports import jobs as report_jobs
from supplychain.reports import services as reports
from supplychain.reports.context import Scope
from supplychain.risk import jobs as risk_jobs
from supplychain.worker import run_once
from tests.browser.conftest import job_done, save_section, submit_answers
from tests.browser.test_answering_journey import _fill_section
from tests.factories import PASSWORD, make_org, make_user, send_campaign
from tests.respond.test_documents import PDF

pytestmark = pytest.mark.browser

CHAIN = Path(__file__).parent.parent / "data" / "chains" / "end_to_end.csv"


def _set_up(app, tmp_path) -> dict:
    """The buyer's chain imported from its file, the facade company invited."""
    with app.app_context():
        session = db.get_session()
        org = make_org(session, "buvdarbi", "Būvdarbi Grupa AS")
        officer = make_user(session, org, Role.ADMIN, email="ilze@buvdarbi.example")
        session.commit()
        ids = {"org": org.id, "officer": officer.id}
    result = app.test_cli_runner().invoke(cli, ["import-chain", str(CHAIN), "--org", "buvdarbi"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        session = db.get_session()
        facade = session.exec(select(Supplier).where(Supplier.code == "FASADE")).one()
        questionnaire = get_catalogue().current["supplier-self-assessment"]
        _campaign, links = send_campaign(
            session, ids["org"], [facade.id], questionnaire=questionnaire, user_id=ids["officer"]
        )
        session.commit()
        return {**ids, "facade": facade.id, "link": links[0].url, "questionnaire": questionnaire}


def _answer_with_a_document(app, browser, live_server, chain: dict) -> None:
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.new_page()
    page.goto(chain["link"].replace(app.config["BASE_URL"], live_server))
    page.get_by_role("link", name="English").click()
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(f"{live_server}/r/answer")
    questionnaire = chain["questionnaire"]
    answers = plain_answers(questionnaire)
    for number, section in enumerate(questionnaire.sections):
        _fill_section(page, questionnaire, section.id, answers)
        if number == 0:
            page.locator("#registration_documents").set_input_files(
                files=[
                    {"name": "register-extract.pdf", "mimeType": "application/pdf", "buffer": PDF}
                ]
            )
        save_section(page)
    submit_answers(page, "Anna Liepa, valdes locekle")
    phone.close()


def _assess_and_report(app, chain: dict) -> tuple[int, int]:
    """Run 1 and its whole-chain report, made as the worker makes it."""
    with app.app_context():
        session = db.get_session()
        run = risk_jobs.run_now(
            session=session, organisation_id=chain["org"], catalogue=get_catalogue()
        )
        report = reports.queue_report(
            session=session, organisation_id=chain["org"], scope=Scope("chain"), lang="en"
        )
        session.commit()
        ids = run.id, report.id
    assert report_jobs.run_waiting(app) == 1
    return ids


def _import(app, officer, path: Path, *, prune: bool) -> str:
    """Upload path, let the job check it, confirm the preview (ticking the box if prune) and
    let the job apply it; return the preview's text."""
    officer.get_by_role("link", name="Suppliers").first.click()
    officer.get_by_role("link", name="Import").click()
    officer.get_by_label("Chain file (.csv or .xlsx)").set_input_files(str(path))
    officer.get_by_role("button", name="Check the file").click()
    officer.wait_for_url("**/chain/import/*")
    for _stage in ("check", "apply"):
        assert run_once(app)["imports"] == 1
        job_done(officer)
        if _stage == "check":
            preview = officer.locator("main").inner_text()
            if prune:
                officer.get_by_label("Take them out of the chain").check()
            officer.get_by_role("button", name="Apply these changes").click()
    return preview


def test_reimport_keeps_answered_supplier_prune_archives_it_past_run_unchanged(
    app, live_server, browser, tmp_path
):
    chain = _set_up(app, tmp_path)
    _answer_with_a_document(app, browser, live_server, chain)
    run_id, report_id = _assess_and_report(app, chain)

    officer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    officer.goto(f"{live_server}/account/login")
    officer.get_by_label("Email").fill("ilze@buvdarbi.example")
    officer.get_by_label("Password").fill(PASSWORD)
    officer.get_by_role("button", name="Sign in").click()

    def past_run() -> tuple[bytes, bytes, str]:
        csv = officer.request.get(f"{live_server}/reports/runs/{run_id}/flags.csv").body()
        pdf = officer.request.get(f"{live_server}/reports/{report_id}/download").body()
        officer.goto(f"{live_server}/risk/?run={run_id}")
        return csv, pdf, officer.locator("table.flags").inner_text()

    before = past_run()
    assert before[1].startswith(b"%PDF") and b"FASADE" in before[0]

    # The file without the facade company and the agency below it.
    lines = CHAIN.read_text(encoding="utf-8").splitlines()
    shorter = tmp_path / "chain-shorter.csv"
    shorter.write_text(
        "\n".join(line for line in lines if "FASADE" not in line) + "\n", encoding="utf-8"
    )

    preview = _import(app, officer, shorter, prune=False)
    assert "They stay." in preview
    officer.goto(f"{live_server}/chain/suppliers")
    assert officer.get_by_role("link", name="SIA Fasādes Meistari").is_visible()
    assert officer.get_by_role("link", name="Laika Darbi OÜ").is_visible()

    preview = _import(app, officer, shorter, prune=True)
    assert "archived, not deleted" in preview and "Laika Darbi" in preview
    officer.goto(f"{live_server}/chain/suppliers")
    assert officer.get_by_role("link", name="SIA Fasādes Meistari").count() == 0
    assert officer.get_by_role("link", name="Laika Darbi OÜ").count() == 0  # no evidence: gone

    officer.get_by_role("link", name="Archived").click()
    officer.get_by_role("link", name="SIA Fasādes Meistari").click()
    assert "archived" in officer.locator("main").inner_text().lower()
    officer.get_by_role("link", name="Read the answers").click()
    officer.get_by_text("register-extract.pdf").first.wait_for(state="visible")  # the new page
    assert "Anna Liepa" in officer.locator("main").inner_text()
    officer.go_back()
    officer.get_by_role("button", name="Restore").click()
    officer.goto(f"{live_server}/chain/suppliers")
    assert officer.get_by_role("link", name="SIA Fasādes Meistari").is_visible()

    assert past_run() == before
