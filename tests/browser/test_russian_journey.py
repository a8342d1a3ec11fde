"""Issue 23: the officer sends a questionnaire in Russian; the supplier answers it on a phone from
the mailed link, in Russian, glancing at the Latvian on the way."""

from __future__ import annotations

import pytest

from supplychain import db
from supplychain.demo import DEMO_EMAIL, load_demo
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.questionnaires.sample import plain_answers
from supplychain.worker import run_once
from tests.browser.conftest import sign_in
from tests.browser.test_answering_journey import _fill_section

pytestmark = pytest.mark.browser

AGENCY = "agency-screening"


def test_a_supplier_answers_in_russian_on_a_phone(app, live_server, browser, phone, smtp):
    with app.app_context():
        load_demo(session=db.get_session(), password="demo passphrase 1")
        db.get_session().commit()
        questionnaire = get_catalogue().current[AGENCY]

    officer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(officer, live_server, DEMO_EMAIL, "demo passphrase 1")
    officer.goto(f"{live_server}/chain/suppliers?q=RIGAFORM")
    officer.get_by_role("link", name="SIA Rīgas Veidņi").click()
    officer.get_by_role("link", name="Send a questionnaire").click()
    officer.get_by_label("Questionnaire").select_option(AGENCY)
    officer.get_by_label("Language of the invitation").select_option("ru")
    officer.get_by_role("button", name="Send", exact=True).click()
    assert officer.locator("td[lang=ru]").inner_text() == "Русский"
    assert run_once(app)["sent"] == 1
    [mail] = smtp.messages
    assert "просит вас заполнить анкету" in mail["Subject"]
    [link] = [url for url in smtp.links(mail) if "/r/" in url]

    phone.goto(link.replace(app.config["BASE_URL"], live_server))
    assert phone.locator("html").get_attribute("lang") == "ru"
    phone.get_by_role("button", name="Начать").click()
    phone.wait_for_url(f"{live_server}/r/answer")
    phone.get_by_role("button", name="Latviešu").click()  # a look at the Latvian, then back
    assert phone.get_by_role("button", name="Saglabāt un turpināt").is_visible()
    phone.get_by_role("button", name="Русский").click()
    answers = plain_answers(questionnaire)
    for section in questionnaire.sections:
        _fill_section(phone, questionnaire, section.id, answers)
        phone.get_by_role("button", name="Сохранить и").click()
        phone.wait_for_load_state()
    assert phone.get_by_role("heading", name="Проверка и отправка").is_visible()
    phone.get_by_label("Ваше имя и должность").fill("Анна Петрова, директор")
    phone.get_by_role("button", name="Отправить ответы").click()
    phone.get_by_role("heading", name="Спасибо").wait_for()
    # Nothing on the phone's page is wider than the screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
