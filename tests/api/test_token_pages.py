"""The admin's API token page: make a token (secret shown once), list it, revoke it."""

from __future__ import annotations

import re

from sqlmodel import select

from supplychain import db
from supplychain.models import ApiToken, AuditEvent, Role
from tests.api.conftest import call
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_org, make_user

SECRET_RE = re.compile(r'<code id="api-secret">(sct_[A-Za-z0-9_-]+)</code>')


def _admin(app, role=Role.ADMIN):
    with app.app_context():
        session = db.get_session()
        org = make_org(session, "pages")
        user = make_user(session, org, role, email=f"{role.value}@pages.example")
        session.commit()
        return user.email


def test_make_list_and_revoke_a_token(app, client):
    login(client, _admin(app), PASSWORD)
    made = post_form(
        client,
        "/account/api-tokens",
        {"name": "ERP <export>", "access": "write"},
        page="/account/api-tokens",
    )
    assert made.status_code == 201 and made.headers["Cache-Control"] == "no-store"
    html = made.get_data(as_text=True)
    secret = SECRET_RE.search(html).group(1)
    assert "ERP &lt;export&gt;" in html and "ERP <export>" not in html
    assert call(client, "POST", "/assessments", secret).status_code == 202

    listed = client.get("/account/api-tokens").get_data(as_text=True)
    assert secret not in listed and secret[-4:] in listed and "ERP &lt;export&gt;" in listed
    with app.app_context():
        session = db.get_session()
        token = session.exec(select(ApiToken)).one()
        assert token.scopes == ["read", "write"] and token.token_hash != secret
    revoked = post_form(
        client, f"/account/api-tokens/{token.id}/revoke", page="/account/api-tokens"
    )
    assert revoked.status_code == 302
    assert call(client, "GET", "/suppliers", secret).status_code == 401
    with app.app_context():
        actions = db.get_session().exec(select(AuditEvent.action)).all()
    assert {"api_token.created", "api_token.revoked"} <= set(actions)


def test_a_bad_name_is_refused(app, client):
    login(client, _admin(app), PASSWORD)
    response = post_form(
        client, "/account/api-tokens", {"name": "", "access": "read"}, page="/account/api-tokens"
    )
    assert response.status_code == 422 and not SECRET_RE.search(response.get_data(as_text=True))
    with app.app_context():
        assert db.get_session().exec(select(ApiToken)).all() == []


def test_only_admins_manage_tokens(app, client):
    login(client, _admin(app, Role.OFFICER), PASSWORD)
    assert client.get("/account/api-tokens").status_code == 403
    response = post_form(
        client, "/account/api-tokens", {"name": "x", "access": "write"}, page="/account/login"
    )
    assert response.status_code == 403
