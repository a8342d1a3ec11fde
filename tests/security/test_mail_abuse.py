"""The platform's own address must not carry a stranger's spam or phishing (issue 17): an
organisation mails suppliers only once its admin's address is confirmed, a new one has a
daily limit, and the mail is ours, naming the organisation and quoting its words."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from supplychain import db
from supplychain.accounts import services as accounts
from supplychain.models import Organisation, OutboxMessage, OutboxStatus, Role, utcnow
from supplychain.worker import run_once
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_supplier, make_user

BANK = "Security Team of Your Bank"
PHISH = "Your account is locked, confirm at https://bank-login.example/verify now."


def organisation(app, *, confirmed_at: datetime | None, suppliers: int = 3) -> list[int]:
    """An organisation with an officer (officer@bank.example) and suppliers with addresses;
    its admin's address was confirmed at confirmed_at (None: never)."""
    with app.app_context():
        session = db.get_session()
        org = accounts.create_organisation(session=session, slug="bank", name=BANK)
        org.confirmed_at = confirmed_at
        make_user(session, org, Role.OFFICER, email="officer@bank.example")
        ids = [make_supplier(session, org).id for _ in range(suppliers)]
        session.commit()
    return ids


def send(client, supplier_ids: list[int], message: str = ""):
    login(client, "officer@bank.example", PASSWORD)
    data = {
        "questionnaire_id": "supplier-self-assessment",
        "title": "Round one",
        "deadline": (date.today() + timedelta(days=14)).isoformat(),
        "message": message,
        "recipients": "chosen",
        "supplier_ids": supplier_ids,
    }
    response = post_form(client, "/invitations/new", data, page="/invitations/new")
    assert response.status_code == 302, response.get_data(as_text=True)
    return client.get(response.headers["Location"]).get_data(as_text=True)


def pending(app) -> int:
    with app.app_context():
        rows = db.get_session().exec(select(OutboxMessage.status)).all()
    return sum(status == OutboxStatus.PENDING for status in rows)


def test_no_supplier_mail_before_the_admins_address_is_confirmed(app, client, smtp):
    """Before: an anonymous sign-up mailed 50 imported addresses at once."""
    ids = organisation(app, confirmed_at=None)
    page = send(client, ids)
    assert "until an admin of your organisation has confirmed" in page
    assert run_once(app)["sent"] == 0 and smtp.messages == []
    assert pending(app) == 3  # waiting, not lost

    with app.app_context():  # the admin confirms their address
        session = db.get_session()
        admin = make_user(session, session.exec(select(Organisation)).one())
        admin.email_confirmed_at = None
        accounts.confirm_address(session=session, user=admin, now=utcnow())
        session.commit()
    assert run_once(app)["sent"] == 3


def test_a_new_organisation_sends_a_days_limit_and_the_rest_the_next_day(app, client, smtp):
    app.config.update(NEW_ORG_DAILY_MAIL_LIMIT=2, NEW_ORG_DAYS=14)
    ids = organisation(app, confirmed_at=utcnow() - timedelta(days=1))
    page = send(client, ids)
    assert "at most 2 mails a day" in page

    soon = utcnow() + timedelta(seconds=1)
    tomorrow = (soon + timedelta(days=1)).replace(hour=0, minute=1)
    assert run_once(app, now=soon)["sent"] == 2
    assert run_once(app, now=soon + timedelta(seconds=1))["sent"] == 0
    assert pending(app) == 1  # waits for the next day, nothing dropped
    assert run_once(app, now=tomorrow)["sent"] == 1
    assert len(smtp.messages) == 3


def test_an_established_organisation_has_no_daily_limit(app, client, smtp):
    app.config.update(NEW_ORG_DAILY_MAIL_LIMIT=2, NEW_ORG_DAYS=14)
    ids = organisation(app, confirmed_at=datetime(2020, 1, 1, tzinfo=UTC))
    send(client, ids)
    assert run_once(app)["sent"] == 3


def test_the_invitation_is_our_mail_and_quotes_the_organisations_words(app, client, smtp):
    """Before: the subject began with the organisation's name, and its message (with its
    link) stood in the mail as if the platform said it."""
    ids = organisation(app, confirmed_at=datetime(2020, 1, 1, tzinfo=UTC), suppliers=1)
    send(client, ids, message=PHISH)
    run_once(app)
    [mail] = smtp.messages
    assert mail["Subject"].startswith("supplychain: ")
    assert f"“{BANK}”" in mail["Subject"]

    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "> Your account is locked" in text  # quoted, line by line
    # The supplier reads Latvian here: the frame says whose words these are.
    assert "ko rakstījuši viņi, nevis supplychain" in text
    for part in (text, html):
        assert "https://bank-login.example" not in part  # no link of theirs can be followed
        assert "bank-login[.]example" in part
    assert "<blockquote" in html
    links = [url for url in smtp.links(mail)]
    assert all(url.startswith("https://supplychain.test/") for url in links)


def test_colleague_invitations_count_against_a_new_organisations_day(app, client, smtp):
    """Inviting colleagues mails any address too: it shares the day's limit."""
    app.config.update(NEW_ORG_DAILY_MAIL_LIMIT=1)
    with app.app_context():
        session = db.get_session()
        org = accounts.create_organisation(session=session, slug="bank", name=BANK)
        make_user(session, org, Role.ADMIN, email="admin@bank.example")  # confirms it: new
        session.commit()
    login(client, "admin@bank.example", PASSWORD)

    def invite(email: str) -> str:
        data = {"email": email, "name": "", "role": "officer"}
        post_form(client, "/account/users/invite", data, page="/account/users")
        return client.get("/account/users").get_data(as_text=True)

    assert "Invitation sent to one@elsewhere.example" in invite("one@elsewhere.example")
    assert "goes out tomorrow" in invite("two@elsewhere.example")
    assert [m["To"] for m in smtp.messages] == ["one@elsewhere.example"]
    assert pending(app) == 1
