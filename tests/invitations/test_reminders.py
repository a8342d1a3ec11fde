"""Reminders before the deadline, and mail withdrawn when a link is revoked or replaced."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select

from supplychain.invitations import services
from supplychain.models import Invitation, OutboxMessage, ResponseStatus, utcnow
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.respond.services import start
from tests.factories import make_org, make_supplier, make_user, send_campaign


def _campaign(session, app, days: int):
    org = make_org(session)
    user = make_user(session, org)
    suppliers = [
        make_supplier(session, org, email=f"s{i}@example.lv", country="LV") for i in range(3)
    ]
    _c, links = send_campaign(
        session,
        org.id,
        [s.id for s in suppliers],
        user_id=user.id,
        title="Round",
        deadline=utcnow() + timedelta(days=days),
    )
    for invitation in session.exec(select(Invitation)):
        invitation.sent_at = utcnow()
    session.flush()
    return links


def test_one_reminder_each_with_a_link_that_replaces_the_first(app, session):
    links = _campaign(session, app, days=2)
    invitations = session.exec(select(Invitation).order_by(Invitation.id)).all()
    answered = invitations[2]
    response = start(
        session=session,
        invitation=answered,
        questionnaire=get_catalogue().current["supplier-self-assessment"],
        now=utcnow(),
    )
    response.status = ResponseStatus.SUBMITTED
    assert services.send_due_reminders(session=session, now=utcnow()) == 2
    assert services.send_due_reminders(session=session, now=utcnow()) == 0
    reminders = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "reminder")).all()
    assert sorted(m.recipient for m in reminders) == ["s0@example.lv", "s1@example.lv"]
    assert all("atgādinājums" in m.subject for m in reminders)  # Latvian suppliers
    first_token = links[0].url.rsplit("/", 1)[1]
    assert services.find_by_token(session, first_token, utcnow()) is None
    new_token = re.search(r"/r/([A-Za-z0-9_-]{43})", reminders[0].text_body).group(1)
    assert services.find_by_token(session, new_token, utcnow()) is not None


def test_no_reminder_long_before_the_deadline(app, session):
    _campaign(session, app, days=10)
    assert services.send_due_reminders(session=session, now=utcnow()) == 0


def test_revoking_or_resending_withdraws_the_unsent_mail(app, session):
    _campaign(session, app, days=10)
    first, second, _third = session.exec(select(Invitation).order_by(Invitation.id)).all()
    services.revoke(session=session, invitation=first, now=utcnow(), user_id=None)
    services.resend(
        session=session,
        invitation=second,
        questionnaire=get_catalogue().current["supplier-self-assessment"],
        base_url=app.config["BASE_URL"],
        now=utcnow(),
        user_id=None,
    )
    mail = session.exec(select(OutboxMessage)).all()
    assert sorted(m.invitation_id for m in mail) == [second.id, _third.id]
