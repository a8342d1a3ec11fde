"""The sites pages: adding, editing, archiving; bad input refused with nothing written; placing
suppliers; the chain's list and map filtered by site; another organisation's sites unseen."""

from __future__ import annotations

import pytest
from sqlmodel import select

from supplychain import db
from supplychain.models import AuditEvent, CheckIn, Role, Site, SiteSupplier, utcnow
from supplychain.sites import services
from tests.conftest import login, post_form, row_counts
from tests.factories import PASSWORD, make_org, make_supplier, make_user

GOOD = {
    "name": "Skanstes kvartāls",
    "address": "Skanstes iela 1, Rīga",
    "country": "lv",
    "starts_on": "2026-03-01",
    "ends_on": "2027-06-30",
    "languages": ["lv", "ru", "uk"],
}


@pytest.fixture
def world(app):
    with app.app_context():
        session = db.get_session()
        org = make_org(session, "alpha")
        make_user(session, org, Role.OFFICER, email="officer@alpha.example")
        make_user(session, org, Role.VIEWER, email="viewer@alpha.example")
        other = make_org(session, "beta")
        make_user(session, other, Role.ADMIN, email="admin@beta.example")
        builder = make_supplier(session, org, name="Būve SIA", code="BUVE")
        cleaner = make_supplier(session, org, name="Tīrs SIA", code="TIRS")
        foreign = make_supplier(session, other, name="Beta Secret SIA", code="BETA")
        session.commit()
        return {"builder": builder.id, "cleaner": cleaner.id, "foreign": foreign.id}


def _officer(client):
    login(client, "officer@alpha.example", PASSWORD)
    return client


def _sites(app) -> list[Site]:
    with app.app_context():
        return list(db.get_session().exec(select(Site).order_by(Site.id)).all())


def _site_actions(app) -> list[str]:
    with app.app_context():
        actions = db.get_session().exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    return [a for a in actions if a.startswith("site.")]


def _new(client, **fields):
    return post_form(client, "/sites/new", {**GOOD, **fields}, page="/sites/new")


