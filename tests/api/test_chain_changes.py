"""Changing and removing links, and removing suppliers, through the API."""

from __future__ import annotations

from datetime import timedelta

import pytest

from supplychain import db
from supplychain.models import Invitation, Link, Organisation, Supplier, utcnow
from tests.api.conftest import audit_actions, call, invite
from tests.api.test_resources import _rows
from tests.factories import make_link, make_supplier


def _chain(app, tenant) -> tuple[int, int, int]:
    """The tenant's supplier with a labour-hire agency below it: (supplier, agency, link) ids."""
    with app.app_context():
        session = db.get_session()
        org = session.get(Organisation, tenant.org_id)
        supplier = session.get(Supplier, tenant.supplier_id)
        agency = make_supplier(session, org, kind="agency", code="AG1")
        make_link(session, org, None, supplier)
        link = make_link(session, org, supplier, agency, relation="labour_hire")
        session.commit()
        return supplier.id, agency.id, link.id


def test_link_terms_change_and_only_those_given(app, client, tenants):
    a = tenants["a"]
    _supplier, agency_id, link_id = _chain(app, a)
    body = {
        "workers": 12,
        "contract_value_eur": "9000.00",
        "labour_hours": "1500.5",
        "work_country": "fi",
    }
    patched = call(client, "PATCH", f"/links/{link_id}", a.write, json=body)
    assert patched.status_code == 200, patched.json
    link = patched.json
    assert link["workers"] == 12 and link["contract_value_eur"] == "9000.00"
    assert link["labour_hours"] == "1500.5" and link["relation"] == "labour_hire"
    assert link["work_country"] == "FI"  # where the work is done; empty: the organisation's
    assert call(client, "GET", f"/links/{link_id}", a.read).json == link
    changed = call(
        client, "PATCH", f"/links/{link_id}", a.write, json={"relation": "subcontract"}
    ).json
    assert changed["relation"] == "subcontract" and changed["workers"] == 12
    cleared = call(client, "PATCH", f"/links/{link_id}", a.write, json={"workers": None}).json
    assert cleared["workers"] is None and cleared["relation"] == "subcontract"
    assert cleared["work_country"] == "FI"
    home = call(client, "PATCH", f"/links/{link_id}", a.write, json={"work_country": ""}).json
    assert home["work_country"] == ""
    kept = call(client, "PATCH", f"/links/{link_id}", a.write, json={"relation": None}).json
    assert kept["relation"] == "subcontract" and kept["child_id"] == agency_id
    assert ("link.updated", a.admin_id) in audit_actions(app, a.org_id)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"relation": "friendship"}, "relation"),
        ({"workers": -1}, "workers"),
        ({"contract_value_eur": "1.234"}, "contract_value_eur"),
        ({"labour_hours": "NaN"}, "labour_hours"),
        ({"start_date": "2030-01-01", "end_date": "2029-01-01"}, "end_date"),
        ({"child_id": 1}, "child_id"),
        ({"work_country": "XX"}, "work_country"),
    ],
)
def test_invalid_link_change_names_the_field_and_changes_nothing(app, client, tenants, body, field):
    a = tenants["a"]
    _supplier, _agency, link_id = _chain(app, a)
    before = _rows(app, Link, a.org_id)
    response = call(client, "PATCH", f"/links/{link_id}", a.write, json=body)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "invalid_input" and field in error["fields"], error
    assert _rows(app, Link, a.org_id) == before


def test_delete_link_keeps_its_suppliers(app, client, tenants):
    a = tenants["a"]
    _supplier, agency_id, link_id = _chain(app, a)
    deleted = call(client, "DELETE", f"/links/{link_id}", a.write)
    assert deleted.status_code == 204 and deleted.data == b""
    assert link_id not in {link["id"] for link in _rows(app, Link, a.org_id)}
    assert call(client, "GET", f"/suppliers/{agency_id}", a.read).status_code == 200
    assert call(client, "GET", f"/links/{link_id}", a.read).status_code == 404
    assert call(client, "DELETE", f"/links/{link_id}", a.write).status_code == 404
    assert ("link.deleted", a.admin_id) in audit_actions(app, a.org_id)


def test_delete_archives_a_supplier_with_evidence_and_restore_brings_it_back(app, client, tenants):
    """An invited supplier is archived with its links (and its open link revoked), listed only
    with archived=true, and restored with its links; one without evidence is deleted."""
    a = tenants["a"]
    supplier_id, agency_id, _link = _chain(app, a)
    invitation = invite(client, a)
    deleted = call(client, "DELETE", f"/suppliers/{supplier_id}", a.write)
    assert deleted.status_code == 204 and deleted.data == b""
    archived = call(client, "GET", f"/suppliers/{supplier_id}", a.read).json
    assert archived["archived_at"] is not None
    sent = call(client, "GET", "/invitations", a.read).json["data"]
    assert [(i["id"], i["status"]) for i in sent] == [(invitation["id"], "revoked")]
    resend = call(client, "POST", f"/invitations/{invitation['id']}/resend", a.write, json={})
    assert resend.status_code == 409, resend.json
    assert len(_rows(app, Link, a.org_id)) == 2 and len(_rows(app, Invitation, a.org_id)) == 1

    def listed(url):
        return [row["id"] for row in call(client, "GET", url, a.read).json["data"]]

    assert listed("/suppliers") == [agency_id]
    assert listed("/suppliers?archived=true") == [supplier_id]
    assert listed("/links") == [] and len(listed("/links?archived=true")) == 2
    resent = call(client, "POST", "/invitations", a.write, json={**_sending(a), "title": "Again"})
    assert resent.status_code == 422 and "supplier_ids" in resent.json["error"]["fields"]

    restored = call(client, "POST", f"/suppliers/{supplier_id}/restore", a.write)
    assert restored.status_code == 200 and restored.json["archived_at"] is None
    assert listed("/suppliers") == sorted([supplier_id, agency_id])
    assert len(listed("/links")) == 2 and listed("/links?archived=true") == []

    assert call(client, "DELETE", f"/suppliers/{agency_id}", a.write).status_code == 204
    assert call(client, "GET", f"/suppliers/{agency_id}", a.read).status_code == 404
    actions = audit_actions(app, a.org_id)
    for action in ("supplier.archived", "invitation.revoked", "supplier.restored"):
        assert (action, a.admin_id) in actions
    assert ("supplier.deleted", a.admin_id) in actions


def _sending(tenant) -> dict:
    return {
        "supplier_ids": [tenant.supplier_id],
        "deadline": (utcnow() + timedelta(days=10)).isoformat(),
    }


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("DELETE", "/suppliers/{supplier}", None),
        ("DELETE", "/links/{link}", None),
        ("PATCH", "/links/{link}", {"workers": 1}),
        ("GET", "/links/{link}", None),
    ],
)
def test_chain_changes_need_write_scope_and_own_ids(app, client, tenants, method, url, body):
    a, b = tenants["a"], tenants["b"]
    supplier_id, _agency, link_id = _chain(app, a)
    url = url.format(supplier=supplier_id, link=link_id)
    before = _rows(app, Supplier, a.org_id), _rows(app, Link, a.org_id)
    if method != "GET":
        read_only = call(client, method, url, a.read, json=body)
        assert read_only.status_code == 403 and read_only.json["error"]["code"] == "forbidden"
    foreign = call(client, method, url, b.write, json=body)
    assert foreign.status_code == 404 and foreign.json["error"]["code"] == "not_found"
    assert (_rows(app, Supplier, a.org_id), _rows(app, Link, a.org_id)) == before
