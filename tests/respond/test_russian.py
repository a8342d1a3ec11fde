"""A supplier invited in Russian: the mail, the answering pages, an error, the receipt and the
copy of the answers speak Russian, with no English source text of ours left on them; the
supplier can switch to Latvian or English."""

from __future__ import annotations

import io
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import read_po
from pypdf import PdfReader
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from supplychain import db, formats
from supplychain.models import Invitation, OutboxMessage, Response, Role
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.questionnaires.sample import plain_answers
from tests.answering import section_form
from tests.factories import make_org, make_supplier, make_user, send_campaign
from tests.respond.conftest import csrf_of, start, token_of

CATALOG = (
    Path(__file__).resolve().parents[2] / "supplychain/translations/ru/LC_MESSAGES/messages.po"
)
AGENCY = "agency-screening"


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@cache
def _english_sources() -> list[tuple[str, re.Pattern[str]]]:
    """Every English source text of the catalogue with a pattern that finds it on a page (a
    placeholder matches any words). One of a single word must be a whole line of the page:
    "Start" or "%(n)d agencies" is also part of many an English name in the data."""
    with CATALOG.open("rb") as handle:
        ids = [
            i
            for m in read_po(handle)
            if m.id
            for i in (m.id if isinstance(m.id, tuple) else (m.id,))
        ]
    found = []
    for source in ids:
        pattern = r"[^\n]+?".join(re.escape(part) for part in PLACEHOLDER.split(source))
        if " " not in PLACEHOLDER.sub("", source).strip():
            pattern = f"^{pattern}$"
        found.append((source, re.compile(pattern, re.MULTILINE)))
    return found


class _Texts(HTMLParser):
    """The texts a person reads or hears on a page: its text and its labelling attributes."""

    SPOKEN = {"aria-label", "title", "placeholder", "alt"}

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("script", "style")
        self.texts += [v for k, v in attrs if k in self.SPOKEN and v]

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.texts += [line for line in data.splitlines()]


