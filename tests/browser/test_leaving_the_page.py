"""Issue 18: on a phone, an answer typed just before leaving the page (the language switch, a
section link) is on the next page, and saving that page keeps it."""

from __future__ import annotations

import pytest
from sqlmodel import select

from supplychain import db
from supplychain.models import Answer
from tests.respond.conftest import invite
from tests.respond.test_documents import PDF

pytestmark = pytest.mark.browser


def _stored(app) -> dict:
    with app.app_context():
        return {a.question_id: a.value for a in db.get_session().exec(select(Answer))}


def test_answers_typed_before_leaving_are_on_the_next_page(app, live_server, phone):
    invited = invite(app)
    identity, workforce = invited["questionnaire"].sections[:2]
    phone.goto(invited["link"].replace(app.config["BASE_URL"], live_server))
    phone.get_by_role("link", name="English").click()
    phone.get_by_role("button", name="Start").click()
    phone.wait_for_url(f"{live_server}/r/answer")

    # Typed, a choice ticked and a document chosen, then at once the language switch.
    phone.locator("#registration_no").fill("40003123456")
    phone.locator('input[name="main_sector"]').first.check()
    phone.locator("#registration_documents").set_input_files(
        files=[{"name": "extract.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    phone.locator('.lang-switch [lang="lv"]').click()  # a link before issue 18
    phone.locator('html[lang="lv"]').wait_for(state="attached")
    assert phone.locator("#registration_no").input_value() == "40003123456"
    assert phone.locator('input[name="main_sector"]').first.is_checked()
    assert phone.get_by_text("extract.pdf").is_visible()

    # A section link with the identity section still incomplete: it goes, and keeps the answer.
    phone.locator("#registration_no").fill("40003999999")
    phone.get_by_role("button", name=workforce.title.get("lv")).click()
    phone.wait_for_url(f"{live_server}/r/answer?section={workforce.id}")
    phone.get_by_role("button", name=identity.title.get("lv")).click()
    phone.wait_for_url(f"{live_server}/r/answer?section={identity.id}")
    assert phone.locator("#registration_no").input_value() == "40003999999"

    # Saving the page (it asks for the identity section's other answers) blanks nothing.
    phone.get_by_role("button", name="Saglabāt un turpināt").click()
    phone.locator(".form-errors").wait_for()
    assert phone.locator("#registration_no").input_value() == "40003999999"
    stored = _stored(app)
    assert stored["registration_no"] == "40003999999" and stored["main_sector"]
    assert [d["filename"] for d in stored["registration_documents"]] == ["extract.pdf"]
