"""The prevention guide in a real browser: contents, search, and a flag leading to its section."""

from __future__ import annotations

import pytest

from supplychain.demo import DEMO_EMAIL
from tests.browser.conftest import assessed_demo, sign_in

pytestmark = pytest.mark.browser


def test_contents_search_and_a_flag_leads_to_its_section(app, live_server, page):
    assessed_demo(app)
    sign_in(page, live_server, DEMO_EMAIL)

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
