"""The prevention guide in a real browser: contents, search, and a flag leading to its section."""

from __future__ import annotations

import pytest

from supplychain import db
from supplychain.demo import DEMO_EMAIL, load_demo
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.risk import services as risk

pytestmark = pytest.mark.browser


def test_contents_search_and_a_flag_leads_to_its_section(app, live_server, page):
    with app.app_context():
        session = db.get_session()
        summary = load_demo(session=session, password="demo passphrase 1")
        session.commit()
        from sqlmodel import select

        from supplychain.models import Organisation

        org = session.exec(
            select(Organisation).where(Organisation.slug == summary.organisation)
        ).one()
        risk.run_now(session=session, organisation_id=org.id, catalogue=get_catalogue())
    page.goto(f"{live_server}/account/login")
    page.get_by_label("Email").fill(DEMO_EMAIL)
    page.get_by_label("Password").fill("demo passphrase 1")
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Guide").click()
    contents = page.locator(".guide-list > li")
    assert contents.count() == 16
    page.get_by_placeholder("Search the guide, e.g. recruitment fees").fill("recruitment fees")
    page.get_by_role("button", name="Search").click()
    page.locator(".search-results").get_by_role("link").first.click()
    page.wait_for_url("**/guide/*")
    assert page.locator("article.guide-section h1").inner_text()
    assert page.locator(".guide-toc a[aria-current=page]").count() == 1

    page.goto(f"{live_server}/risk/?rule=undisclosed-subcontracting")
    page.locator("table.flags tbody a").nth(1).click()
    page.locator(".guide-links a").first.click()
    page.wait_for_url("**/guide/subcontracting")
    assert page.locator("article.guide-section").is_visible()
