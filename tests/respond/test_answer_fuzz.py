"""Generated answers (hypothesis) posted to the supplier's pages: never a server error, and
whatever is kept is something the pages accept as it is."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from supplychain import db
from supplychain.models import Response
from supplychain.questionnaires.services import stored_answers
from tests.answering import section_form
from tests.respond.conftest import csrf_of, start
from tests.strategies import EXAMPLES, nasty


@pytest.fixture
def answering(app, invited):
    app.config["RESPOND_RATE_LIMIT"] = "100000 per minute"  # hundreds of requests, one client
    client = app.test_client()
    assert start(client, invited["token"]).status_code in (302, 303)
    return client


def _stored(app, invited) -> dict:
    with app.app_context():
        session = db.get_session()
        response = session.exec(
            select(Response).where(Response.supplier_id == invited["first"])
        ).one()
        return stored_answers(session, response)


@st.composite
def section_posts(draw, questionnaire):
    """A section, and the (name, value) pairs posted for it: real field names (table cells
    with any row index) and stray ones, each with a valid, nasty or missing value."""
    section = draw(st.sampled_from(questionnaire.sections))
    names = []
    for question in section.questions:
        if question.type == "table":
            columns = [c.id for c in question.columns]
            names += [f"{question.id}-{draw(st.integers(0, 12))}-{c}" for c in columns]
        else:
            names.append(question.id)
    names += draw(st.lists(st.sampled_from(["go", "csrf_token", "x-0-y", "__proto__"]), max_size=2))
    choices = {
        question.id: [o.value for o in getattr(question, "options", [])]
        for question in section.questions
    }
    pairs = []
    for name in draw(st.lists(st.sampled_from(names), max_size=len(names) + 3)):
        options = choices.get(name) or []
        pairs.append((name, draw(st.one_of(nasty, st.sampled_from(options or [""])))))
    return section.id, pairs


def test_answers_posted_with_any_values_never_fail_and_what_is_kept_is_accepted(
    app, invited, answering
):
    questionnaire = invited["questionnaire"]

    @EXAMPLES
    @given(post=section_posts(questionnaire))
    def check(post):
        section_id, pairs = post
        url = f"/r/answer?section={section_id}"
        token = csrf_of(answering, url)
        saved = answering.post(url, data=MultiDict([("csrf_token", token), *pairs]))
        assert saved.status_code in (200, 303), saved.status_code
        kept = _stored(app, invited)
        assert answering.get(url).status_code == 200
        assert answering.get("/r/review").status_code == 200
        # What was kept is what the page accepts: posting it back changes nothing.
        again = section_form(questionnaire, section_id, kept)
        token = csrf_of(answering, url)
        assert answering.post(url, data=MultiDict([("csrf_token", token), *again])).status_code in (
            200,
            303,
        )
        assert _stored(app, invited) == kept

    check()
