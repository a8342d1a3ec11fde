"""Supplier and link forms: good input is saved; bad input is named and writes nothing."""

from __future__ import annotations

import pytest
from sqlmodel import select

from supplychain import db
from supplychain.models import AuditEvent, Link, Relation, Role, Supplier
from tests.conftest import post_form, row_counts, sign_in
from tests.factories import committed, make_link, make_org, make_supplier, make_team


@pytest.fixture
def chain_world(app):
    with committed(app) as session:
        org = make_team(session, "ours", Role.OFFICER, Role.VIEWER)
        other = make_org(session, "theirs")
        a = make_supplier(session, org, code="A1", name="Alpha Būve SIA")
        b = make_supplier(session, org, code="B1", name="Beta Tīrīšana SIA", sector="N81.2")
        make_link(session, org, None, a)
        foreign = make_supplier(session, other, code="X1", name="Foreign Firm")
        return {"a": a.id, "b": b.id, "foreign": foreign.id, "org": org.id}


@pytest.fixture
def officer(client, chain_world):
    """The client, signed in as the organisation's officer."""
    return sign_in(client, Role.OFFICER, "ours")


def _send_form(client, url: str, data: dict):
    """Post data from the form on the page at url, as the browser does."""
    return post_form(client, url, data, page=url)


def _counts(app) -> list[int]:
    return row_counts(app, Supplier, Link, AuditEvent)


SUPPLIER = {
    "code": "C1",
    "name": "Celtnieks SIA",
    "registration_no": "40003000001",
    "country": "lv",
    "sector": "43.99",
    "email": "info@celtnieks.example",
    "kind": "company",
    "employees": "12",
}


def test_officer_adds_a_supplier_with_normalised_codes(app, officer, chain_world):
    response = _send_form(officer, "/chain/suppliers/new", SUPPLIER)
    assert response.status_code == 302
    with app.app_context():
        saved = db.get_session().exec(select(Supplier).where(Supplier.code == "C1")).one()
        assert (saved.country, saved.sector, saved.organisation_id) == (
            "LV",
            "F43.99",
            chain_world["org"],
        )
    page = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert "Celtnieks SIA" in page


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("code", "A1", "Another supplier already has the code A1."),
        ("country", "XX", "&#34;XX&#34; is not a country we know"),
        ("sector", "Z99.9", "Unknown NACE code Z99.9"),
        ("sector", "F81.2", "Unknown NACE code F81.2"),
        ("name", "N" * 201, "Field cannot be longer than 200 characters."),
        ("registration_no", "9" * 33, "Field cannot be longer than 32 characters."),
        ("email", "not-an-address", "Enter a valid email address."),
    ],
)
def test_bad_supplier_input_is_named_and_nothing_is_written(
    app, officer, chain_world, field, value, message
):
    before = _counts(app)
    response = _send_form(officer, "/chain/suppliers/new", {**SUPPLIER, field: value})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert message in html.replace("&#39;", "'")
    assert _counts(app) == before


def test_the_country_is_picked_by_name_in_the_pages_language(app, officer, chain_world):
    """A Latvian page offers the countries by their Latvian names, with their codes; a name
    typed in Latvian or Russian is saved as its code (never cut to "LA", Laos)."""
    officer.get("/account/language/lv")
    form = officer.get("/chain/suppliers/new").get_data(as_text=True)
    assert 'list="countries"' in form and '<option value="Latvija (LV)">' in form
    assert 'maxlength="2"' not in form
    for code, country in (("C1", "Latvija"), ("C2", "Эстония"), ("C3", "Lietuva (LT)")):
        data = {**SUPPLIER, "code": code, "country": country}
        assert _send_form(officer, "/chain/suppliers/new", data).status_code == 302
    with app.app_context():
        saved = db.get_session().exec(select(Supplier.code, Supplier.country)).all()
        assert {"C1": "LV", "C2": "EE", "C3": "LT"}.items() <= dict(saved).items()


def test_editing_to_a_taken_code_is_refused(app, officer, chain_world):
    url = f"/chain/suppliers/{chain_world['b']}/edit"
    response = _send_form(officer, url, {**SUPPLIER, "code": "A1", "name": "Beta"})
    assert "Another supplier already has the code A1." in response.get_data(as_text=True)
    with app.app_context():
        assert db.get_session().get(Supplier, chain_world["b"]).name == "Beta Tīrīšana SIA"


def _link(parent, child, **extra):
    return {
        "parent_id": str(parent),
        "child_id": str(child),
        "relation": "labour_hire",
        "workers": "4",
        "contract_value_eur": "9000",
        "labour_hours": "700",
        **extra,
    }


