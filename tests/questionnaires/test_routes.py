"""Questionnaire pages: the list, previews in every language, the organisation's own assessment."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlmodel import func, select

from supplychain import db
from supplychain.models import Answer, AuditEvent, Response, Role
from supplychain.questionnaires.catalogue import get_catalogue
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_org, make_user


@pytest.fixture
def people(app):
    with app.app_context():
        session = db.get_session()
        org = make_org(session, "ours")
        make_user(session, org, Role.OFFICER, email="officer@ours.example")
        make_user(session, org, Role.VIEWER, email="viewer@ours.example")
        session.commit()


@pytest.fixture
def officer(client, people):
    login(client, "officer@ours.example", PASSWORD)
    return client


def _count(app, model) -> int:
    with app.app_context():
        return int(db.get_session().exec(select(func.count()).select_from(model)).one())


def test_the_list_offers_a_preview_in_every_language(app, officer):
    page = officer.get("/questionnaires/").get_data(as_text=True)
    with app.app_context():
        catalogue = get_catalogue()
    for q in catalogue.current.values():
        assert escape(q.title.get("en")) in page
        for lang in q.languages:
            assert f"/questionnaires/{q.id}/preview?lang={lang}" in page


def test_every_questionnaire_renders_in_every_language(app, officer):
    with app.app_context():
        catalogue = get_catalogue()
    for q in catalogue.versions.values():
        for lang in q.languages:
            response = officer.get(
                f"/questionnaires/{q.id}/preview?lang={lang}&version={q.version}"
            )
            assert response.status_code == 200
            page = response.get_data(as_text=True)
            assert f'<html lang="{lang}">' in page
            for question in q.questions():
                assert escape(question.text.get(lang)) in page, (
                    q.id,
                    lang,
                    question.id,
                )
                assert f'data-question="{question.id}"' in page


def test_preview_checks_answers_and_stores_nothing(app, officer):
    url = "/questionnaires/supplier-self-assessment/preview?lang=lv"
    response = post_form(officer, url, {"founded_year": "sen"}, page=url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'class="error"' in page and "Lūdzu" in page
    assert _count(app, Response) == 0 and _count(app, Answer) == 0


def test_unknown_questionnaire_is_404(officer):
    assert officer.get("/questionnaires/no-such/preview").status_code == 404
    assert (
        officer.get("/questionnaires/supplier-self-assessment/preview?version=99").status_code
        == 404
    )


def _all_no(app) -> dict[str, str]:
    with app.app_context():
        q = get_catalogue().current["company-risk-assessment"]
    return {question.id: "no" for question in q.questions() if question.type == "yes_no"}


def test_own_risk_assessment_sets_the_profile_on_the_dashboard(app, officer):
    before = officer.get("/").get_data(as_text=True)
    assert "Not assessed yet" in before
    url = "/questionnaires/risk-assessment"
    answers = _all_no(app)
    response = post_form(officer, url, answers, page=url)
    assert response.status_code == 302, response.get_data(as_text=True)
    page = officer.get("/").get_data(as_text=True)
    assert f"None of the {len(answers)} risk statements applies" in page

    risky = dict(answers)
    first = next(iter(risky))
    risky[first] = "yes"
    post_form(officer, url, risky, page=url)
    page = officer.get("/").get_data(as_text=True)
    assert f"1 of {len(answers)} risk statements applies" in page
    with app.app_context():
        session = db.get_session()
        responses = session.exec(select(Response).order_by(Response.id)).all()
        assert [(r.questionnaire_id, r.supplier_id, r.status.value) for r in responses] == [
            ("company-risk-assessment", None, "submitted")
        ] * 2
        events = session.exec(
            select(AuditEvent).where(AuditEvent.action == "risk_assessment.submitted")
        )
        assert len(events.all()) == 2
    # The form opens again with the latest answers.
    form = officer.get(url).get_data(as_text=True)
    assert f'name="{first}" value="yes"\n            checked' in form


def test_an_incomplete_own_assessment_is_refused_and_names_the_question(app, officer):
    url = "/questionnaires/risk-assessment"
    answers = _all_no(app)
    missing = next(iter(answers))
    del answers[missing]
    response = post_form(officer, url, answers, page=url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert (
        f'id="{missing}-error"' in page or f'id="q-{missing}"' in page and "Please answer" in page
    )
    assert _count(app, Response) == 0


def test_a_viewer_sees_the_profile_but_cannot_answer(client, people):
    login(client, "viewer@ours.example", PASSWORD)
    assert client.get("/questionnaires/risk-assessment").status_code == 403
    assert client.get("/questionnaires/").status_code == 200


def test_check_command(runner, tmp_path):
    from supplychain.cli import cli

    result = runner.invoke(cli, ["questionnaires", "check"])
    assert result.exit_code == 0, result.output
    assert "ok: supplier-self-assessment version 1" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\nversion: 1\ntitle: {en: Bad}\nlanguages: [en, lv]\nsections: []\n")
    result = runner.invoke(cli, ["questionnaires", "check", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:5: sections: List should have at least 1 item" in result.output
