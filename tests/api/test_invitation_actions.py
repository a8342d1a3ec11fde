"""Resending and revoking an invitation through the API."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from supplychain import db
from supplychain.models import (
    Invitation,
    OutboxMessage,
    Response,
    ResponseStatus,
    utcnow,
)
from tests.api.conftest import audit_actions, call, invitation_body, invite
from tests.api.test_resources import _answered, _rows


def test_resend_replaces_the_mail_and_keeps_the_link_secret(app, client, tenants):
    a = tenants["a"]
    invitation = invite(client, a)
    (first,) = _rows(app, OutboxMessage, a.org_id)
    resent = call(client, "POST", f"/invitations/{invitation['id']}/resend", a.write)
    assert resent.status_code == 200, resent.json
    assert resent.json["id"] == invitation["id"] and resent.json["status"] == "queued"
    assert resent.json["expires_at"] == invitation["expires_at"]
    assert "/r/" not in resent.get_data(as_text=True)
    (second,) = _rows(app, OutboxMessage, a.org_id)  # the mail with the dead link is withdrawn
    assert second != first
    assert ("invitation.resent", a.admin_id) in audit_actions(app, a.org_id)


def test_resend_with_a_new_deadline(app, client, tenants):
    a = tenants["a"]
    invitation = invite(client, a)
    deadline = (utcnow() + timedelta(days=30)).replace(microsecond=0)
    resent = call(
        client,
        "POST",
        f"/invitations/{invitation['id']}/resend",
        a.write,
        json={"deadline": deadline.isoformat()},
    )
    assert resent.status_code == 200, resent.json
    assert datetime.fromisoformat(resent.json["expires_at"]) == deadline


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"deadline": "2020-01-01T00:00:00Z"}, "deadline"),
        ({"deadline": "2999-01-01T00:00:00"}, "deadline"),
        ({"deadline": "tomorrow"}, "deadline"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_resend_names_the_field_and_changes_nothing(app, client, tenants, body, field):
    a = tenants["a"]
    invitation = invite(client, a)
    before = _rows(app, Invitation, a.org_id), _rows(app, OutboxMessage, a.org_id)
    response = call(client, "POST", f"/invitations/{invitation['id']}/resend", a.write, json=body)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"], response.json
    assert (_rows(app, Invitation, a.org_id), _rows(app, OutboxMessage, a.org_id)) == before


def test_submitted_invitation_is_not_resent(app, client, tenants):
    a = tenants["a"]
    response_id = _answered(app, a)
    with app.app_context():
        session = db.get_session()
        response = session.get(Response, response_id)
        response.status = ResponseStatus.SUBMITTED
        session.add(response)
        session.commit()
    (invitation,) = _rows(app, Invitation, a.org_id)
    before = _rows(app, Invitation, a.org_id)
    refused = call(client, "POST", f"/invitations/{invitation['id']}/resend", a.write)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "conflict"
    assert _rows(app, Invitation, a.org_id) == before


def test_revoke_stops_the_link_once(app, client, tenants):
    a = tenants["a"]
    invitation = invite(client, a)
    revoked = call(client, "POST", f"/invitations/{invitation['id']}/revoke", a.write)
    assert revoked.status_code == 200, revoked.json
    assert revoked.json["status"] == "revoked"
    assert _rows(app, OutboxMessage, a.org_id) == []  # its unsent mail is not sent
    (row,) = _rows(app, Invitation, a.org_id)
    again = call(client, "POST", f"/invitations/{invitation['id']}/revoke", a.write)
    assert again.status_code == 200 and again.json == revoked.json
    assert _rows(app, Invitation, a.org_id) == [row]
    assert audit_actions(app, a.org_id).count(("invitation.revoked", a.admin_id)) == 1
    back = call(client, "POST", f"/invitations/{invitation['id']}/resend", a.write)
    assert back.json["status"] == "queued"


@pytest.mark.parametrize("action", ["resend", "revoke"])
def test_actions_need_write_scope_and_own_invitation(app, client, tenants, action):
    a, b = tenants["a"], tenants["b"]
    invitation = invite(client, a)
    before = _rows(app, Invitation, a.org_id), _rows(app, OutboxMessage, a.org_id)
    url = f"/invitations/{invitation['id']}/{action}"
    read_only = call(client, "POST", url, a.read)
    assert read_only.status_code == 403 and read_only.json["error"]["code"] == "forbidden"
    foreign = call(client, "POST", url, b.write)
    assert foreign.status_code == 404 and foreign.json["error"]["code"] == "not_found"
    assert (_rows(app, Invitation, a.org_id), _rows(app, OutboxMessage, a.org_id)) == before


def test_invitations_are_sent_in_the_language_asked_for(client, tenants):
    a = tenants["a"]
    body = {**invitation_body(a), "language": "ru"}
    sent = call(client, "POST", "/invitations", a.write, json=body)
    assert sent.status_code == 201 and sent.json["invitations"][0]["language"] == "ru"
    bad = call(client, "POST", "/invitations", a.write, json={**body, "language": "de"})
    assert bad.status_code == 422 and "language" in bad.json["error"]["fields"]
    resend = f"/invitations/{sent.json['invitations'][0]['id']}/resend"
    resent = call(client, "POST", resend, a.write, json={"language": "lv"})
    assert resent.status_code == 200 and resent.json["language"] == "lv"
