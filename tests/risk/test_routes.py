"""Risk pages: assess now, the flags with filters, one flag and its decision, runs, thresholds."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from supplychain import db
from supplychain.models import Flag, FlagDecision, Organisation, Role
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_link, make_org, make_supplier, make_user


@pytest.fixture
def officer(app, client):
    with app.app_context():
        session = db.get_session()
        org = make_org(session, "ours")
        org.country = "LV"
        make_user(session, org, Role.ADMIN, email="admin@ours.example")
        make_user(session, org, Role.VIEWER, email="viewer@ours.example")
        a = make_supplier(session, org, code="A", name="Alfa SIA")
        b = make_supplier(session, org, code="B", name="Bēta UAB", country="LT")
        c = make_supplier(session, org, code="C", name="Cēsu Darbi SIA")
        d = make_supplier(session, org, code="D", name="Dziļie SIA")
        make_link(session, org, None, a)
        make_link(session, org, a, b, relation="labour_hire")
        make_link(session, org, b, c)
        make_link(session, org, c, d)
        session.commit()
    login(client, "admin@ours.example", PASSWORD)
    return client


def _assess(client):
    response = post_form(client, "/risk/run", page="/risk/")
    assert response.status_code == 302 and "/risk/runs/" in response.headers["Location"]
    return response.headers["Location"]


def test_assess_now_then_read_the_flags(app, officer):
    assert "No assessment yet" in officer.get("/risk/").get_data(as_text=True)
    run_page = officer.get(_assess(officer)).get_data(as_text=True)
    assert "What it was based on" in run_page and "supplier-self-assessment" not in run_page
    page = officer.get("/risk/").get_data(as_text=True)
    assert "Agency workers deep in the chain" in page and "Bēta UAB" in page
    high = officer.get("/risk/?severity=high").get_data(as_text=True)
    assert 'class="severity high"' in high and 'class="severity low"' not in high
    only = officer.get("/risk/?q=Dziļ").get_data(as_text=True)
    assert "Dziļie SIA" in only and "Bēta UAB" not in only
    # every flag says where its evidence comes from, and the list filters by it
    assert 'class="badge source structure">Chain structure<' in page
    assert "No flags match." in officer.get("/risk/?source=workers").get_data(as_text=True)
    structure = officer.get("/risk/?source=structure").get_data(as_text=True)
    assert "Agency workers deep in the chain" in structure


def test_a_decision_is_kept_and_filters_the_list(app, officer):
    _assess(officer)
    with app.app_context():
        flag = db.get_session().exec(select(Flag).where(Flag.rule == "labour-hire-deep")).one()
    url = f"/risk/flags/{flag.id}"
    page = officer.get(url).get_data(as_text=True)
    assert "Evidence" in page and "Alfa SIA (A)" in page and "Bēta UAB (B)" in page
    refused = post_form(officer, url, {"status": "mitigating", "owner": ""}, page=url)
    assert (
        refused.status_code == 200
        and "Name who carries out the mitigation." in refused.get_data(as_text=True)
    )
    saved = post_form(
        officer, url, {"status": "mitigating", "owner": "Līga", "due_date": "2026-12-31"}, page=url
    )
    assert saved.status_code == 302
    _assess(officer)  # a later run keeps the decision
    mitigating = officer.get("/risk/?status=mitigating").get_data(as_text=True)
    assert "Agency workers enter the chain at tier 2" in mitigating
    assert "has not been sent a questionnaire" not in mitigating
    open_flags = officer.get("/risk/?status=open").get_data(as_text=True)
    assert "Agency workers enter the chain at tier 2" not in open_flags
    with app.app_context():
        assert db.get_session().exec(select(FlagDecision)).one().owner == "Līga"


def test_thresholds_change_what_is_flagged(app, officer):
    form = officer.get("/risk/settings").get_data(as_text=True)
    assert 'name="chain-depth.medium_from"' in form
    bad = post_form(
        officer,
        "/risk/settings",
        {"chain-depth.medium_from": "three", "country": "Lettland"},
        page="/risk/settings",
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "Enter a number like 3." in page
    assert "&#34;Lettland&#34; is not a country we know" in page
    fields = dict(re.findall(r'name="([\w.-]+)" value="([^"]*)"', form))
    fields.update({"chain-depth.medium_from": "5", "chain-depth.high_from": "6"})
    fields["country"] = "Latvija"  # a name is read as its code
    assert post_form(officer, "/risk/settings", fields, page="/risk/settings").status_code == 302
    with app.app_context():
        org = db.get_session().exec(select(Organisation).where(Organisation.slug == "ours")).one()
        assert org.risk_thresholds == {"chain-depth": {"medium_from": 5, "high_from": 6}}
        assert org.country == "LV"
    _assess(officer)
    assert "The work reaches this company only at tier" not in officer.get("/risk/").get_data(
        as_text=True
    )


def test_viewers_read_but_do_not_decide(app, client, officer):
    _assess(officer)
    viewer = app.test_client()
    login(viewer, "viewer@ours.example", PASSWORD)
    assert viewer.get("/risk/").status_code == 200
    assert viewer.get("/risk/settings").status_code == 403
    assert post_form(viewer, "/risk/run", page="/risk/").status_code == 403


def test_overview_supplier_page_and_map_show_the_assessment(app, officer):
    assert "Risks in your chain" in officer.get("/").get_data(as_text=True)
    _assess(officer)
    overview = officer.get("/").get_data(as_text=True)
    assert "Riskiest suppliers" in overview and "Bēta UAB" in overview
    assert overview.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 2
    with app.app_context():
        flag = db.get_session().exec(select(Flag).where(Flag.rule == "labour-hire-deep")).one()
    supplier = officer.get(f"/chain/suppliers/{flag.supplier_id}").get_data(as_text=True)
    assert f"/risk/flags/{flag.id}" in supplier and "own risk" in supplier
    assert "/guide/agency-labour" in supplier  # the flag's next steps
    chain_map = officer.get("/chain/").get_data(as_text=True)
    assert 'class="risk-bar"' in chain_map


def test_flags_grouped_by_supplier_and_by_rule_lead_to_their_flags(app, officer):
    _assess(officer)
    by_supplier = officer.get("/risk/?group=supplier").get_data(as_text=True)
    # the gravest first: Bēta's agency labour deep in the chain is high
    assert by_supplier.index("Bēta UAB") < by_supplier.index("Alfa SIA")
    with app.app_context():
        beta = db.get_session().exec(select(Flag).where(Flag.rule == "labour-hire-deep")).one()
    only_beta = officer.get(f"/risk/?supplier={beta.supplier_id}").get_data(as_text=True)
    assert "Bēta UAB" in only_beta and "Dziļie SIA" not in only_beta
    assert officer.get("/risk/?supplier=" + "9" * 64).status_code == 200  # bounded: no filter
    by_rule = officer.get("/risk/?group=rule&severity=high").get_data(as_text=True)
    assert 'href="/risk/?severity=high&amp;rule=labour-hire-deep"' in by_rule
    assert 'rule=unassessed"' not in by_rule  # low: filtered out
    assert "No flags match." in officer.get("/risk/?group=rule&source=workers").text


def _walk(client, url: str, link: str) -> tuple[list[str], list[str]]:
    """Follow a list's "More ..." links from url: each page's flag or supplier ids, and the
    ?after= keys used."""
    seen, keys = [], []
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += re.findall(r'href="/risk/flags/(\d+)"', page) or re.findall(
            r'href="/risk/\?[^"]*supplier=(\d+)"', page
        )
        found = re.search(rf'<a rel="next" href="([^"]+)">{link}</a>', page)
        url = found.group(1).replace("&amp;", "&") if found else ""
        keys += re.findall(r"after=([^&]+)", url)
    return seen, keys


def test_flags_page_by_key_gravest_first(app, officer, monkeypatch):
    from supplychain.risk import routes
    from supplychain.vocab import Severity

    _assess(officer)
    monkeypatch.setattr(routes, "PAGE", 3)
    listed, keys = _walk(officer, "/risk/", "More flags")
    with app.app_context():
        flags = db.get_session().exec(select(Flag)).all()
    expected = sorted(flags, key=lambda f: (-Severity(f.severity).rank, f.rule, f.id))
    assert listed == [str(f.id) for f in expected] and len(keys) == (len(flags) - 1) // 3

    # a page by key is the page the old ?page= gave; bad keys give the first page
    def ids(url: str) -> list[str]:
        return re.findall(r'href="/risk/flags/(\d+)"', officer.get(url).text)

    assert ids(f"/risk/?after={keys[0]}") == ids("/risk/?page=2") == listed[3:6]
    for bad in ("x", "high:chain-depth:" + "9" * 40, "critical::", "low:a:-1", "z" * 5000):
        assert ids(f"/risk/?after={bad}") == listed[:3]
    assert "First page" not in officer.get("/risk/").text


def test_suppliers_grouped_page_by_key_with_their_counts(app, officer, monkeypatch):
    from supplychain.risk import routes

    _assess(officer)
    monkeypatch.setattr(routes, "PAGE", 1)
    kept, keys = _walk(officer, "/risk/?group=supplier", "More suppliers")
    # with a filter that takes nothing away, the flags are counted: the same pages
    counted, _ = _walk(officer, "/risk/?group=supplier&status=open", "More suppliers")
    with app.app_context():
        flags = db.get_session().exec(select(Flag.supplier_id)).all()
    assert kept == counted and sorted(kept) == sorted({str(s) for s in flags})
    assert all(re.fullmatch(r"(\d+\.){4}\d+", key) for key in keys)
    assert officer.get("/risk/?group=supplier&after=1.2.x").status_code == 200


def test_counts_kept_per_run_answer_the_totals(app, officer, monkeypatch):
    from supplychain.models import AssessmentRun
    from supplychain.risk import routes, tally

    _assess(officer)
    with app.app_context():
        session = db.get_session()
        run = session.exec(select(AssessmentRun)).one()
        flags = session.exec(select(Flag)).all()
    assert tally.total(run.summary[tally.KEY]) == len(flags)
    high = sum(f.severity == "high" for f in flags)
    assert f"{high} flag" in officer.get("/risk/?severity=high&source=chain").text
    monkeypatch.setattr(routes, "COUNT_CAP", 2)  # a decision filter counts, up to a bound
    assert "More than 2 flags" in officer.get("/risk/?status=open").text
