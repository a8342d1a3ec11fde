"""A supplier answers from its link: start, sections saved as it goes, review, submit, receipt;
the companies it names become proposed links for the officer."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from pypdf import PdfReader
from sqlmodel import col, select
from werkzeug.datastructures import MultiDict

from supplychain import db
from supplychain.models import (
    Answer,
    AssessmentRun,
    AuditEvent,
    Invitation,
    Link,
    LinkStatus,
    Response,
    ResponseStatus,
    Role,
    Supplier,
)
from supplychain.questionnaires.sample import Length, plain_answers
from supplychain.questionnaires.sample import length as questionnaire_length
from tests.answering import section_form
from tests.conftest import row_counts
from tests.respond.conftest import csrf_of, post_section, start

SUBCONTRACTORS = [
    {
        "name": "Jumiķi SIA",
        "registration_no": "40103999001",
        "country": "LV",
        "email": "info@jumiki.lv",
        "activity": "Roofing",
        "workers": 6,
        "subcontracts_further": "no",
    },
    {
        "name": "Betons Plus OÜ",
        "registration_no": "EE1234567",
        "country": "EE",
        "email": "",
        "activity": "Concrete",
        "workers": 12,
        "subcontracts_further": "yes",
    },
]


def _rows(app, model) -> int:
    [count] = row_counts(app, model)
    return count


def test_opening_the_link_changes_nothing(app, client, invited):
    page = client.get(f"/r/{invited['token']}?lang=en")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Pirmais Būvnieks SIA" in text
    # The first page says how long it is, who reads the answers and why they are asked.
    # A blank response shows 33 questions; its answers may open up to 78: about 20 seconds each.
    assert questionnaire_length(invited["questionnaire"]) == Length(fewest=33, most=78)
    assert "Between 33 and 78 questions" in text
    assert "about 15 to 30 minutes, counting about 20 seconds a question" in text
    assert "Buyer AS who work with suppliers" in text and "not to punish" in text
    assert page.headers["Referrer-Policy"] == "no-referrer"
    with app.app_context():
        invitation = db.get_session().get(Invitation, 1)
        assert invitation.opened_at is None
    assert _rows(app, Response) == 0


def test_a_questionnaire_without_branches_promises_about_so_many_questions(app):
    def about(lang):
        with app.test_request_context(), force_locale(lang):
            return render_template("respond/_about.html", length=Length(14, 14), organisation="B")

    assert "About 14 questions." in about("en") and "about 5 minutes, counting" in about("en")
    assert "Количество вопросов: около 14." in about("ru") and "около 20 с на вопрос" in about("ru")


def test_start_leaves_the_token_behind(client, invited):
    response = start(client, invited["token"])
    assert response.status_code == 303
    assert response.headers["Location"] == "/r/answer"
    assert invited["token"] not in response.headers["Location"]
    page = client.get("/r/answer")
    assert page.status_code == 200 and invited["token"] not in page.get_data(as_text=True)


def test_returning_through_the_link_opens_the_first_unanswered_section(app, client, invited):
    questionnaire = invited["questionnaire"]
    answers = plain_answers(questionnaire)
    first, second, third = (s.id for s in questionnaire.sections[:3])
    start(client, invited["token"])
    for section_id in (first, third):
        _answer_section(client, questionnaire, section_id, answers)
    assert client.get("/r/copy.pdf").headers["Location"] == "/r/answer"  # no PDF of a draft
    # The same link again, in another browser: on at the second section, not the first.
    again = app.test_client()
    assert start(again, invited["token"]).headers["Location"] == f"/r/answer?section={second}"
    _answer_everything(client, questionnaire, answers)
    assert start(again, invited["token"]).headers["Location"] == "/r/review"


def _answer_everything(client, questionnaire, answers):
    for section in questionnaire.sections:
        _answer_section(client, questionnaire, section.id, answers)


def _answer_section(client, questionnaire, section_id, answers):
    url = f"/r/answer?section={section_id}"
    data = [("csrf_token", csrf_of(client, url)), ("go", "next")]
    data += section_form(questionnaire, section_id, answers)
    response = client.post(url, data=MultiDict(data))
    errors = re.findall(r'<p class="error" id="([^"]+)">([^<]*)', response.get_data(as_text=True))
    assert response.status_code == 303, (section_id, errors)


def test_answer_submit_and_disclose_two_subcontractors(app, client, invited):
    questionnaire = invited["questionnaire"]
    answers = plain_answers(
        questionnaire, {"uses_subcontractors": "yes", "subcontractors": SUBCONTRACTORS}
    )
    start(client, invited["token"])
    _answer_everything(client, questionnaire, answers)
    review = client.get("/r/review").get_data(as_text=True)
    assert "Jumiķi SIA" in review and "Uz dažiem obligātajiem" not in review
    response = client.post(
        "/r/review",
        data={"csrf_token": csrf_of(client, "/r/review"), "respondent_name": "Anna Bērziņa"},
    )
    assert response.status_code == 303 and response.headers["Location"] == "/r/done"
    done = client.get("/r/done").get_data(as_text=True)
    assert "Anna Bērziņa" in done and 'href="/r/copy.pdf"' in done
    copy = client.get("/r/copy")
    name = f"answers-{questionnaire.id}-v{questionnaire.version}-1"
    assert copy.headers["Content-Disposition"] == f"attachment; filename={name}.html"
    assert "Betons Plus OÜ" in copy.get_data(as_text=True)
    assert 'href="https://supplychain.test/r/copy.pdf"' in copy.get_data(as_text=True)
    pdf = client.get("/r/copy.pdf")
    assert pdf.headers["Content-Disposition"] == f"attachment; filename={name}.pdf"
    assert "Betons Plus OÜ" in "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages
    )

    with app.app_context():
        session = db.get_session()
        stored = session.exec(select(Response)).one()
        assert stored.status == ResponseStatus.SUBMITTED
        assert stored.questionnaire_id == questionnaire.id
        assert stored.questionnaire_version == questionnaire.version
        assert stored.supplier_id == invited["first"]
        proposed = session.exec(select(Link).where(Link.status == LinkStatus.PROPOSED)).all()
        assert sorted(link.workers for link in proposed) == [6, 12]
        assert {link.parent_id for link in proposed} == {invited["first"]}
        count = len(session.exec(select(Answer)).all())
        assert count == len(answers)
    # Submitted means read-only: a further post changes nothing.
    client.post("/r/answer?section=identity", data={"registration_no": "changed"})
    assert _rows(app, Answer) == count


def test_submit_writes_its_audit_trail_and_queues_one_assessment_in_few_statements(
    app, client, invited
):
    """The submit is the slowest step of answering: a guard on its statements (two new
    companies named: 20 on SQLite; 18 on PostgreSQL, which adds both suppliers and both links
    in one INSERT each; two of them are the marks naming the supplier and the companies it
    named for the next assessment)."""
    questionnaire = invited["questionnaire"]
    answers = plain_answers(
        questionnaire, {"uses_subcontractors": "yes", "subcontractors": SUBCONTRACTORS}
    )
    start(client, invited["token"])
    _answer_everything(client, questionnaire, answers)
    body = {"csrf_token": csrf_of(client, "/r/review"), "respondent_name": " Anna Bērziņa "}
    statements: list[str] = []
    with app.app_context():  # the run the fixture's suppliers queued: taken by a worker
        db.get_session().execute(sa.delete(AssessmentRun))
        db.get_session().commit()

    def count(_conn, _cursor, statement, *_args) -> None:
        # The rate limit's counter (in the database on PostgreSQL) is not the submit's work.
        if "rate_limit_counter" not in statement:
            statements.append(statement)

    engine = app.extensions["engine"]
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.post("/r/review", data=body).status_code == 303
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert len(statements) <= (20 if engine.dialect.name == "sqlite" else 18), statements

    with app.app_context():
        session = db.get_session()
        events = session.exec(
            select(AuditEvent)
            .where(AuditEvent.organisation_id == invited["org"])
            .order_by(col(AuditEvent.id))
        ).all()
        trail = [(e.action, e.object_type, e.user_id) for e in events[-5:]]
        assert trail == [
            ("supplier.created", "supplier", None),
            ("link.created", "link", None),
            ("supplier.created", "supplier", None),
            ("link.created", "link", None),
            ("response.submitted", "response", None),
        ]
        submitted = events[-1]
        response = session.exec(select(Response)).one()
        assert submitted.object_id == response.id
        assert submitted.details == {
            "supplier_id": invited["first"],
            "respondent": "Anna Bērziņa",
            "disclosed": 2,
        }
        assert submitted.created_at is not None
        runs = session.exec(select(AssessmentRun)).all()
        assert [(run.trigger, run.status.value) for run in runs] == [("response", "queued")]


def test_disclosed_countries_typed_as_names_become_codes(app, client, invited):
    """The supplier types countries by name (Latvian, Russian): they are kept as codes, and
    "Latvija" is Latvia, not Laos; a name that is no country is refused, showing it."""
    questionnaire = invited["questionnaire"]
    start(client, invited["token"])
    page = client.get("/r/answer?section=agencies_and_subcontractors").get_data(as_text=True)
    assert '<option value="Latvija (LV)">' in page and 'maxlength="2"' not in page
    rows = [
        {**SUBCONTRACTORS[0], "country": "Latvija"},
        {**SUBCONTRACTORS[1], "country": "Lettland"},
    ]
    answers = plain_answers(questionnaire, {"uses_subcontractors": "yes", "subcontractors": rows})
    section = "agencies_and_subcontractors"
    data = [("csrf_token", csrf_of(client, f"/r/answer?section={section}")), ("go", "next")]
    refused = client.post(
        f"/r/answer?section={section}",
        data=MultiDict(data + section_form(questionnaire, section, answers)),
    )
    assert refused.status_code == 200
    # in the invitation's language (Latvian for a supplier in Latvia), showing what was typed
    assert "„Lettland” nav mums zināma valsts" in refused.get_data(as_text=True)
    rows[1]["country"] = "эстония"
    answers = plain_answers(questionnaire, {"uses_subcontractors": "yes", "subcontractors": rows})
    _answer_everything(client, questionnaire, answers)
    client.post(
        "/r/review", data={"csrf_token": csrf_of(client, "/r/review"), "respondent_name": "A"}
    )
    with app.app_context():
        session = db.get_session()
        proposed = session.exec(select(Link).where(Link.status == LinkStatus.PROPOSED)).all()
        named = {session.get(Supplier, link.child_id).country for link in proposed}
        assert named == {"LV", "EE"}


def test_bad_answers_are_named_and_the_good_ones_kept(app, client, invited):
    start(client, invited["token"])
    response = post_section(
        client,
        "identity",
        {"registration_no": "40003123456", "founded_year": "long ago", "go": "next"},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert (
        'id="founded_year-error"' in page and "Ievadiet veselu skaitli" in page
    )  # Latvian supplier
    with app.app_context():
        kept = db.get_session().exec(select(Answer)).all()
        assert [(a.question_id, a.value) for a in kept] == [("registration_no", "40003123456")]
    # Resumed later from the page: the saved answer is there.
    assert 'value="40003123456"' in client.get("/r/answer?section=identity").get_data(as_text=True)


def test_review_names_the_sections_still_missing_answers(client, invited):
    start(client, invited["token"])
    page = client.get("/r/review").get_data(as_text=True)
    assert "Uz dažiem obligātajiem jautājumiem vēl nav atbildēts" in page  # Latvian supplier
    assert "/r/answer?section=identity" in page
    response = client.post(
        "/r/review", data={"csrf_token": csrf_of(client, "/r/answer"), "respondent_name": "X"}
    )
    assert response.status_code == 200  # not submitted


def test_autosave_keeps_a_section_when_the_page_is_left(app, client, invited):
    start(client, invited["token"])
    url = "/r/answer?section=identity"
    response = client.post(
        "/r/answer/save?section=identity",
        data={"csrf_token": csrf_of(client, url), "registration_no": "40003000777"},
    )
    assert response.status_code == 204
    assert _rows(app, Answer) == 1


def test_the_page_speaks_the_suppliers_language(client, invited):
    start(client, invited["token"])  # a Latvian supplier: Latvian first
    page = client.get("/r/answer").get_data(as_text=True)
    assert '<html lang="lv">' in page
    client.get("/account/language/en?next=/r/answer")
    assert '<html lang="en">' in client.get("/r/answer").get_data(as_text=True)


def test_yes_and_no_are_offered_in_the_pages_language(client, invited):
    """Also when the section's form was first built by an autosave in another locale."""
    start(client, invited["token"])
    client.get("/account/language/en?next=/r/answer")
    csrf = csrf_of(client, "/r/answer?section=workforce")
    client.post("/r/answer/save?section=identity&lang=lv", data={"csrf_token": csrf})
    latvian = client.get("/r/answer?section=identity&lang=lv").get_data(as_text=True)
    assert "> Jā</label>" in latvian and "> Nē</label>" in latvian
    english = client.get("/r/answer?section=identity").get_data(as_text=True)
    assert "> Yes</label>" in english and "> No</label>" in english