def test_a_site_is_added_edited_archived_and_restored(app, client, world):
    response = _new(_officer(client))
    assert response.status_code == 302
    (site,) = _sites(app)
    assert (site.country, site.languages, site.archived) == ("LV", "lv,ru,uk", False)
    assert len(site.code) == services.CODE_LENGTH
    assert set(site.code) <= set(services.CODE_ALPHABET)
    page = client.get(f"/sites/{site.id}").get_data(as_text=True)
    assert f"/w/{site.code}" in page and "Skanstes iela 1" in page
    edited = post_form(
        client, f"/sites/{site.id}/edit", {**GOOD, "name": "Skanste"}, page=f"/sites/{site.id}"
    )
    assert edited.status_code == 302 and _sites(app)[0].name == "Skanste"
    post_form(client, f"/sites/{site.id}/archive", page=f"/sites/{site.id}")
    assert _sites(app)[0].archived
    listing = client.get("/sites/").get_data(as_text=True)
    assert "Archived sites" in listing and "Skanste" in listing
    post_form(client, f"/sites/{site.id}/restore", page=f"/sites/{site.id}")
    assert not _sites(app)[0].archived
    assert _sites(app)[0].code == site.code  # the poster's address never changes
    assert _site_actions(app) == [
        "site.created",
        "site.updated",
        "site.archived",
        "site.restored",
    ]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "  "}, "name", "Enter the site&#39;s name."),
        ({"name": "x" * 201}, "name", "Field cannot be longer than 200 characters."),
        ({"country": "XX"}, "country", "&#34;XX&#34; is not a country we know"),
        ({"ends_on": "2026-02-01"}, "ends_on", "The site cannot end before it starts."),
        ({"languages": []}, "languages", "Choose at least one of the poster"),
        ({"languages": ["lv", "de"]}, "languages", "Choose at least one of the poster"),
        ({"starts_on": "2026-13-01"}, "starts_on", "Not a valid date value."),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_written(
    app, client, world, fields, field, message
):
    response = _new(_officer(client), **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and message in page
    assert row_counts(app, Site) == [0] and _site_actions(app) == []


def test_suppliers_are_placed_listed_filtered_and_removed(app, client, world):
    _new(_officer(client))
    (site,) = _sites(app)
    url = f"/sites/{site.id}"
    for supplier in (world["builder"], world["foreign"], world["builder"]):
        post_form(client, f"{url}/suppliers", {"supplier_id": supplier}, page=url)
    assert row_counts(app, SiteSupplier) == [1]  # not the other organisation's, not twice
    refused = post_form(client, f"{url}/suppliers", {"supplier_id": world["foreign"]}, page=url)
    assert refused.status_code == 422 and "Choose one of your suppliers." in refused.text
    assert "Beta Secret" not in refused.text
    assert "Būve SIA" in client.get(url).text
    builder_page = client.get(f"/chain/suppliers/{world['builder']}").text
    assert "Skanstes kvartāls" in builder_page and 'class="badge unverified"' in builder_page
    with app.app_context():  # one of its workers checks in: it is heard, no longer unverified
        session = db.get_session()
        session.add(
            CheckIn(
                organisation_id=site.organisation_id,
                site_id=site.id,
                supplier_id=world["builder"],
                language="lv",
                answers={},
                given_on=utcnow().date(),
            )
        )
        session.commit()
    builder_page = client.get(f"/chain/suppliers/{world['builder']}").text
    assert "Skanstes kvartāls" in builder_page and 'class="badge unverified"' not in builder_page
    assert "Skanstes kvartāls" not in client.get(f"/chain/suppliers/{world['cleaner']}").text
    listed = client.get(f"/chain/suppliers?site={site.id}").text
    assert "Būve SIA" in listed and "Tīrs SIA" not in listed
    assert "Tīrs SIA" in client.get("/chain/suppliers").text
    drawn = client.get(f"/chain/?site={site.id}")
    assert drawn.status_code == 200 and "Tīrs SIA" not in drawn.text and "Būve SIA" in drawn.text
    post_form(client, f"{url}/suppliers/{world['builder']}/remove", page=url)
    assert row_counts(app, SiteSupplier) == [0]
    client.get(url)  # shows the flash
    assert "Būve SIA" not in client.get(f"/chain/suppliers?site={site.id}").text


def test_a_deleted_supplier_leaves_its_sites(app, client, world):
    _new(_officer(client))
    (site,) = _sites(app)
    url = f"/sites/{site.id}"
    post_form(client, f"{url}/suppliers", {"supplier_id": world["cleaner"]}, page=url)
    supplier = f"/chain/suppliers/{world['cleaner']}"
    assert post_form(client, f"{supplier}/delete", page=supplier).status_code == 302
    assert row_counts(app, SiteSupplier) == [0]
    assert client.get(url).status_code == 200


def test_viewer_reads_only_and_another_organisation_sees_nothing(app, client, world):
    _new(_officer(client))
    (site,) = _sites(app)
    viewer = app.test_client()
    login(viewer, "viewer@alpha.example", PASSWORD)
    assert viewer.get(f"/sites/{site.id}").status_code == 200
    assert viewer.get("/sites/new").status_code == 403
    client = app.test_client()
    login(client, "admin@beta.example", PASSWORD)
    assert client.get(f"/sites/{site.id}").status_code == 404
    assert client.get(f"/chain/suppliers?site={site.id}").status_code == 404
    assert client.get(f"/chain/?site={site.id}").status_code == 404
    assert "Skanstes" not in client.get("/sites/").text


def test_codes_are_random_and_unique(app, world):
    with app.app_context():
        session = db.get_session()
        codes = {services.new_code(session) for _ in range(50)}
    assert len(codes) == 50