def _fallback(questionnaire: Any) -> set[str]:
    """The questionnaire's English texts: shown where it has no Russian yet."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("en"), str):
                found.add(" ".join(node["en"].split()))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(questionnaire.model_dump())
    return found


def english_left(text: str, questionnaire: Any, *, html: bool = True) -> list[str]:
    """The English source texts of ours found in text (a page, or a mail's plain text)."""
    if html:
        parser = _Texts()
        parser.feed(text)
        texts = parser.texts
    else:
        texts = text.splitlines()
    joined = "\n".join(t for t in (" ".join(t.split()) for t in texts) if t)
    for allowed in sorted(_fallback(questionnaire), key=len, reverse=True):
        joined = joined.replace(allowed, "…")  # also inside a sentence, as a title is
    return sorted(source for source, pattern in _english_sources() if pattern.search(joined))


SELF = "supplier-self-assessment"
# Per questionnaire: the answers that open its tables, and an answer a section refuses.
OPENED = {
    AGENCY: {},
    SELF: {
        "uses_subcontractors": "yes",
        "subcontractors": [
            {"name": "Jumiķi SIA", "registration_no": "40103999001", "country": "LV",
             "email": "", "activity": "Jumti", "workers": 6, "subcontracts_further": "no"}
        ],
    },
}  # fmt: skip
WRONG = {AGENCY: ("pay_and_time", "weekly_hours"), SELF: ("identity", "founded_year")}


@pytest.fixture
def russian(app, request):
    """An agency in Latvia invited in Russian (or to the questionnaire the test's parameter
    names); its link and the questionnaire."""
    which = getattr(request, "param", AGENCY)
    with app.app_context():
        session = db.get_session()
        org = make_org(session, "buyer", "Buyer AS")
        officer = make_user(session, org, Role.OFFICER)
        agency = make_supplier(
            session, org, code="A1", name="Darba Roka SIA", email="hr@roka.lv", country="LV"
        )
        questionnaire = get_catalogue().current[which]
        _c, [link] = send_campaign(
            session,
            org.id,
            [agency.id],
            questionnaire=which,
            user_id=officer.id,
            message="Просим ответить до конца месяца.",
            language="ru",
        )
        session.commit()
        return {"token": token_of(link.url), "questionnaire": questionnaire}


def _russian_page(response: Any, questionnaire: Any) -> str:
    page = response.get_data(as_text=True)
    assert '<html lang="ru">' in page
    assert english_left(page, questionnaire) == []
    return page


@pytest.mark.parametrize("russian", [AGENCY, SELF], indirect=True)
def test_the_mail_and_every_page_speak_russian(app, client, russian):
    questionnaire = russian["questionnaire"]
    wrong_section, wrong_question = WRONG[questionnaire.id]
    with app.app_context():
        session = db.get_session()
        assert session.exec(select(Invitation.language)).one() == "ru"
        mail = session.exec(select(OutboxMessage)).one()
    assert mail.subject.startswith("supplychain: «Buyer AS» просит вас заполнить анкету")
    assert english_left(mail.text_body, questionnaire, html=False) == []
    assert english_left(mail.html_body, questionnaire) == []
    assert "Пожалуйста, ответьте до" in mail.text_body

    landing = _russian_page(client.get(f"/r/{russian['token']}"), questionnaire)
    assert "Количество вопросов: от" in landing
    start(client, russian["token"])
    # Supplier text with markup: the copies show it as typed and never as markup.
    typed = {"registration_no": "ООО <b>Рука</b> & Ко"}
    answers = plain_answers(questionnaire, {**OPENED[questionnaire.id], **typed})
    for section in questionnaire.sections:
        url = f"/r/answer?section={section.id}"
        _russian_page(client.get(url), questionnaire)
        data = [("csrf_token", csrf_of(client, url)), ("go", "next")]
        posted = section_form(questionnaire, section.id, answers)
        if section.id == wrong_section:  # a wrong answer first: the error is in Russian
            wrong = [(k, "много" if k == wrong_question else v) for k, v in posted]
            error = client.post(url, data=MultiDict(data + wrong))
            assert "Введите целое число" in _russian_page(error, questionnaire)
        assert client.post(url, data=MultiDict(data + posted)).status_code == 303, section.id
    _russian_page(client.get("/r/review"), questionnaire)
    client.post(
        "/r/review",
        data={"csrf_token": csrf_of(client, "/r/review"), "respondent_name": "Анна Петрова"},
    )
    done = _russian_page(client.get("/r/done"), questionnaire)
    assert "Спасибо" in done and "Анна Петрова" in done
    assert "&lt;b&gt;Рука&lt;/b&gt; &amp; Ко" in _russian_page(client.get("/r/copy"), questionnaire)
    # The PDF copy: the question and the answer as typed, the date in Russian.
    pdf = client.get("/r/copy.pdf")
    assert pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.data)).pages
    )
    assert "Регистрационный номер компании ООО <b>Рука</b> & Ко" in text
    assert "Анна Петрова" in text and f"Версия анкеты: {questionnaire.version}" in text
    with app.app_context():
        submitted = db.get_session().exec(select(Response.submitted_at)).one()
    zone = ZoneInfo(app.config["TIMEZONE"])
    moment = " ".join(formats.format_datetime(submitted, "ru", zone).split())
    assert f"Отправлено {moment}" in text  # in Riga time, labelled with its offset


def test_too_much_at_once_says_so_in_russian(app, client, russian):
    start(client, russian["token"])
    url = "/r/answer?section=agency"
    csrf = csrf_of(client, url)
    app.config["MAX_CONTENT_LENGTH"] = 4096
    page = client.post(url, data={"csrf_token": csrf, "registration_no": "4" * 5000})
    assert page.status_code == 413
    assert "Слишком много за один раз" in _russian_page(page, russian["questionnaire"])


def test_a_dead_link_says_so_in_russian(client, russian):
    page = client.get("/r/not-a-link", headers={"Accept-Language": "ru,en;q=0.5"})
    assert page.status_code == 404
    assert "Эта ссылка не работает" in _russian_page(page, russian["questionnaire"])
    # Its switch draws the same page in Latvian without repeating the link.
    latvian = client.get("/r/language/lv")
    assert latvian.status_code == 404 and '<html lang="lv">' in latvian.get_data(as_text=True)
    assert client.get("/r/language/xx").status_code == 404
    # The check finds English where there is some.
    english = client.get("/r/language/en").get_data(as_text=True)
    assert "This link does not work" in english_left(english, russian["questionnaire"])


def test_the_supplier_switches_from_russian(client, russian):
    landing = client.get(f"/r/{russian['token']}").get_data(as_text=True)
    assert 'lang="lv"' in landing and "Latviešu" in landing and "English" in landing
    start(client, russian["token"])
    url = "/r/answer?section=agency"
    switched = client.post(url, data={"csrf_token": csrf_of(client, url), "go": "lang:lv"})
    assert switched.status_code == 303
    assert '<html lang="lv">' in client.get(url).get_data(as_text=True)
    back = client.get("/r/language/ru?next=/r/review")
    assert back.headers["Location"] == "/r/review"
    assert '<html lang="ru">' in client.get("/r/review").get_data(as_text=True)
