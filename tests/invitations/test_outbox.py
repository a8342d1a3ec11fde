"""The outbox against a real SMTP server: delivery, blanked bodies, backoff, bounces, files."""

from __future__ import annotations

import email
import email.policy
import secrets
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from supplychain import db
from supplychain.invitations import outbox, services
from supplychain.mail import domain_of
from supplychain.models import Campaign, Invitation, OutboxMessage, OutboxStatus, utcnow
from tests import mailserver
from tests.factories import make_org, make_supplier, send_campaign

LEASE = timedelta(minutes=5)
TEXT = "Please answer at https://supplychain.test/r/secret-token"
HTML = '<p>Please answer <a href="https://supplychain.test/r/secret-token">here</a>.</p>'


def closed_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def queue(session, **overrides) -> OutboxMessage:
    values = {
        "to": "anna@supplier.example",
        "subject": "Acme asks you to answer",
        "text": TEXT,
        "html": HTML,
        "kind": "invitation",
    }
    message = outbox.enqueue(session=session, **(values | overrides))
    session.commit()
    return message


def claim_and_send(session, app, now: datetime) -> list[OutboxMessage]:
    batch = outbox.claim_batch(session=session, now=now, limit=50, lease=LEASE)
    for message in batch:
        outbox.send_one(session=session, message=message, config=app.config, now=now)
    return batch


def make_invitation(session, email_address: str = "anna@supplier.example"):
    org = make_org(session)
    supplier = make_supplier(session, org, email=email_address)
    deadline = utcnow() + timedelta(days=14)
    campaign = Campaign(
        organisation_id=org.id,
        questionnaire_id="supplier-self-assessment",
        questionnaire_version=1,
        title="Spring check",
        deadline=deadline,
    )
    session.add(campaign)
    session.flush()
    invitation = Invitation(
        organisation_id=org.id,
        campaign_id=campaign.id,
        supplier_id=supplier.id,
        questionnaire_id="supplier-self-assessment",
        questionnaire_version=1,
        email=email_address,
        language="en",
        token_hash=secrets.token_hex(32),
        expires_at=deadline,
    )
    session.add(invitation)
    session.commit()
    return org, invitation


def test_mail_arrives_with_both_parts_and_the_rows_message_id(app, session, smtp):
    org, invitation = make_invitation(session)
    message = queue(
        session,
        organisation_id=org.id,
        invitation_id=invitation.id,
        mail_domain=domain_of("Acme <mail@acme.example>"),
    )
    assert message.message_id.startswith("<outbox.")
    assert message.message_id.endswith("@acme.example>")
    now = utcnow()
    claim_and_send(session, app, now)

    [received] = smtp.messages
    assert received["Message-ID"] == message.message_id
    assert received["To"] == "anna@supplier.example"
    assert received.get_body(preferencelist=("plain",)).get_content().strip() == TEXT
    assert received.get_body(preferencelist=("html",)).get_content().strip() == HTML
    session.refresh(message)
    session.refresh(invitation)
    assert message.status == OutboxStatus.SENT and utc(message.sent_at) == now
    assert (message.text_body, message.html_body) == ("", "")  # the link's token is gone
    assert message.subject == "Acme asks you to answer"
    assert message.claimed_until is None
    assert utc(invitation.sent_at) == now and invitation.bounced_at is None


def test_smtp_down_retries_with_backoff_then_delivers(app, session):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=closed_port())
    message = queue(session)
    now = utcnow()
    claim_and_send(session, app, now)
    session.refresh(message)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert utc(message.next_attempt_at) == now + timedelta(seconds=30)
    assert message.claimed_until is None and "ConnectionRefusedError" in message.last_error
    assert message.text_body == TEXT  # kept for the next try
    almost = now + timedelta(seconds=29)
    assert outbox.claim_batch(session=session, now=almost, limit=50, lease=LEASE) == []

    controller, inbox, port = mailserver.start()
    try:
        app.config["SMTP_PORT"] = port
        claim_and_send(session, app, now + timedelta(seconds=30))
    finally:
        controller.stop()
    assert [m["Message-ID"] for m in inbox.messages] == [message.message_id]
    session.refresh(message)
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 1)


def test_backoff_doubles_from_the_base_up_to_six_hours():
    assert [outbox.backoff(n, 30).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert outbox.backoff(10, 30) == timedelta(seconds=30 * 2**9)
    assert outbox.backoff(11, 30) == timedelta(hours=6)
    assert outbox.backoff(10_000, 30) == timedelta(hours=6)


def test_gives_up_after_the_last_attempt_without_calling_it_a_bounce(app, session):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=closed_port(), OUTBOX_MAX_ATTEMPTS=3)
    org, invitation = make_invitation(session)
    message = queue(session, organisation_id=org.id, invitation_id=invitation.id)
    now = utcnow()
    for _attempt in range(3):
        assert len(claim_and_send(session, app, now)) == 1
        now = utc(message.next_attempt_at)
    session.refresh(message)
    session.refresh(invitation)
    assert (message.status, message.attempts) == (OutboxStatus.DEAD, 3)
    assert invitation.bounced_at is None  # our server was down: the address may be fine
    assert [m.id for m in outbox.dead_letters(session=session, organisation_id=org.id)] == [
        message.id
    ]
    assert outbox.claim_batch(session=session, now=now + LEASE, limit=50, lease=LEASE) == []


