"""Recording an officer's decision on a flag through the API."""

from __future__ import annotations

import pytest
from sqlmodel import select

from supplychain import db
from supplychain.models import AuditEvent, Flag, FlagDecision
from tests.api.conftest import audit_actions, call
from tests.api.test_resources import _assessed, _rows


def _flag_id(app, tenant) -> int:
    _assessed(app, tenant)
    with app.app_context():
        return (
            db.get_session()
            .exec(select(Flag.id).where(Flag.organisation_id == tenant.org_id))
            .first()
        )


def test_decision_is_recorded_shown_and_audited(app, client, tenants):
    a = tenants["a"]
    flag_id = _flag_id(app, a)
    assert call(client, "GET", f"/flags/{flag_id}", a.read).json["decision"] is None
    body = {"status": "mitigating", "owner": "Ilze", "due_date": "2031-05-01", "note": "audit"}
    decided = call(client, "PUT", f"/flags/{flag_id}/decision", a.write, json=body)
    assert decided.status_code == 200, decided.json
    assert decided.json["status"] == "mitigating"
    decision = decided.json["decision"]
    assert decision["owner"] == "Ilze" and decision["due_date"] == "2031-05-01"
    assert decision["note"] == "audit" and decision["user_id"] == a.admin_id
    assert call(client, "GET", f"/flags/{flag_id}", a.read).json == decided.json
    # A second PUT replaces the decision rather than adding one.
    again = call(
        client, "PUT", f"/flags/{flag_id}/decision", a.write, json={"status": "acknowledged"}
    )
    assert again.json["status"] == "acknowledged" and again.json["decision"]["owner"] == ""
    assert len(_rows(app, FlagDecision, a.org_id)) == 1
    with app.app_context():
        actions = db.get_session().exec(select(AuditEvent.action, AuditEvent.user_id)).all()
    assert ("flag.mitigating", a.admin_id) in actions
    assert ("flag.acknowledged", a.admin_id) in actions


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "mitigating", "due_date": "2031-05-01"}, "owner"),
        ({"status": "mitigating", "owner": "Ilze"}, "due_date"),
        ({"status": "dismissed", "note": "   "}, "note"),
        ({"status": "closed"}, "status"),
        ({"note": "no status"}, "status"),
        ({"status": "acknowledged", "owner": "x" * 201}, "owner"),
        ({"status": "acknowledged", "due_date": "soon"}, "due_date"),
        ({"status": "acknowledged", "colour": "red"}, "colour"),
    ],
)
def test_invalid_decision_names_the_field_and_changes_nothing(app, client, tenants, body, field):
    a = tenants["a"]
    flag_id = _flag_id(app, a)
    response = call(client, "PUT", f"/flags/{flag_id}/decision", a.write, json=body)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "invalid_input" and field in error["fields"], error
    assert _rows(app, FlagDecision, a.org_id) == []


def test_decision_needs_write_scope_and_own_flag(app, client, tenants):
    a, b = tenants["a"], tenants["b"]
    flag_id = _flag_id(app, a)
    body = {"status": "acknowledged"}
    read_only = call(client, "PUT", f"/flags/{flag_id}/decision", a.read, json=body)
    assert read_only.status_code == 403 and read_only.json["error"]["code"] == "forbidden"
    foreign = call(client, "PUT", f"/flags/{flag_id}/decision", b.write, json=body)
    assert foreign.status_code == 404 and foreign.json["error"]["code"] == "not_found"
    assert _rows(app, FlagDecision, a.org_id) == []


def test_dismissing_a_critical_flag_through_the_api_only_proposes_it(app, client, tenants):
    a = tenants["a"]
    flag_id = _flag_id(app, a)
    with app.app_context():
        session = db.get_session()
        session.get(Flag, flag_id).severity = "critical"
        session.commit()
    body = {"status": "dismissed", "note": "Agreed with the inspectorate"}
    proposed = call(client, "PUT", f"/flags/{flag_id}/decision", a.write, json=body)
    assert proposed.status_code == 200, proposed.json
    assert proposed.json["status"] == "open"
    decision = proposed.json["decision"]
    assert decision["dismissal_pending"] is True and decision["proposed_by"] == a.admin_id
    assert decision["proposed_note"] == body["note"] and decision["confirmed_by"] is None
    assert ("flag.dismissal_proposed", a.admin_id) in audit_actions(app, a.org_id)
    # Another decision replaces the proposal.
    again = call(client, "PUT", f"/flags/{flag_id}/decision", a.write, json={"status": "open"})
    assert again.json["decision"]["dismissal_pending"] is False
    assert again.json["decision"]["proposed_by"] is None
