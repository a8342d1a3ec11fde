"""Issue 22, the workers' pages: a site's page in the worker's language, the help numbers at
once, the check-in, a report with its tracking code, and reading the answers with the code."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlmodel import select

from supplychain import db
from supplychain.models import CaseMessage, CheckIn, Site, WorkerCase, utcnow
from supplychain.reference.worker_texts import WorkerTextsError
from supplychain.vocab import CaseStatus, IloIndicator
from supplychain.voice import checkin
from supplychain.voice.texts import FOLDER, load_texts
from tests.conftest import row_counts
from tests.factories import committed

RU = "Расскажите, что происходит на работе"
UK = "Розкажіть, що відбувається на роботі"


def _rows(app, model):
    with app.app_context():
        return db.get_session().exec(select(model)).all()


def test_the_page_speaks_the_browsers_language_and_switches_by_link(client, site):
    page = client.get(f"/w/{site['code']}", headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert RU in html and 'lang="ru"' in html
    assert f'href="/w/{site["code"]}?lang=uk"' in html
    assert UK in client.get(f"/w/{site['code']}?lang=uk").get_data(as_text=True)
    # a language the site does not offer is not taken
    with committed(client.application) as session:
        session.get(Site, site["id"]).languages = "lv,en"
    html = client.get(f"/w/{site['code']}?lang=ru").get_data(as_text=True)
    assert RU not in html and "Pastāstiet, kas notiek darbā" in html


def test_an_unknown_or_archived_site_is_not_found(client, site):
    assert client.get("/w/nosuchsite").status_code == 404
    assert client.get(f"/w/{site['code'].lower()}").status_code == 200  # typed by hand
    with committed(client.application) as session:
        session.get(Site, site["id"]).archived = True
    response = client.get(f"/w/{site['code']}")
    assert response.status_code == 404
    assert "Этот адрес неизвестен" in response.get_data(as_text=True)


def test_in_danger_the_numbers_come_at_once(client, site):
    page = client.get(f"/w/{site['code']}?lang=en").get_data(as_text=True)
    assert f'href="/w/{site["code"]}/help?lang=en">I am in danger now' in page
    html = client.get(f"/w/{site['code']}/help?lang=uk").get_data(as_text=True)
    assert 'href="tel:112"' in html and 'href="tel:+37128612120"' in html
    assert "<form" not in html


def test_a_check_in_is_kept_with_its_day_and_the_employer_named(client, site):
    url = f"/w/{site['code']}/check-in?lang=lv"
    form = client.get(url).get_data(as_text=True)
    assert "Celtnieks SIA" in form and "Kas ir jūsu darba devējs?" in form
    answers = {"fees": "yes", "documents": "employer", "paid": "maybe", "days_off": "0"}
    response = client.post(url, data={"employer": str(site["supplier_id"]), **answers})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/w/{site['code']}/thanks?lang=lv"
    assert "Paldies" in client.get(response.headers["Location"]).get_data(as_text=True)
    client.post(url, data={"employer": "unknown", "threats": "yes"})
    client.post(url, data={"employer": "999999"})  # no supplier of the site: not known
    first, second, third = sorted(_rows(client.application, CheckIn), key=lambda c: c.id)
    assert first.supplier_id == site["supplier_id"] and first.language == "lv"
    assert first.answers == {"fees": "yes", "documents": "employer", "days_off": "0"}
    assert first.given_on == utcnow().date()
    assert second.supplier_id is None and second.answers == {"threats": "yes"}
    assert third.supplier_id is None and third.answers == {}


def test_every_question_speaks_to_an_indicator():
    assert 6 <= len(checkin.QUESTIONS) <= 8
    assert checkin.indicators({"fees": "yes", "documents": "me"}, employer_known=False) == [
        IloIndicator.DECEPTION,
        IloIndicator.DEBT_BONDAGE,
    ]
    assert checkin.indicators({"days_off": "2", "paid": "yes"}, employer_known=True) == []
    for texts in load_texts().values():  # every language words every question and answer
        assert set(texts.questions) == {q.id for q in checkin.QUESTIONS}


def test_a_report_gives_a_code_once_and_keeps_only_its_hash(client, site):
    url = f"/w/{site['code']}/report?lang=ru"
    response = client.post(url, data={"text": "  Нам не платят  ", "contact": "Telegram @x"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Ваше сообщение отправлено" in html
    tracking = html.split('<p class="tracking"><code>', 1)[1].split("</code>", 1)[0]
    assert len(tracking) == 16
    (case,) = _rows(client.application, WorkerCase)
    assert case.code_hash == hashlib.sha256(tracking.encode()).hexdigest()
    assert (case.text, case.contact, case.language) == ("Нам не платят", "Telegram @x", "ru")
    assert case.status == CaseStatus.RECEIVED
    assert case.acknowledge_by == utcnow().date() + timedelta(days=7)
    assert case.site_id == site["id"] and case.organisation_id == site["org_id"]


def test_a_report_is_bounded(client, site):
    url = f"/w/{site['code']}/report?lang=en"
    too_long = client.post(url, data={"text": "x" * 4001})
    assert "at most 4000 letters" in too_long.get_data(as_text=True)
    assert "Write something first" in client.post(url, data={"text": " "}).get_data(as_text=True)
    refused = client.post(url, data={"text": "x" * 70_000})  # refused before it is parsed
    assert refused.status_code == 413 and "at most 4000 letters" in refused.text
    assert row_counts(client.application, WorkerCase) == [0]
    client.post(url, data={"text": "a\x00b\u202e"})  # control and invisible characters go
    assert [c.text for c in _rows(client.application, WorkerCase)] == ["ab"]


def test_with_the_code_the_worker_reads_the_answers_and_writes_again(client, site):
    html = client.post(f"/w/{site['code']}/report", data={"text": "Passports taken"}).text
    tracking = html.split('<p class="tracking"><code>', 1)[1].split("</code>", 1)[0]
    with committed(client.application) as session:
        case = session.exec(select(WorkerCase)).one()
        session.add(
            CaseMessage(
                organisation_id=case.organisation_id,
                case_id=case.id,
                from_worker=False,
                text="We will visit the site on Monday.",
            )
        )
    assert "<form" in client.get("/w/track?lang=en").text
    page = client.post("/w/track?lang=en", data={"tracking": tracking})
    assert "Passports taken" in page.text and "We will visit the site on Monday." in page.text
    reply = client.post("/w/track?lang=en", data={"tracking": tracking, "reply": "Thank you"})
    assert "Sent." in reply.text and "Thank you" in reply.text
    messages = _rows(client.application, CaseMessage)
    assert [(m.from_worker, m.text) for m in messages][-1] == (True, "Thank you")
    unknown = client.post("/w/track?lang=en", data={"tracking": "not-" + tracking})
    assert unknown.status_code == 404 and "We do not know this code" in unknown.text
    assert "Passports taken" not in unknown.text


def test_a_language_file_missing_a_text_or_an_answer_is_refused(tmp_path):
    english = (FOLDER / "en.yaml").read_text(encoding="utf-8")
    (tmp_path / "xx.yaml").write_text(english.replace("title: Tell", "titel: Tell"))
    with pytest.raises(WorkerTextsError, match=r"/xx.yaml: title: Field required"):
        load_texts(tmp_path)
    (tmp_path / "xx.yaml").write_text(english.replace('{"no": "No", "yes": "Yes"}', "{}"))
    with pytest.raises(WorkerTextsError, match=r"threats: the options must be no, yes"):
        load_texts.__wrapped__(tmp_path)
