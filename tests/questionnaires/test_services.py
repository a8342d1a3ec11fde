"""Responses: answers saved per question id with the questionnaire's id and version."""

from __future__ import annotations

import pytest
from sqlmodel import select

from supplychain.models import Answer, Response, ResponseStatus
from supplychain.questionnaires import services
from supplychain.questionnaires.loader import load_all, questionnaire_files
from tests.factories import make_org, make_supplier


@pytest.fixture
def response(session, every_type):
    org = make_org(session)
    supplier = make_supplier(session, org)
    return services.start_response(
        session=session,
        organisation_id=org.id,
        questionnaire=every_type,
        language="lv",
        supplier_id=supplier.id,
    )


def test_a_response_records_what_it_answers(session, response):
    stored = session.get(Response, response.id)
    assert (stored.questionnaire_id, stored.questionnaire_version, stored.language) == (
        "every-type",
        1,
        "lv",
    )
    assert stored.status == ResponseStatus.IN_PROGRESS


def test_saving_again_updates_in_place_and_a_scope_clears_what_it_covers(session, response):
    services.save_answers(
        session=session,
        response=response,
        answers={"uses_agencies": "yes", "weekly_hours": 40, "deductions": ["housing"]},
    )
    services.save_answers(
        session=session,
        response=response,
        answers={"weekly_hours": 50},
        scope=["weekly_hours", "deductions"],  # one page: its unanswered questions are cleared
    )
    assert services.stored_answers(session, response) == {
        "uses_agencies": "yes",
        "weekly_hours": 50,
    }
    rows = session.exec(select(Answer).where(Answer.response_id == response.id)).all()
    assert len(rows) == 2


def test_table_answers_round_trip_as_json(session, response):
    rows = [{"name": "Darba Spēks SIA", "country": "LV", "workers": 12, "email": None}]
    services.save_answers(session=session, response=response, answers={"agencies": rows})
    session.commit()
    session.expire_all()
    assert services.stored_answers(session, response) == {"agencies": rows}


def test_a_submitted_response_is_read_only(session, response):
    services.save_answers(session=session, response=response, answers={"uses_agencies": "no"})
    services.submit_response(session=session, response=response, respondent_name="  Anna Bērziņa ")
    assert response.respondent_name == "Anna Bērziņa" and response.submitted_at is not None
    with pytest.raises(services.ResponseClosed):
        services.save_answers(session=session, response=response, answers={"uses_agencies": "yes"})
    assert services.stored_answers(session, response) == {"uses_agencies": "no"}


def test_a_new_version_leaves_old_answers_readable(session, tmp_path, every_type):
    """Answers to version 1 are read with version 1, after version 2 renamed a question."""
    from tests.questionnaires.conftest import DATA

    original = (DATA / "every-type.yaml").read_text()
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "every-type.v1.yaml").write_text(original)
    (tmp_path / "every-type.yaml").write_text(
        original.replace("version: 1", "version: 2").replace("weekly_hours", "normal_hours")
    )
    catalogue = load_all(questionnaire_files(tmp_path))
    org = make_org(session)
    old = services.start_response(
        session=session, organisation_id=org.id, questionnaire=every_type, language="en"
    )
    services.save_answers(session=session, response=old, answers={"weekly_hours": 60})
    answered = catalogue.get(old.questionnaire_id, old.questionnaire_version)
    assert answered.question("weekly_hours").text.get("en") == "Normal weekly hours"
    assert catalogue.current["every-type"].version == 2
    assert "weekly_hours" not in {q.id for q in catalogue.current["every-type"].questions()}
