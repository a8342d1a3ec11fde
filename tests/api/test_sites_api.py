"""Sites through the API: the same checks, writes and audit trail as the sites' pages."""

from __future__ import annotations

from sqlmodel import select

from supplychain import db
from supplychain.models import AuditEvent, Site, SiteSupplier, Supplier, utcnow
from tests.api.conftest import audit_actions, call


def _rows(app, model, org_id):
    with app.app_context():
        query = select(model).where(model.organisation_id == org_id)
        return sorted(repr(r.model_dump()) for r in db.get_session().exec(query))


def _site(client, tenant, **body):
    created = call(client, "POST", "/sites", tenant.write, json={"name": "Riga depot", **body})
    assert created.status_code == 201, created.json
    return created.json


def test_create_get_list_patch(app, client, tenants):
    a = tenants["a"]
    site = _site(client, a, address="Krasta iela 1", country="lv", languages=["ru", "lv"])
    assert site["country"] == "LV" and site["languages"] == ["lv", "ru"]
    assert site["archived"] is False and len(site["code"]) == 8
    assert site["workers_url"] == f"https://supplychain.test/w/{site['code']}"
    assert call(client, "GET", f"/sites/{site['id']}", a.read).json == site
    assert [s["id"] for s in call(client, "GET", "/sites", a.read).json["data"]] == [site["id"]]

    url = f"/sites/{site['id']}"
    body = {"name": "Riga depot 2", "starts_on": "2027-01-04", "ends_on": "2027-06-30"}
    patched = call(client, "PATCH", url, a.write, json=body).json
    assert patched["name"] == "Riga depot 2" and patched["ends_on"] == "2027-06-30"
    assert patched["address"] == "Krasta iela 1" and patched["code"] == site["code"]
    cleared = call(client, "PATCH", url, a.write, json={"ends_on": None}).json
    assert cleared["ends_on"] is None and cleared["starts_on"] == "2027-01-04"
    assert ("site.created", a.admin_id) in audit_actions(app, a.org_id)
    assert ("site.updated", a.admin_id) in audit_actions(app, a.org_id)


def test_bad_field_is_named_and_nothing_is_written(app, client, tenants):
    a = tenants["a"]
    audit_before = audit_actions(app, a.org_id)
    for body, field in [
        ({"name": "X", "country": "ZZ"}, "country"),
        ({"name": "X", "languages": ["xx"]}, "languages"),
        ({"name": "X", "starts_on": "2027-02-01", "ends_on": "2027-01-01"}, "ends_on"),
        ({"name": ""}, "name"),
        ({"name": "X", "colour": "red"}, "colour"),
    ]:
        response = call(client, "POST", "/sites", a.write, json=body)
        assert response.status_code == 422, response.json
        error = response.json["error"]
        assert error["code"] == "invalid_input" and field in error["fields"], error
    assert _rows(app, Site, a.org_id) == [] and audit_actions(app, a.org_id) == audit_before

    site = _site(client, a)
    before = _rows(app, Site, a.org_id)
    bad = call(client, "PATCH", f"/sites/{site['id']}", a.write, json={"languages": []})
    assert bad.status_code == 422 and "languages" in bad.json["error"]["fields"]
    assert _rows(app, Site, a.org_id) == before


def test_archive_and_restore(app, client, tenants):
    a = tenants["a"]
    site = _site(client, a)
    url = f"/sites/{site['id']}"
    assert call(client, "DELETE", url, a.write).status_code == 204
    assert call(client, "DELETE", url, a.write).status_code == 204  # archived already
    assert call(client, "GET", url, a.read).json["archived"] is True
    assert call(client, "GET", "/sites", a.read).json["data"] == []
    archived = call(client, "GET", "/sites?archived=true", a.read).json["data"]
    assert [s["id"] for s in archived] == [site["id"]]
    assert client.get(f"/w/{site['code']}").status_code == 404

    restored = call(client, "POST", f"{url}/restore", a.write)
    assert restored.status_code == 200 and restored.json["archived"] is False
    assert client.get(f"/w/{site['code']}").status_code == 200
    actions = [action for action, _user in audit_actions(app, a.org_id)]
    assert actions.count("site.archived") == 1 and actions.count("site.restored") == 1


