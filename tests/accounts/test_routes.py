"""Sign-up, sign-in, sessions, colleagues and password resets, through the real pages."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from sqlmodel import select

from supplychain import db
from supplychain.models import Organisation, OutboxMessage, OutboxStatus, Role, User, utcnow
from tests import mailserver
from tests.conftest import csrf_token, login, post_form
from tests.factories import PASSWORD, committed, make_team


@pytest.fixture
def team(app):
    with committed(app) as session:
        make_team(session, "team", Role.ADMIN, Role.OFFICER)


SIGNUP = {
    "organisation_name": "Rīgas Nami AS",
    "slug": "rigas-nami",
    "name": "Ilze Bērziņa",
    "email": "ilze@rigas-nami.example",
    "password": "a long enough passphrase",
}


def test_signup_creates_organisation_and_admin_waiting_for_confirmation(app, client):
    """The account exists at once but signs in only from the mailed link (see
    tests/security/test_signup.py)."""
    response = post_form(client, "/account/signup", SIGNUP, page="/account/signup")
    assert response.headers["Location"] == "/account/signup/sent"
    assert "ilze@rigas-nami.example" not in client.get("/").get_data(as_text=True)
    with app.app_context():
        session = db.get_session()
        org = session.exec(select(Organisation).where(Organisation.slug == "rigas-nami")).one()
        user = session.exec(select(User).where(User.email == "ilze@rigas-nami.example")).one()
        assert (user.organisation_id, user.role) == (org.id, Role.ADMIN)
        assert user.email_confirmed_at is None and org.confirmed_at is None
        assert user.password_hash.startswith("$argon2id$")
        assert "m=19456,t=2,p=1" in user.password_hash


def test_signup_reports_every_problem_and_writes_nothing(app, client, team):
    bad = {**SIGNUP, "slug": "team", "email": "admin@team.example", "password": "short"}
    response = post_form(client, "/account/signup", bad, page="/account/signup")
    html = response.get_data(as_text=True)
    assert "This short name is taken." in html
    assert "Use at least 12 characters." in html
    with app.app_context():
        assert db.get_session().exec(select(Organisation)).all()[0].slug == "team"
        assert len(db.get_session().exec(select(Organisation)).all()) == 1


def test_signup_with_existing_email_changes_nothing_and_does_not_say_so(app, client, team):
    response = post_form(
        client, "/account/signup", {**SIGNUP, "email": "admin@team.example"}, page="/account/signup"
    )
    assert response.headers["Location"] == "/account/signup/sent"
    with app.app_context():
        assert len(db.get_session().exec(select(Organisation)).all()) == 1


def test_wrong_password_is_refused_without_saying_which_part(client, team):
    response = post_form(
        client, "/account/login", {"email": "admin@team.example", "password": "wrong password!"}
    )
    assert "Wrong email or password." in response.get_data(as_text=True)
    response = post_form(
        client, "/account/login", {"email": "nobody@team.example", "password": "wrong password!"}
    )
    assert "Wrong email or password." in response.get_data(as_text=True)


def test_form_without_csrf_token_is_refused(client, team):
    response = client.post(
        "/account/login", data={"email": "admin@team.example", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True)


def test_login_starts_a_fresh_session_with_safe_cookie(client, team):
    csrf_before = csrf_token(client)
    with client.session_transaction() as s:
        s["planted"] = "by an attacker"
    response = login(client, "admin@team.example", PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    with client.session_transaction() as s:
        assert "planted" not in s
    assert csrf_token(client) != csrf_before


def test_logout_ends_the_session(client, team):
    login(client, "admin@team.example", PASSWORD)
    response = post_form(client, "/account/logout", page="/")
    assert response.status_code == 302
    assert client.get("/chain/suppliers").status_code == 302


def test_security_headers(client):
    response = client.get("/account/login")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src" not in csp.split("default-src")[0]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers
    secure = client.get("/account/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_password_reset_by_emailed_single_use_link(app, client, team, smtp):
    response = post_form(client, "/account/password/forgot", {"email": "officer@team.example"})
    assert response.status_code == 302
    [message] = smtp.messages
    assert message["To"] == "officer@team.example"
    assert message.get_body(preferencelist=("html",)) is not None
    [link] = smtp.links(message)
    assert link.startswith("https://supplychain.test/account/password/reset/")
    path = link.removeprefix("https://supplychain.test")
    assert client.get(path).status_code == 200
    new = {"password": "a brand new passphrase", "confirm": "a brand new passphrase"}
    assert post_form(client, path, new, page=path).status_code == 302
    post_form(client, "/account/logout", page="/")
    login(client, "officer@team.example", "a brand new passphrase")
    assert client.get(path).status_code == 404  # used once, then gone


def test_password_reset_for_unknown_address_looks_the_same(client, team, smtp):
    response = post_form(client, "/account/password/forgot", {"email": "ghost@team.example"})
    assert response.status_code == 302
    assert smtp.messages == []


def test_password_change_ends_other_sessions(app, client, team, smtp):
    other = app.test_client()
    login(other, "officer@team.example", PASSWORD)
    post_form(client, "/account/password/forgot", {"email": "officer@team.example"})
    path = smtp.links(smtp.messages[0])[0].removeprefix("https://supplychain.test")
    post_form(
        client,
        path,
        {"password": "another passphrase!", "confirm": "another passphrase!"},
        page=path,
    )
    assert other.get("/chain/suppliers").status_code == 302


def test_admin_invites_a_colleague_who_sets_a_password(app, client, team, smtp):
    login(client, "admin@team.example", PASSWORD)
    response = post_form(
        client,
        "/account/users/invite",
        {"email": "new@team.example", "name": "Jānis", "role": "viewer"},
        page="/account/users",
    )
    assert response.status_code == 302
    [message] = smtp.messages
    path = smtp.links(message)[0].removeprefix("https://supplychain.test")
    guest = app.test_client()
    response = post_form(
        guest, path, {"password": "viewer passphrase", "confirm": "viewer passphrase"}, page=path
    )
    assert response.status_code == 302
    assert guest.get("/chain/suppliers").status_code == 200
    assert post_form(guest, "/chain/suppliers/new", {"code": "X"}).status_code == 403


def test_officer_cannot_manage_users(client, team):
    login(client, "officer@team.example", PASSWORD)
    assert client.get("/account/users").status_code == 403


def test_last_admin_cannot_be_demoted(app, client, team):
    login(client, "admin@team.example", PASSWORD)
    with app.app_context():
        admin = db.get_session().exec(select(User).where(User.email == "admin@team.example")).one()
    response = post_form(
        client,
        f"/account/users/{admin.id}/role",
        {"role": "viewer"},
        page="/account/users",
        follow_redirects=True,
    )
    assert "The organisation needs at least one admin." in response.get_data(as_text=True)
    with app.app_context():
        assert db.get_session().get(User, admin.id).role == Role.ADMIN


def test_switched_off_user_cannot_sign_in(app, client, team):
    login(client, "admin@team.example", PASSWORD)
    with app.app_context():
        officer = (
            db.get_session().exec(select(User).where(User.email == "officer@team.example")).one()
        )
    post_form(client, f"/account/users/{officer.id}/active", page="/account/users")
    response = post_form(
        app.test_client(), "/account/login", {"email": "officer@team.example", "password": PASSWORD}
    )
    assert "Wrong email or password." in response.get_data(as_text=True)


def test_password_guessing_is_throttled_per_address_and_per_account(app, team):
    """A few tries from one address, and a few against one account, however many addresses
    the guesses come from (the shipped limits are 10 a minute and 30 an hour)."""
    app.config.update(LOGIN_RATE_LIMIT="3 per minute", LOGIN_ACCOUNT_RATE_LIMIT="5 per hour")
    client = app.test_client()
    token = csrf_token(client)

    def guess(email, address):
        data = {"csrf_token": token, "email": email, "password": "not it"}
        return client.post(
            "/account/login", data=data, environ_base={"REMOTE_ADDR": address}
        ).status_code

    assert [guess("nobody@a.example", "10.0.0.1") for _ in range(4)][-1] == 429
    assert guess("nobody@b.example", "10.0.0.2") != 429  # another address may still try
    codes = [guess("admin@team.example", f"10.0.1.{n}") for n in range(6)]
    assert 429 not in codes[:5] and codes[5] == 429
    assert client.get("/account/login", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 200


def test_a_reset_mail_waits_while_smtp_is_down_and_the_worker_sends_it(app, client, team):
    """The link is queued with its token in one transaction; the first try fails, the mail
    stays in the outbox, and the worker delivers it once the server is back."""
    from supplychain.worker import run_once

    with socket.socket() as probe:  # a port where nothing listens: the server is down
        probe.bind(("127.0.0.1", 0))
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=probe.getsockname()[1])
    response = post_form(client, "/account/password/forgot", {"email": "officer@team.example"})
    assert response.status_code == 302
    with app.app_context():
        [queued] = db.get_session().exec(select(OutboxMessage)).all()
        assert queued.status == OutboxStatus.PENDING and queued.attempts == 1
        assert queued.kind == "password_reset" and "/account/password/reset/" in queued.text_body

    controller, inbox, port = mailserver.start()
    try:
        app.config.update(SMTP_PORT=port)
        later = utcnow() + timedelta(minutes=5)  # past the first backoff
        assert run_once(app, now=later)["sent"] == 1
    finally:
        controller.stop()
    [message] = inbox.messages
    [link] = inbox.links(message)
    assert client.get(link.removeprefix("https://supplychain.test")).status_code == 200
