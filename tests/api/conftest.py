"""Fixtures for the API: two organisations, each with an admin and tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlmodel import select

from supplychain import db
from supplychain.models import AuditEvent, utcnow
from tests.factories import make_org, make_supplier, make_token, make_user


@dataclass(frozen=True)
class Tenant:
    org_id: int
    admin_id: int
    write: str  # secret of a read+write token
    read: str  # secret of a read-only token
    supplier_id: int


@pytest.fixture
def tenants(app) -> dict[str, Tenant]:
    """Organisations "a" and "b", each with one supplier and a write and a read token."""
    made = {}
    with app.app_context():
        session = db.get_session()
        for key in ("a", "b"):
            org = make_org(session, f"api-{key}", f"API {key.upper()}")
            admin = make_user(session, org)
            supplier = make_supplier(session, org, name=f"Supplier of {key}")
            write = make_token(session, org.id, user_id=admin.id)
            read = make_token(session, org.id, user_id=admin.id, name="dashboard", scopes=["read"])
            made[key] = Tenant(org.id, admin.id, write, read, supplier.id)
        session.commit()
    return made


def call(client: FlaskClient, method: str, url: str, token: str | None, **kwargs):
    """Call the API with a bearer token (or none)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.open(f"/api/v1{url}", method=method, headers=headers, **kwargs)


def invitation_body(tenant: Tenant, title: str = "Screening") -> dict:
    """The JSON that asks for a campaign to tenant's supplier, due in ten days."""
    return {
        "supplier_ids": [tenant.supplier_id],
        "title": title,
        "deadline": (utcnow() + timedelta(days=10)).isoformat(),
    }


def send_invitations(client: FlaskClient, tenant: Tenant, title: str = "Screening"):
    """POST invitation_body(tenant, title), assert the campaign was made; return the answer."""
    sent = call(client, "POST", "/invitations", tenant.write, json=invitation_body(tenant, title))
    assert sent.status_code == 201, sent.json
    return sent


def invite(client: FlaskClient, tenant: Tenant) -> dict:
    """Send tenant's supplier a questionnaire through the API; return the invitation."""
    return send_invitations(client, tenant).json["invitations"][0]


def audit_actions(app, org_id: int) -> list[tuple[str, int | None]]:
    """(action, user id) of each of the organisation's audit events."""
    with app.app_context():
        return list(
            db.get_session().exec(
                select(AuditEvent.action, AuditEvent.user_id).where(
                    AuditEvent.organisation_id == org_id
                )
            )
        )