def test_place_list_and_remove_suppliers(app, client, tenants):
    a = tenants["a"]
    site = _site(client, a)
    placed = f"/sites/{site['id']}/suppliers/{a.supplier_id}"
    assert call(client, "PUT", placed, a.write).status_code == 204
    assert call(client, "PUT", placed, a.write).status_code == 204  # already there: no change
    on_site = call(client, "GET", f"/sites/{site['id']}/suppliers", a.read).json["data"]
    assert [s["id"] for s in on_site] == [a.supplier_id]
    assert on_site[0]["site_ids"] == [site["id"]]
    other = call(
        client, "POST", "/suppliers", a.write, json={"code": "OFF", "name": "Off", "country": "LV"}
    ).json
    assert other["site_ids"] == []
    filtered = call(client, "GET", f"/suppliers?site_id={site['id']}", a.read).json["data"]
    assert [s["id"] for s in filtered] == [a.supplier_id]

    assert call(client, "DELETE", placed, a.write).status_code == 204
    assert call(client, "DELETE", placed, a.write).status_code == 204  # not there: no change
    assert call(client, "GET", f"/suppliers?site_id={site['id']}", a.read).json["data"] == []
    actions = [action for action, _user in audit_actions(app, a.org_id)]
    assert actions.count("site.supplier_placed") == 1
    assert actions.count("site.supplier_removed") == 1


def test_archived_supplier_is_not_placed(app, client, tenants):
    a = tenants["a"]
    site = _site(client, a)
    with app.app_context():
        session = db.get_session()
        supplier = session.get(Supplier, a.supplier_id)
        supplier.archived_at = utcnow()
        session.add(supplier)
        session.commit()
    response = call(client, "PUT", f"/sites/{site['id']}/suppliers/{a.supplier_id}", a.write)
    assert response.status_code == 409 and response.json["error"]["code"] == "conflict"
    assert _rows(app, SiteSupplier, a.org_id) == []


def test_other_organisation_gets_404_and_nothing_changes(app, client, tenants):
    a, b = tenants["a"], tenants["b"]
    site = _site(client, a)
    theirs = _site(client, b)
    # A's site with B's supplier, and B's site with A's supplier: neither is placed.
    for url in (
        f"/sites/{site['id']}/suppliers/{b.supplier_id}",
        f"/sites/{theirs['id']}/suppliers/{a.supplier_id}",
    ):
        assert call(client, "PUT", url, a.write).status_code == 404
    for method, url in [
        ("GET", f"/sites/{theirs['id']}"),
        ("PATCH", f"/sites/{theirs['id']}"),
        ("DELETE", f"/sites/{theirs['id']}"),
        ("POST", f"/sites/{theirs['id']}/restore"),
        ("GET", f"/sites/{theirs['id']}/suppliers"),
        ("DELETE", f"/sites/{theirs['id']}/suppliers/{b.supplier_id}"),
    ]:
        response = call(client, method, url, a.write, json={} if method == "PATCH" else None)
        assert response.status_code == 404, (method, url)
    assert call(client, "GET", f"/suppliers?site_id={theirs['id']}", a.read).json["data"] == []
    assert _rows(app, SiteSupplier, a.org_id) == _rows(app, SiteSupplier, b.org_id) == []
    with app.app_context():
        assert db.get_session().get(Site, theirs["id"]).archived is False


def test_read_only_token_cannot_write(app, client, tenants):
    a = tenants["a"]
    site = _site(client, a)
    before = _rows(app, AuditEvent, a.org_id)
    for method, url in [
        ("POST", "/sites"),
        ("PATCH", f"/sites/{site['id']}"),
        ("DELETE", f"/sites/{site['id']}"),
        ("POST", f"/sites/{site['id']}/restore"),
        ("PUT", f"/sites/{site['id']}/suppliers/{a.supplier_id}"),
        ("DELETE", f"/sites/{site['id']}/suppliers/{a.supplier_id}"),
    ]:
        response = call(client, method, url, a.read, json={"name": "Read only"})
        assert response.status_code == 403, (method, url)
    assert _rows(app, AuditEvent, a.org_id) == before
    assert call(client, "GET", f"/sites/{site['id']}", a.read).json == site


def test_unknown_url_with_a_control_character_in_its_query_is_a_404(client, tenants):
    """Found by schemathesis on /sites/{site_id}/suppliers: the pages' 400 for control
    characters in a query must not answer for the API, even where no route matched."""
    response = call(client, "GET", "/sites/x/suppliers?q=%00", tenants["a"].read)
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
