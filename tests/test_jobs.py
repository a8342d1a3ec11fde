"""The app process does the worker's job when no worker runs (JOBS_IN_APP): its own thread sends
the mail a request queued and carries out the assessment a submitted answer queued; with
JOBS_IN_APP off, it leaves both to `supplychain worker`."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from supplychain import db, jobs
from supplychain.models import (
    AssessmentRun,
    OutboxMessage,
    OutboxStatus,
    RiskMark,
    Role,
    RunStatus,
)
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.questionnaires.sample import plain_answers
from tests import mailserver
from tests.conftest import login, make_app, post_form, threaded_app_url
from tests.factories import PASSWORD, make_org, make_supplier, make_user, send_campaign
from tests.invitations.test_worker import wait_until
from tests.respond.conftest import SELF_ASSESSMENT, csrf_of, start, token_of
from tests.respond.test_answering import _answer_everything


def _app(database_url, tmp_path, **config):
    return make_app(threaded_app_url(database_url, tmp_path), tmp_path, **config)


@pytest.fixture
def threaded_app(database_url, tmp_path):
    """A single app server with no worker: a page view wakes its job thread at most once an
    hour here, so what the thread does after that was woken by a commit, or by itself. Its
    SMTP server refuses the first mail for the moment."""
    application = _app(
        database_url,
        tmp_path,
        JOBS_IN_APP=True,
        WORKER_INTERVAL_SECONDS=3600,
        OUTBOX_RETRY_SECONDS=1,
    )
    controller, inbox, port = mailserver.start()
    receive = inbox.handle_DATA

    async def busy_once(server, session, envelope):
        if not inbox.refused:
            inbox.refused.append(envelope)
            return "451 Busy, try again later"
        return await receive(server, session, envelope)

    inbox.refused = []
    inbox.handle_DATA = busy_once  # aiosmtpd looks its hooks up on the handler per connection
    application.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    application.extensions["inbox"] = inbox
    yield application
    jobs.stop(application)  # before the database is emptied or dropped
    controller.stop()
    application.extensions["engine"].dispose()


def _buyer(app) -> tuple[int, int]:
    """An organisation with an officer and one supplier; return their ids."""
    with app.app_context():
        session = db.get_session()
        org = make_org(session, "buyer", "Buyer AS")
        make_user(session, org, Role.OFFICER, email="officer@buyer.example")
        supplier = make_supplier(session, org, code="S1", name="Būvnieks SIA", email="a@s1.lv")
        # Adding the supplier queued an assessment: these tests start from a chain assessed.
        session.execute(sa.delete(AssessmentRun))
        session.execute(sa.delete(RiskMark))
        session.commit()
        return org.id, supplier.id


def _answer(app, link: str) -> None:
    """Answer every question from the link and submit, as the supplier does."""
    client = app.test_client()
    start(client, token_of(link))
    with app.app_context():
        questionnaire = get_catalogue().current[SELF_ASSESSMENT]
    _answer_everything(client, questionnaire, plain_answers(questionnaire, {}))
    done = client.post(
        "/r/review", data={"csrf_token": csrf_of(client, "/r/review"), "respondent_name": "A"}
    )
    assert done.headers["Location"] == "/r/done"


def _runs(app) -> list[tuple[str, RunStatus]]:
    with app.app_context():
        runs = db.get_session().exec(select(AssessmentRun).order_by(AssessmentRun.id)).all()
        return [(run.trigger, run.status) for run in runs]


def _idle(app) -> bool:
    return app.extensions["jobs_in_app"].thread is None


def test_the_app_thread_mails_the_invitation_and_assesses_the_answer(threaded_app):
    app, inbox = threaded_app, threaded_app.extensions["inbox"]
    _org_id, supplier_id = _buyer(app)
    officer = app.test_client()
    login(officer, "officer@buyer.example", PASSWORD)  # the first page view: a look, nothing due
    wait_until(lambda: _idle(app), "the job thread has looked and found nothing")
    assert inbox.messages == []

    data = {
        "questionnaire_id": SELF_ASSESSMENT,
        "title": "Spring round",
        "deadline": (date.today() + timedelta(days=14)).isoformat(),
        "message": "",
        "recipients": "chosen",
        "supplier_ids": [supplier_id],
    }
    assert post_form(officer, "/invitations/new", data, page="/invitations/new").status_code == 302
    # Refused once, tried again after its backoff by the thread itself: no page view wakes it.
    wait_until(lambda: len(inbox.messages) == 1, "the invitation is mailed")
    assert len(inbox.refused) == 1
    [mail] = inbox.messages
    assert mail["To"] == "a@s1.lv"
    [link] = [url for url in inbox.links(mail) if "/r/" in url]

    # The deadline's reminder is due later: the thread stays, to come back by itself.
    assert not _idle(app)
    assert _runs(app) == []
    _answer(app, link)
    wait_until(lambda: _runs(app) == [("response", RunStatus.DONE)], "the answer is assessed")
    with app.app_context():
        [sent] = db.get_session().exec(select(OutboxMessage)).all()
        assert (sent.status, sent.attempts) == (OutboxStatus.SENT, 1)


def test_with_jobs_in_app_off_the_app_leaves_mail_and_assessments_to_the_worker(
    database_url, tmp_path
):
    app = _app(database_url, tmp_path, JOBS_IN_APP=False)
    try:
        org_id, supplier_id = _buyer(app)
        with app.app_context():
            session = db.get_session()
            _campaign, [link] = send_campaign(session, org_id, [supplier_id])
            session.commit()
        _answer(app, link.url)  # requests, one of which queues an assessment
        # Every request has ended, and no job thread was ever started to do anything.
        assert "jobs_in_app" not in app.extensions
        assert jobs.wake(app) is None
        assert _runs(app) == [("response", RunStatus.QUEUED)]
        with app.app_context():
            statuses = db.get_session().exec(select(OutboxMessage.status)).all()
        assert statuses == [OutboxStatus.PENDING]
        assert not (tmp_path / "mail").exists()
    finally:
        app.extensions["engine"].dispose()
