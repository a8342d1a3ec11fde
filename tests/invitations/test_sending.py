"""A large sending is a job: the request queues it, its page shows the progress, the worker
invites every supplier in batches, once, even when a runner died half-way."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from supplychain import db
from supplychain.invitations import services
from supplychain.models import (
    Campaign,
    Invitation,
    OutboxMessage,
    Role,
    RunStatus,
    SendingJob,
    utcnow,
)
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.worker import run_once
from tests.conftest import post_form, row_counts, sign_in
from tests.factories import committed, make_supplier, make_team

SUPPLIERS = 5


@pytest.fixture
def chain(app):
    app.config.update(SEND_INLINE_SUPPLIERS=3, SEND_BATCH=2)
    with committed(app) as session:
        org = make_team(session, "buyer", Role.ADMIN)
        ids = [make_supplier(session, org, email=f"s{n}@supplier.example").id for n in range(5)]
        return {"org": org.id, "ids": ids}


@pytest.fixture
def admin(client, chain):
    return sign_in(client, Role.ADMIN, "buyer")


def _send(client, ids):
    data = {
        "questionnaire_id": "supplier-self-assessment",
        "title": "Spring round",
        "deadline": (datetime.now(UTC).date() + timedelta(days=14)).isoformat(),
        "message": "",
        "recipients": "chosen",
        "supplier_ids": ids,
    }
    return post_form(client, "/invitations/new", data, page="/invitations/new")


def _invited(app) -> Counter[int]:
    with app.app_context():
        return Counter(db.get_session().exec(select(Invitation.supplier_id)).all())


def test_a_large_sending_is_queued_then_sent_once_by_the_worker(app, admin, chain, smtp):
    response = _send(admin, chain["ids"])
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sending: 0% (0 of 5)." in page
    assert '<meta http-equiv="refresh"' in page
    assert row_counts(app, Invitation, OutboxMessage, Campaign) == [0, 0, 1]

    run_once(app)
    run_once(app)  # a second tick finds nothing left to do
    assert _invited(app) == Counter(chain["ids"])
    assert row_counts(app, OutboxMessage) == [SUPPLIERS]
    assert sorted(m["To"] for m in smtp.messages) == [f"s{n}@supplier.example" for n in range(5)]
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sending:" not in page and "refresh" not in page
    with app.app_context():
        job = db.get_session().exec(select(SendingJob)).one()
        assert (job.status, job.done, job.total, job.targets) == (RunStatus.DONE, 5, 5, [])


def test_a_job_whose_runner_died_half_way_invites_nobody_twice(app, chain):
    with committed(app) as session:
        questionnaire = get_catalogue().get("supplier-self-assessment")
        campaign, _links = services.create_campaign(
            session=session,
            organisation_id=chain["org"],
            user_id=None,
            questionnaire=questionnaire,
            title="Spring round",
            message="",
            deadline=utcnow() + timedelta(days=14),
            supplier_ids=chain["ids"],
            base_url="https://supplychain.test",
            now=utcnow(),
            in_background=True,
        )
        # The runner committed one batch (two suppliers), and had invited a third when it died:
        # its lease has run out.
        services.invite_more(
            session=session,
            campaign=campaign,
            supplier_ids=chain["ids"][:3],
            questionnaire=questionnaire,
            language=None,
            base_url="https://supplychain.test",
            now=utcnow(),
        )
        session.execute(
            sa.update(SendingJob).values(
                status=RunStatus.RUNNING,
                done=2,
                attempts=1,
                claimed_until=utcnow() - timedelta(seconds=1),
            )
        )
    run_once(app)
    assert _invited(app) == Counter(chain["ids"])
    assert row_counts(app, OutboxMessage) == [SUPPLIERS]
    with app.app_context():
        job = db.get_session().exec(select(SendingJob)).one()
        assert (job.status, job.done, job.attempts) == (RunStatus.DONE, 5, 2)


def test_a_small_sending_is_sent_inside_the_request(app, admin, chain):
    response = _send(admin, chain["ids"][:3])
    assert response.status_code == 302
    assert _invited(app) == Counter(chain["ids"][:3])
    assert row_counts(app, SendingJob, OutboxMessage) == [0, 3]
    assert "Sending:" not in admin.get(response.headers["Location"]).get_data(as_text=True)


def test_a_bad_large_sending_queues_nothing(app, admin, chain):
    response = _send(admin, [*chain["ids"], 999_999])
    assert response.status_code == 200
    assert "Some of the chosen suppliers are not in your chain." in response.get_data(as_text=True)
    assert row_counts(app, Campaign, SendingJob) == [0, 0]


def test_many_reminders_are_a_job_and_a_second_click_reminds_nobody_again(app, admin, chain):
    with committed(app) as session:
        services.create_campaign(
            session=session,
            organisation_id=chain["org"],
            user_id=None,
            questionnaire=get_catalogue().get("supplier-self-assessment"),
            title="Spring round",
            message="",
            deadline=utcnow() + timedelta(days=14),
            supplier_ids=chain["ids"],
            base_url="https://supplychain.test",
            now=utcnow(),
        )
        session.execute(sa.update(Invitation).values(sent_at=utcnow()))
    url = admin.get("/chain/suppliers/bulk?action=remind&all=1").headers["Location"]
    for _click in range(2):
        response = post_form(admin, url, {}, page=url)
        assert response.status_code == 302 and "/invitations/sendings/" in response.location
        page = admin.get(response.location).get_data(as_text=True)
        assert "Sending: 0% (0 of 5)." in page and '<meta http-equiv="refresh"' in page
        run_once(app)
    page = admin.get(response.location).get_data(as_text=True)
    assert "5 open questionnaires got a reminder." in page and "refresh" not in page
    with app.app_context():
        kinds = db.get_session().exec(select(OutboxMessage.kind)).all()
    assert Counter(kinds) == {"invitation": 5, "reminder": 5}