def refuse_nobody(reply: str):
    """An aiosmtpd RCPT hook that answers reply for nobody@… and accepts everyone else."""

    async def handle_rcpt(server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    return handle_rcpt


def test_refused_recipient_is_dead_and_the_invitation_bounced(app, session, smtp):
    # aiosmtpd looks its hooks up on the handler object for each new connection.
    smtp.handle_RCPT = refuse_nobody("550 5.1.1 No such user")
    org, invitation = make_invitation(session, "nobody@supplier.example")
    bounced = queue(
        session, to=invitation.email, organisation_id=org.id, invitation_id=invitation.id
    )
    fine = queue(session, to="anna@supplier.example", organisation_id=org.id)
    now = utcnow()
    claim_and_send(session, app, now)

    assert [m["Message-ID"] for m in smtp.messages] == [fine.message_id]
    session.refresh(bounced)
    session.refresh(invitation)
    assert (bounced.status, bounced.attempts) == (OutboxStatus.DEAD, 0)
    assert "550" in bounced.last_error and "No such user" in bounced.last_error
    assert utc(invitation.bounced_at) == now and invitation.sent_at is None
    other_org, _other = make_invitation(session)
    assert outbox.dead_letters(session=session, organisation_id=other_org.id) == []

    [dead] = outbox.dead_letters(session=session, organisation_id=org.id)
    outbox.retry(session=session, message=dead, now=now)
    session.commit()
    session.refresh(dead)
    assert (dead.status, dead.attempts) == (OutboxStatus.PENDING, 0)
    claimed = outbox.claim_batch(session=session, now=now, limit=50, lease=LEASE)
    assert [m.id for m in claimed] == [bounced.id]


def test_a_greylisted_recipient_is_retried_not_bounced(app, session, smtp):
    smtp.handle_RCPT = refuse_nobody("450 4.2.0 Greylisted, try again later")
    org, invitation = make_invitation(session, "nobody@supplier.example")
    message = queue(session, to=invitation.email, invitation_id=invitation.id)
    claim_and_send(session, app, utcnow())
    session.refresh(message)
    session.refresh(invitation)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert invitation.bounced_at is None


def test_only_dead_mail_can_be_retried(session):
    message = queue(session)
    with pytest.raises(ValueError, match="not dead"):
        outbox.retry(session=session, message=message)


def test_without_smtp_the_mail_is_an_eml_file_in_mail_dir(app, session):
    assert not app.config["SMTP_HOST"]
    message = queue(session)
    claim_and_send(session, app, utcnow())
    [path] = Path(app.config["MAIL_DIR"]).glob("*.eml")
    written = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert written["Message-ID"] == message.message_id
    assert written.get_body(preferencelist=("plain",)).get_content().strip() == TEXT
    session.refresh(message)
    assert message.status == OutboxStatus.SENT


def test_a_claimed_message_waits_for_its_lease_to_end(session):
    first, second = queue(session), queue(session)
    now = utcnow()
    oldest = outbox.claim_batch(session=session, now=now, limit=1, lease=LEASE)
    assert [m.id for m in oldest] == [first.id]
    rest = outbox.claim_batch(session=session, now=now, limit=50, lease=LEASE)
    assert [m.id for m in rest] == [second.id]
    assert outbox.claim_batch(session=session, now=now + LEASE / 2, limit=50, lease=LEASE) == []
    later = now + LEASE + timedelta(seconds=1)
    again = outbox.claim_batch(session=session, now=later, limit=50, lease=LEASE)
    assert [m.id for m in again] == [first.id, second.id]


def test_release_gives_untried_messages_back_at_once(session):
    message = queue(session)
    now = utcnow()
    claimed = outbox.claim_batch(session=session, now=now, limit=50, lease=LEASE)
    outbox.release(session=session, messages=claimed)
    session.commit()
    again = outbox.claim_batch(session=session, now=now, limit=50, lease=LEASE)
    assert [m.id for m in again] == [message.id]


def test_postgresql_skips_rows_another_worker_is_claiming(app, session):
    engine = db.get_engine()
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises claims with its write lock instead")
    first, second = queue(session), queue(session)
    with engine.connect() as other_worker:
        locked = select(OutboxMessage.id).where(OutboxMessage.id == first.id).with_for_update()
        other_worker.execute(locked)
        claimed = outbox.claim_batch(session=session, now=utcnow(), limit=50, lease=LEASE)
        other_worker.rollback()
    assert [m.id for m in claimed] == [second.id]


def test_an_invitation_and_its_reminder_arrive_in_russian(app, session, smtp):
    """The officer chose Russian: subject and both parts of both mails are Russian."""
    org = make_org(session, "buyer", "Buyer AS")
    supplier = make_supplier(session, org, name="Darba Roka SIA", email="hr@roka.lv")
    send_campaign(
        session, org.id, [supplier.id], deadline=utcnow() + timedelta(days=2), language="ru"
    )
    session.commit()
    claim_and_send(session, app, utcnow())
    assert services.send_due_reminders(session=session, now=utcnow()) == 1
    session.commit()
    claim_and_send(session, app, utcnow())

    invitation, reminder = smtp.messages
    assert invitation["Subject"].startswith("supplychain: «Buyer AS» просит вас заполнить анкету")
    assert reminder["Subject"].startswith("supplychain: напоминание от «Buyer AS»")
    for received, opening in (
        (invitation, "Здравствуйте, Darba Roka SIA!"),
        (reminder, "Напоминание:"),
    ):
        text = received.get_body(preferencelist=("plain",)).get_content()
        html = received.get_body(preferencelist=("html",)).get_content()
        assert opening in text and opening in html
        assert "ответьте до" in text and "Please answer" not in text + html
