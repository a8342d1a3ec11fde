"""Sign-up must not tell a stranger which addresses have accounts, must not let anyone use an
address that is not theirs, and must be throttled (issue 17)."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from supplychain import db
from supplychain.models import Organisation, User
from tests.conftest import csrf_token, post_form
from tests.factories import make_org, make_user

BASE = "https://supplychain.test"
PASSWORD = "a long enough passphrase"


@pytest.fixture
def known(app):
    """An organisation whose admin has the address known@team.example."""
    with app.app_context():
        session = db.get_session()
        make_user(session, make_org(session, "team"), email="known@team.example")
        session.commit()


def sign_up(client, email: str, slug: str, password: str = PASSWORD):
    data = {
        "organisation_name": "Security Team of Your Bank",
        "slug": slug,
        "name": "Someone",
        "email": email,
        "password": password,
    }
    return post_form(client, "/account/signup", data, page="/account/signup")


def visible(client, response) -> str:
    """The page a browser ends on, without what differs between any two requests."""
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    return re.sub(r'name="csrf_token"[^>]*>', "", html)


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_signup_answers_the_same_for_known_and_unknown_addresses(app, smtp, known):
    """Before: a known address got "An account with this email address already exists" and
    an unknown one was signed in at once, so the form told anyone who has an account."""
    first, second = app.test_client(), app.test_client()
    taken = sign_up(first, "known@team.example", "bank-one")
    fresh = sign_up(second, "new@bank.example", "bank-two")

    assert (taken.status_code, fresh.status_code) == (302, 302)
    assert taken.headers["Location"] == fresh.headers["Location"]
    assert visible(first, taken) == visible(second, fresh)
    for client in (first, second):  # nobody is signed in by signing up
        assert client.get("/chain/suppliers").status_code == 302
    with app.app_context():
        slugs = db.get_session().exec(select(Organisation.slug)).all()
    assert sorted(slugs) == ["bank-two", "team"]  # nothing made for the known address

    by_recipient = {message["To"]: message for message in smtp.messages}
    assert set(by_recipient) == {"known@team.example", "new@bank.example"}
    notice = body(by_recipient["known@team.example"])
    assert "already" in notice and "/account/confirm/" not in notice
    assert "/account/confirm/" in body(by_recipient["new@bank.example"])


def test_a_new_account_signs_in_only_after_confirming_its_address(app, client, smtp):
    sign_up(client, "liga@buve.example", "buve")
    login = {"email": "liga@buve.example", "password": PASSWORD}
    refused = post_form(client, "/account/login", login)
    assert refused.status_code == 200
    assert "confirm your address" in refused.get_data(as_text=True)
    assert client.get("/chain/suppliers").status_code == 302
    # Signing in before confirming sent a fresh link; either works once.
    links = [link for m in smtp.messages for link in smtp.links(m) if "/account/confirm/" in link]
    assert len(links) == 2
    path = links[-1].removeprefix(BASE)

    page = client.get(path)
    assert page.status_code == 200 and 'type="password"' in page.get_data(as_text=True)
    confirmed = post_form(client, path, {"password": PASSWORD}, page=path)
    assert confirmed.status_code == 302
    assert "liga@buve.example" in client.get("/").get_data(as_text=True)
    with app.app_context():
        session = db.get_session()
        user = session.exec(select(User).where(User.email == "liga@buve.example")).one()
        org = session.get(Organisation, user.organisation_id)
        assert user.email_confirmed_at is not None and org.confirmed_at is not None
    assert client.get(path).status_code == 404  # a confirmation link works once


def test_a_confirmation_link_needs_the_accounts_password(app, smtp):
    """Someone who signs up with another person's address cannot have that person confirm
    it for them: the link alone (opened by its owner, or a mail scanner) confirms nothing."""
    sign_up(app.test_client(), "victim@corp.example", "squatter")
    [message] = smtp.messages
    [link] = [link for link in smtp.links(message) if "/account/confirm/" in link]
    path = link.removeprefix(BASE)
    victim = app.test_client()
    refused = post_form(victim, path, {"password": "the victim's own password"}, page=path)
    assert refused.status_code == 200 and victim.get("/chain/suppliers").status_code == 302
    with app.app_context():
        user = db.get_session().exec(select(User)).one()
        assert user.email_confirmed_at is None


def test_signing_up_again_replaces_an_unconfirmed_sign_up(app, smtp):
    """An address held by a sign-up nobody confirmed is free again: whoever can read its
    mail confirms, and a lost first mail does not lock its owner out of the short name."""
    sign_up(app.test_client(), "owner@firm.example", "firm", password="someone else's phrase")
    client = app.test_client()
    sign_up(client, "owner@firm.example", "firm")
    link = [link for link in smtp.links(smtp.messages[-1]) if "/account/confirm/" in link][0]
    path = link.removeprefix(BASE)
    assert post_form(client, path, {"password": PASSWORD}, page=path).status_code == 302
    with app.app_context():
        assert len(db.get_session().exec(select(User)).all()) == 1


def test_signup_is_throttled_per_client_address_and_per_email(app, smtp):
    app.config.update(SIGNUP_RATE_LIMIT="2 per hour", SIGNUP_EMAIL_RATE_LIMIT="3 per hour")
    client = app.test_client()
    token = csrf_token(client, "/account/signup")

    def attempt(email: str, address: str, slug: str) -> int:
        data = {
            "csrf_token": token,
            "organisation_name": "Org",
            "slug": slug,
            "name": "N",
            "email": email,
            "password": PASSWORD,
        }
        return client.post(
            "/account/signup", data=data, environ_base={"REMOTE_ADDR": address}
        ).status_code

    codes = [attempt(f"p{n}@a.example", "10.0.0.1", f"a-{n}") for n in range(3)]
    assert codes == [302, 302, 429]
    assert attempt("q@b.example", "10.0.0.2", "b") == 302  # another client may still sign up
    codes = [attempt("target@c.example", f"10.0.1.{n}", f"c-{n}") for n in range(4)]
    assert codes == [302, 302, 302, 429]  # one inbox is not flooded from many addresses
