"""API tokens: hashed at rest, revocable, scoped; cookies never authenticate the API."""

from __future__ import annotations

import hashlib

from sqlmodel import select

from supplychain import db
from supplychain.api import tokens
from supplychain.models import ApiToken, AuditEvent, utcnow
from supplychain.validation import InvalidInput
from tests.api.conftest import call
from tests.conftest import login
from tests.factories import PASSWORD, make_org, make_user


def test_only_the_hash_of_the_secret_is_stored(app, session):
    org = make_org(session)
    token, secret = tokens.issue(
        session=session, organisation_id=org.id, user_id=None, name="ci", scopes=["read"]
    )
    session.commit()
    assert secret.startswith("sct_") and len(secret) >= 4 + 43  # 256 bits in base64url
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    raw = session.connection().exec_driver_sql("SELECT * FROM api_token").all()
    assert raw and all(secret not in repr(row) and secret[4:] not in repr(row) for row in raw)
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "api_token.created")).all()
    assert len(events) == 1 and secret not in repr(events[0].details)


def test_issue_names_the_bad_field(session):
    org = make_org(session)
    for name, scopes, field in (
        ("", ["read"], "name"),
        ("x", ["admin"], "scopes"),
        ("x", [], "scopes"),
    ):
        try:
            tokens.issue(
                session=session, organisation_id=org.id, user_id=None, name=name, scopes=scopes
            )
        except InvalidInput as exc:
            assert field in exc.errors
        else:
            raise AssertionError((name, scopes))


def test_unknown_missing_and_malformed_tokens_get_401(client, tenants):
    for token in (None, "sct_" + "x" * 43, tenants["a"].write[:-1], "not-a-token"):
        response = call(client, "GET", "/suppliers", token)
        assert response.status_code == 401
        assert response.json["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    basic = client.get(
        "/api/v1/suppliers", headers={"Authorization": "Basic " + tenants["a"].write}
    )
    assert basic.status_code == 401


def test_revoked_token_gets_401(app, client, tenants):
    assert call(client, "GET", "/suppliers", tenants["a"].write).status_code == 200
    with app.app_context():
        session = db.get_session()
        token = tokens.authenticate(session=session, secret=tenants["a"].write, now=utcnow())
        tokens.revoke(session=session, token=token, user_id=None, now=utcnow())
        session.commit()
    response = call(client, "GET", "/suppliers", tenants["a"].write)
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"


def test_use_is_recorded(app, client, tenants):
    call(client, "GET", "/suppliers", tenants["a"].read)
    with app.app_context():
        used = db.get_session().exec(select(ApiToken).where(ApiToken.name == "dashboard")).all()
        assert {t.organisation_id: t.last_used_at is not None for t in used} == {
            tenants["a"].org_id: True,
            tenants["b"].org_id: False,
        }


def test_read_token_cannot_write(client, tenants):
    body = {"code": "NEW1", "name": "New SIA", "country": "LV"}
    response = call(client, "POST", "/suppliers", tenants["a"].read, json=body)
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"
    assert call(client, "POST", "/assessments", tenants["a"].read).status_code == 403
    listed = call(client, "GET", "/suppliers?code=NEW1", tenants["a"].read).json
    assert listed["data"] == []


def test_a_signed_in_browser_cannot_use_the_api(app, client, tenants):
    """A session cookie is no API credential, so a forged cross-site POST has nothing to use."""
    with app.app_context():
        session = db.get_session()
        org = make_org(session, "cookie")
        make_user(session, org, email="cookie@example.com")
        session.commit()
    login(client, "cookie@example.com", PASSWORD)
    assert client.get("/api/v1/suppliers").status_code == 401
    body = {"code": "CSRF", "name": "Forged", "country": "LV"}
    assert client.post("/api/v1/suppliers", json=body).status_code == 401
    # With a token, the call works without any CSRF token (the blueprint is exempt).
    assert call(client, "POST", "/suppliers", tenants["a"].write, json=body).status_code == 201


def test_rate_limit_per_token(app, client, tenants):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert call(client, "GET", "/suppliers", tenants["a"].read).status_code == 200
    limited = call(client, "GET", "/suppliers", tenants["a"].read)
    assert limited.status_code == 429 and limited.json["error"]["code"] == "rate_limited"
    # Another token (here, of another organisation) has its own allowance.
    assert call(client, "GET", "/suppliers", tenants["b"].read).status_code == 200
