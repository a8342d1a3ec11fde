"""A questionnaire page in a real browser: show_if reveals questions, tables grow, answers check."""

from __future__ import annotations

import pytest

from tests.browser.test_accounts_journey import _sign_up
from tests.questionnaires.conftest import DATA

pytestmark = pytest.mark.browser


def test_conditional_questions_and_table_rows(app, live_server, page):
    app.config["QUESTIONNAIRES_DIR"] = str(DATA)  # the test questionnaire with every type
    _sign_up(page, live_server, "anketa", app)
    page.goto(f"{live_server}/questionnaires/every-type/preview?lang=en")
    agencies = page.locator("#q-agencies")
    languages = page.locator("#q-languages")
    assert agencies.is_hidden() and languages.is_hidden()

    page.locator("#q-uses_agencies").get_by_label("Yes").check()
    assert agencies.is_visible()
    rows = agencies.locator("[data-row]")
    before = rows.count()
    page.get_by_role("button", name="Add a row").click()
    assert rows.count() == before + 1
    assert rows.last.locator("input").first.evaluate("el => el === document.activeElement")
    page.locator("#agencies-0-name").fill("Darba Spēks SIA")
    page.locator("#agencies-0-country").fill("lv")
    page.locator(f"#agencies-{before}-name").fill("Second Staffing OÜ")

    page.get_by_label("Share of migrant workers").fill("20")
    assert languages.is_visible()
    page.get_by_label("Share of migrant workers").fill("0")
    assert languages.is_hidden()

    page.get_by_role("button", name="Check the answers").click()
    assert page.locator("#pay_method-error").inner_text() == "Please answer this question."
    # After a risky answer, an optional note to explain it; gone again after a safe one.
    note = page.locator("#q-pay_method_note")
    assert note.is_hidden()
    page.get_by_label("In cash").check()
    assert note.is_visible()
    assert page.locator("#q-agencies").is_visible()  # kept open: its answer was yes
    page.get_by_label("Into their own account").check()
    page.get_by_label("Normal weekly hours").fill("40")
    page.get_by_role("button", name="Check the answers").click()
    summary = page.locator(".answers-summary")
    summary.wait_for(state="visible")  # the page the form's POST answers (is_visible waits not)
    text = summary.inner_text()
    assert "Darba Spēks SIA" in text and "LV" in text and "Second Staffing OÜ" in text
