"""The risk report in a real browser: the officer asks for a Latvian report on one supplier and
what is below it, watches its progress, downloads it, and finds it again under Reports."""

from __future__ import annotations

import pytest

from supplychain.demo import DEMO_EMAIL
from supplychain.reports import jobs
from tests.browser.conftest import assessed_demo, download_pdf, sign_in

pytestmark = pytest.mark.browser


def test_ask_watch_download(app, live_server, page, tmp_path):
    assessed_demo(app)
    sign_in(page, live_server, DEMO_EMAIL)

    page.get_by_role("link", name="Reports", exact=True).click()
    page.get_by_label("One supplier and everything below it").check()
    page.get_by_label("Supplier code").fill("DAUGAVKRASTA-IS")
    page.get_by_label("Language of the report").select_option("lv")
    page.get_by_role("button", name="Make the report").click()
    page.wait_for_url("**/reports/*")
    assert page.locator("progress").is_visible()  # queued: the worker has not run yet

    assert jobs.run_waiting(app) == 1
    reader = download_pdf(page, tmp_path)  # the page refreshes itself
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Saturs" in text and "Inženiersistēmas" in text
    assert page.locator("code.digest").inner_text() in page.content()

    page.get_by_role("link", name="Reports", exact=True).first.click()
    assert page.locator(".report-list").get_by_role("link", name="Download PDF").count() == 1