def test_a_link_sent_for_the_previous_version_is_answered_with_it(app, client):
    """Version 2 replaced version 1 (issue 19); a link sent before is still answered, to the
    end, with the questions of version 1, and the answers are stored under version 1."""

    from supplychain.questionnaires.catalogue import get_catalogue
    from tests.factories import make_org, make_supplier, make_user, send_campaign
    from tests.respond.conftest import token_of

    with app.app_context():
        session = db.get_session()
        catalogue = get_catalogue()
        old = catalogue.get("supplier-self-assessment", 1)
        assert old is not None and catalogue.current["supplier-self-assessment"].version > 1
        org = make_org(session, "buyer-old", "Buyer AS")
        officer = make_user(session, org, Role.OFFICER, email="officer@old.example")
        supplier = make_supplier(session, org, code="V1", email="v1@supplier.example")
        _campaign, links = send_campaign(
            session, org.id, [supplier.id], questionnaire=old, user_id=officer.id
        )
        session.commit()
    start(client, token_of(links[0].url))
    only_in_v1 = "written_contracts"  # merged into contract_problems in version 2
    [section] = [s for s in old.sections if only_in_v1 in {q.id for q in s.questions}]
    page = client.get(f"/r/answer?section={section.id}").get_data(as_text=True)
    assert f'name="{only_in_v1}"' in page and 'name="contract_problems"' not in page
    _answer_everything(client, old, plain_answers(old))
    body = {"csrf_token": csrf_of(client, "/r/review"), "respondent_name": "Anna Bērziņa"}
    assert client.post("/r/review", data=body).status_code == 303
    with app.app_context():
        response = db.get_session().exec(select(Response)).one()
        assert (response.questionnaire_version, response.status.value) == (1, "submitted")