def test_officer_links_two_suppliers(app, officer, chain_world):
    data = _link(chain_world["a"], chain_world["b"], work_country=" ee ")
    response = _send_form(officer, "/chain/links/new", data)
    assert response.status_code == 302
    with app.app_context():
        link = db.get_session().exec(select(Link).where(Link.child_id == chain_world["b"])).one()
        assert (link.parent_id, link.relation.value, link.workers, link.work_country) == (
            chain_world["a"],
            "labour_hire",
            4,
            "EE",
        )


@pytest.mark.parametrize(
    "case,field,message",
    [
        ("self", "child_id", "A supplier cannot be its own subcontractor."),
        ("foreign_child", "child_id", "Choose a supplier of your organisation."),
        ("foreign_parent", "parent_id", "Choose a supplier of your organisation."),
        ("duplicate", "child_id", "This link already exists."),
        ("negative", "workers", "Number must be at least 0."),
        ("dates", "end_date", "The end comes before the start."),
        ("work_country", "work_country", "&#34;XX&#34; is not a country we know"),
    ],
)
def test_bad_link_input_is_named_and_nothing_is_written(
    app, officer, chain_world, case, field, message
):
    w = chain_world
    data = {
        "self": _link(w["a"], w["a"]),
        "foreign_child": _link(w["a"], w["foreign"]),
        "foreign_parent": _link(w["foreign"], w["b"]),
        "duplicate": _link(0, w["a"]),
        "negative": _link(w["a"], w["b"], workers="-3"),
        "dates": _link(w["a"], w["b"], start_date="2026-05-01", end_date="2026-04-01"),
        "work_country": _link(w["a"], w["b"], work_country="XX"),
    }[case]
    before = _counts(app)
    response = _send_form(officer, "/chain/links/new", data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert message in html
    assert "Foreign Firm" not in html
    assert _counts(app) == before


def test_viewer_cannot_change_the_chain(app, client, chain_world):
    sign_in(client, Role.VIEWER, "ours")
    assert client.get(f"/chain/suppliers/{chain_world['a']}").status_code == 200
    before = _counts(app)
    response = post_form(client, "/chain/suppliers/new", SUPPLIER)
    assert response.status_code == 403
    response = post_form(client, f"/chain/suppliers/{chain_world['a']}/delete")
    assert response.status_code == 403
    assert _counts(app) == before


def test_removing_a_supplier_removes_its_links_and_is_audited(app, officer, chain_world):
    response = post_form(officer, f"/chain/suppliers/{chain_world['a']}/delete")
    assert response.status_code == 302
    with app.app_context():
        session = db.get_session()
        assert session.get(Supplier, chain_world["a"]) is None
        assert session.exec(select(Link).where(Link.child_id == chain_world["a"])).first() is None
        event = session.exec(
            select(AuditEvent).where(AuditEvent.action == "supplier.deleted")
        ).one()
        assert event.details["code"] == "A1"


def test_database_itself_refuses_a_cross_organisation_link(session, chain_world):
    """The composite foreign keys hold even if the service checks were bypassed."""
    import sqlalchemy as sa

    session.add(
        Link(
            organisation_id=chain_world["org"],
            parent_id=chain_world["a"],
            child_id=chain_world["foreign"],
            relation=Relation.SUBCONTRACT,
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_a_large_chain_s_groups_are_named_by_sector_in_the_page_s_language(
    app, officer, chain_world, monkeypatch
):
    from supplychain.chain import layout

    monkeypatch.setattr(layout, "MAX_NODES", 1)
    page = officer.get("/chain/").get_data(as_text=True)
    assert "N · Administrative and support service" in page  # Beta, cleaning (N81.2)
    assert 'markerUnits="userSpaceOnUse"' in page  # arrowheads do not grow with the lines
    # a group opens as the list of its suppliers (by its section: every code in it)
    assert 'href="/chain/suppliers?sector=N"' in page
    listed = officer.get("/chain/suppliers?sector=N").get_data(as_text=True)
    assert "Beta Tīrīšana SIA" in listed and "Alpha Būve SIA" not in listed
    for key in ("key supply", "key back", "dot progress", "key group"):
        assert f'class="{key}"' in page  # the legend shows every style the map uses
    with app.test_client() as latvian:
        sign_in(latvian, Role.OFFICER, "ours")
        latvian.get("/account/language/lv")
        assert "N · Administratīvo un apkalpojošo dienestu darbība" in latvian.get("/chain/").text


def test_too_many_groups_are_drawn_one_per_tier_each_opening_its_tier(
    officer, chain_world, monkeypatch
):
    from supplychain.chain import layout

    monkeypatch.setattr(layout, "MAX_NODES", 1)
    monkeypatch.setattr(layout, "MAX_GROUPS", 1)
    page = officer.get("/chain/").get_data(as_text=True)
    assert "All sectors" in page
    assert 'href="/chain/suppliers?tier=1"' in page and "sector=" not in page
