"""Issue 17, accounts and links: emailed links, sign-out, `next` redirects and weak passwords.

Each test reproduces an attack found against the running app, through the real pages.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from supplychain import db
from supplychain.accounts import services
from supplychain.cli import cli
from supplychain.models import Organisation, Role, TokenPurpose, User, utcnow
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_org, make_user

NEW = "a brand new passphrase"


@pytest.fixture
def team(app):
    with app.app_context():
        session = db.get_session()
        org = make_org(session, "team", "Baltic Timber Works")
        make_user(session, org, Role.ADMIN, email="admin@team.example")
        make_user(session, org, Role.OFFICER, email="officer@team.example")
        session.commit()


def _user(app, email: str) -> User:
    with app.app_context():
        return db.get_session().exec(select(User).where(User.email == email)).one()


def _reset_link(client, smtp, email: str = "officer@team.example") -> str:
    post_form(client, "/account/password/forgot", {"email": email})
    return smtp.links(smtp.messages[-1])[0].removeprefix("https://supplychain.test")


def _switch(app, admin, email: str) -> None:
    response = post_form(admin, f"/account/users/{_user(app, email).id}/active", page="/")
    assert response.status_code == 302


def _set(client, path: str, password: str = NEW):
    return post_form(client, path, {"password": password, "confirm": password})


# Emailed links


def test_switching_a_user_off_voids_their_reset_link(app, client, team, smtp):
    """The link neither sets a password, nor signs in, nor switches the account back on."""
    path = _reset_link(client, smtp)
    admin = app.test_client()
    login(admin, "admin@team.example", PASSWORD)
    _switch(app, admin, "officer@team.example")
    assert client.get(path).status_code == 404
    assert _set(client, path).status_code == 404
    assert client.get("/chain/suppliers").status_code == 302  # not signed in
    officer = _user(app, "officer@team.example")
    assert not officer.is_active
    with app.app_context():
        session = db.get_session()
        assert services.authenticate(session=session, email=officer.email, password=NEW) is None


def test_an_invited_user_switched_off_before_accepting_cannot_accept(app, client, team, smtp):
    login(client, "admin@team.example", PASSWORD)
    invite = {"email": "new@team.example", "name": "Jānis", "role": "viewer"}
    assert post_form(client, "/account/users/invite", invite, page="/").status_code == 302
    path = smtp.links(smtp.messages[-1])[0].removeprefix("https://supplychain.test")
    _switch(app, client, "new@team.example")
    guest = app.test_client()
    assert guest.get(path).status_code == 404
    assert _set(guest, path).status_code == 404
    assert not _user(app, "new@team.example").is_active


def test_a_new_reset_link_voids_the_older_ones(client, team, smtp):
    first = _reset_link(client, smtp)
    second = _reset_link(client, smtp)
    assert client.get(first).status_code == 404
    assert _set(client, first).status_code == 404
    assert _set(client, second).status_code == 302


def test_a_password_change_voids_every_outstanding_link(app, team):
    with app.app_context():
        session = db.get_session()
        officer = session.exec(select(User).where(User.email == "officer@team.example")).one()
        raw = services.issue_token(
            session=session,
            user=officer,
            purpose=TokenPurpose.PASSWORD_RESET,
            lifetime=timedelta(hours=1),
        )
        services.set_password(session=session, user=officer, password=NEW)
        session.commit()
        purpose = TokenPurpose.PASSWORD_RESET
        assert services.peek_token(session=session, raw=raw, purpose=purpose, now=utcnow()) is None


def test_setting_a_password_never_switches_an_account_on(app, team):
    with app.app_context():
        session = db.get_session()
        officer = session.exec(select(User).where(User.email == "officer@team.example")).one()
        officer.is_active = False
        services.set_password(session=session, user=officer, password=NEW)
        session.commit()
        assert not officer.is_active


# Sessions


def test_a_session_cookie_copied_before_sign_out_no_longer_works(app, client, team):
    login(client, "officer@team.example", PASSWORD)
    copied = client.get_cookie("session").value
    assert post_form(client, "/account/logout", page="/").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/chain/suppliers")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login")


def test_a_password_reset_ends_every_copy_of_the_session(app, client, team, smtp):
    login(client, "officer@team.example", PASSWORD)
    copied = client.get_cookie("session").value
    assert _set(app.test_client(), _reset_link(app.test_client(), smtp)).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/chain/suppliers").status_code == 302
    assert client.get("/chain/suppliers").status_code == 302


# Redirects

OFF_SITE = [
    "/%09/evil.example/x",
    "/%0d/evil.example/x",
    "/%0a/evil.example/x",
    "%09//evil.example/x",
    "/%5C/evil.example/x",
    "/%5Cevil.example/x",
    "//evil.example/x",
    "///evil.example/x",
    "https://evil.example/x",
    "https:/evil.example/x",
    "javascript:alert(1)",
    "%20//evil.example/x",
    "/%00/evil.example",
]


def _stays_on_site(response) -> None:
    """Home instead of next, or (for a NUL, which no query string may hold) a 400."""
    if "%00" in response.request.url:
        assert response.status_code == 400
    else:
        assert response.status_code == 302
        assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_language_switch_never_redirects_off_site(client, target):
    _stays_on_site(client.get(f"/account/language/lv?next={target}"))


@pytest.mark.parametrize("target", OFF_SITE)
def test_sign_in_never_redirects_off_site(client, team, target):
    credentials = {"email": "officer@team.example", "password": PASSWORD}
    _stays_on_site(post_form(client, f"/account/login?next={target}", credentials))


def test_a_same_site_next_is_still_followed(client, team):
    response = client.get("/account/language/lv?next=/chain/suppliers%3Fpage%3D2")
    assert response.headers["Location"] == "/chain/suppliers?page=2"
    credentials = {"email": "officer@team.example", "password": PASSWORD}
    response = post_form(client, "/account/login?next=/chain/suppliers", credentials)
    assert response.headers["Location"] == "/chain/suppliers"


# Passwords

SIGNUP = {
    "organisation_name": "Rīgas Nami AS",
    "slug": "rigas-nami",
    "name": "Ilze Bērziņa",
    "email": "ilze.berzina@rigas-nami.example",
}

GUESSABLE = [
    ("aaaaaaaaaaaa", "repeated characters"),
    ("123456789012", "commonly used"),
    ("password1234", "commonly used"),
    ("qwertyuiop12", "commonly used"),
    ("ilze.berzina@rigas-nami.example", "your email address"),
    ("rigas-nami-2026", "your organisation"),
    ("supplychain2026!", "the name of this service"),
]


@pytest.mark.parametrize(("password", "reason"), GUESSABLE)
def test_sign_up_refuses_a_guessable_password_and_says_why(app, client, password, reason):
    data = {**SIGNUP, "password": password}
    response = post_form(client, "/account/signup", data, page="/account/signup")
    html = response.get_data(as_text=True)
    assert "This password is too easy to guess" in html and reason in html
    with app.app_context():
        assert db.get_session().exec(select(Organisation)).all() == []


def test_a_strong_passphrase_is_accepted_at_sign_up(app, client):
    data = {**SIGNUP, "password": "mossy granite lantern"}
    assert post_form(client, "/account/signup", data, page="/account/signup").status_code == 302


def test_a_reset_link_refuses_a_guessable_password(client, team, smtp):
    path = _reset_link(client, smtp)
    for password in ("password1234", "officer@team.example", "baltic timber works"):
        response = _set(client, path, password)
        assert "This password is too easy to guess" in response.get_data(as_text=True)
    assert _set(client, path).status_code == 302


def test_an_invitation_refuses_a_guessable_password(app, client, team, smtp):
    login(client, "admin@team.example", PASSWORD)
    invite = {"email": "new@team.example", "name": "Jānis", "role": "viewer"}
    post_form(client, "/account/users/invite", invite, page="/")
    path = smtp.links(smtp.messages[-1])[0].removeprefix("https://supplychain.test")
    response = _set(app.test_client(), path, "123456789012")
    assert "This password is too easy to guess" in response.get_data(as_text=True)


def test_the_command_line_refuses_a_guessable_password(app, runner, team):
    args = ["create-user", "ops@team.example", "--org", "team", "--password-stdin"]
    result = runner.invoke(cli, args, input="baltic-timber-works\n")
    assert result.exit_code == 1
    assert "password: This password is too easy to guess" in result.output
    assert "your organisation" in result.output
