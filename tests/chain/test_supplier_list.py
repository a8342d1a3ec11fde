"""The supplier list: the columns the features above the chain add, sort, filters, and the bulk
actions on a selection (all those matching a filter, or those ticked)."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from supplychain import db
from supplychain.models import (
    AuditEvent,
    Invitation,
    Organisation,
    OutboxMessage,
    Response,
    ResponseStatus,
    Role,
    Supplier,
    utcnow,
)
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.risk.jobs import run_now
from tests.conftest import post_form, sign_in
from tests.factories import (
    committed,
    make_link,
    make_org,
    make_supplier,
    make_team,
    send_campaign,
)


@pytest.fixture
def listed(app):
    """A small assessed chain: A (tier 1, agency) above B (tier 2, Estonian), C not linked;
    B was asked and has not answered in time, C was asked and answered."""
    with committed(app) as session:
        org = make_team(session, "ours", Role.OFFICER, Role.VIEWER)
        a = make_supplier(session, org, code="A", name="Alfa SIA", kind="agency")
        b = make_supplier(session, org, code="B", name="Beta OU", country="EE", sector="N81.2")
        c = make_supplier(session, org, code="C", name="Cepure SIA")
        make_link(session, org, None, a)
        make_link(session, org, a, b, relation="labour_hire")
        other = make_org(session, "theirs")  # in no list, no selection of ours
        make_supplier(session, other, code="X", name="Xenon SIA", country="LV")
        session.flush()
        send_campaign(session, org.id, [b.id])
        _campaign, _links = send_campaign(session, org.id, [c.id])
        ids = {"org": org.id, "a": a.id, "b": b.id, "c": c.id}
    with committed(app) as session:
        overdue = session.exec(select(Invitation).where(Invitation.supplier_id == ids["b"])).one()
        overdue.expires_at = utcnow() - timedelta(days=1)
        answered = session.exec(select(Invitation).where(Invitation.supplier_id == ids["c"])).one()
        q = get_catalogue().current["supplier-self-assessment"]
        response = Response(
            organisation_id=ids["org"],
            supplier_id=ids["c"],
            questionnaire_id=q.id,
            questionnaire_version=q.version,
            language="en",
            status=ResponseStatus.SUBMITTED,
            submitted_at=utcnow() - timedelta(days=800),  # out of date
        )
        session.add(response)
        session.flush()
        answered.response_id = response.id
        session.add_all([overdue, answered])
    with committed(app) as session:
        run_now(session=session, organisation_id=ids["org"], catalogue=get_catalogue())
    return ids


@pytest.fixture
def officer(client, listed):
    return sign_in(client, Role.OFFICER, "ours")


def _names(page: str) -> list[str]:
    return re.findall(r'href="/chain/suppliers/\d+">([^<]+)</a>', page)


def _cell(page: str, name: str, column: str) -> str:
    row = page.split(f">{name}</a>", 1)[1].split("</tr>", 1)[0]
    found = re.search(rf'data-column="{column}">(.*?)</td>', row, re.S)
    assert found, (name, column)
    return re.sub(r"<[^>]+>", " ", found.group(1)).split()


def test_the_list_shows_the_columns_of_the_latest_run(officer, listed):
    page = officer.get("/chain/suppliers").get_data(as_text=True)
    assert _names(page) == ["Alfa SIA", "Beta OU", "Cepure SIA"]
    assert _cell(page, "Alfa SIA", "tier") == ["1"]
    assert _cell(page, "Beta OU", "tier") == ["2"]
    assert _cell(page, "Alfa SIA", "asked") == ["never", "asked"]
    assert _cell(page, "Beta OU", "asked") == ["overdue"]
    assert _cell(page, "Cepure SIA", "asked") == ["answered", "out", "of", "date"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sort=tier", ["Alfa SIA", "Beta OU", "Cepure SIA"]),  # C is out of reach: last
        ("sort=tier&dir=desc", ["Beta OU", "Alfa SIA", "Cepure SIA"]),
        ("sort=asked", ["Beta OU", "Alfa SIA", "Cepure SIA"]),  # overdue, never, answered
        ("sort=flags&dir=desc", ["Beta OU", "Alfa SIA", "Cepure SIA"]),  # high, medium, low
        ("sort=risk&dir=desc", ["Alfa SIA", "Beta OU", "Cepure SIA"]),  # 50, 50, 5 (by name)
        ("sort=risk&dir=asc", ["Cepure SIA", "Alfa SIA", "Beta OU"]),
        ("sort=country&dir=asc", ["Beta OU", "Alfa SIA", "Cepure SIA"]),
        ("sort=name&dir=desc", ["Cepure SIA", "Beta OU", "Alfa SIA"]),
        ("sort=email", ["Alfa SIA", "Beta OU", "Cepure SIA"]),  # not a column: by name
    ],
)
def test_sort_by_any_column(officer, query, expected):
    assert _names(officer.get(f"/chain/suppliers?{query}").get_data(as_text=True)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tier=2", ["Beta OU"]),
        ("country=ee", ["Beta OU"]),
        ("sector=N81.2", ["Beta OU"]),
        ("kind=agency", ["Alfa SIA"]),
        ("asked=never", ["Alfa SIA"]),
        ("asked=overdue", ["Beta OU"]),
        ("asked=answered", ["Cepure SIA"]),
        ("asked=waiting", []),
        ("outdated=1", ["Cepure SIA"]),
        ("severity=high", ["Beta OU"]),
        ("severity=medium", ["Alfa SIA", "Beta OU"]),
        ("severity=critical", []),
        ("severity=dire&tier=x", ["Alfa SIA", "Beta OU", "Cepure SIA"]),  # nonsense: ignored
        ("q=cepure&country=LV", ["Cepure SIA"]),
    ],
)
def test_each_filter(officer, query, expected):
    page = officer.get(f"/chain/suppliers?{query}").get_data(as_text=True)
    assert _names(page) == expected


def test_decided_flags_leave_the_open_flags_sort_and_filter(app, officer, listed):
    """The sort and the filter read the counts kept per supplier, less the decided flags."""
    from supplychain.models import Flag, FlagDecision, FlagStatus

    with committed(app) as session:
        for flag in session.exec(select(Flag).where(Flag.supplier_id == listed["b"])):
            session.add(
                FlagDecision(
                    organisation_id=listed["org"],
                    fingerprint=flag.fingerprint,
                    supplier_id=flag.supplier_id,
                    status=FlagStatus.ACKNOWLEDGED,
                    updated_at=utcnow(),
                )
            )
    assert _names(officer.get("/chain/suppliers?severity=medium").get_data(as_text=True)) == [
        "Alfa SIA"
    ]
    page = officer.get("/chain/suppliers?sort=flags&dir=desc").get_data(as_text=True)
    assert _names(page) == ["Alfa SIA", "Cepure SIA", "Beta OU"]  # medium, low, none open


def test_site_filter(app, officer, listed):
    from supplychain.models import SiteSupplier
    from supplychain.sites import services as sites

    with committed(app) as session:
        data = sites.SiteData(name="Rīgas objekts")
        site = sites.create_site(session=session, organisation_id=listed["org"], data=data)
        session.add(
            SiteSupplier(organisation_id=listed["org"], site_id=site.id, supplier_id=listed["b"])
        )
        site_id = site.id
    page = officer.get(f"/chain/suppliers?site={site_id}").get_data(as_text=True)
    assert _names(page) == ["Beta OU"] and "Rīgas objekts" in page


def _archived(app) -> set[str]:
    with app.app_context():
        rows = db.get_session().exec(select(Supplier).where(Supplier.archived_at.is_not(None)))
        return {s.code for s in rows}


def test_select_all_matching_then_archive_archives_exactly_those(app, officer, listed):
    bulk = officer.get("/chain/suppliers/bulk?action=archive&all=1&country=LV&supplier=2")
    assert "Xenon" not in officer.get(bulk.headers["Location"]).get_data(as_text=True)
    assert bulk.status_code == 302
    page = officer.get(bulk.headers["Location"]).get_data(as_text=True)
    assert "2 suppliers will be archived." in page and "Alfa SIA" in page
    assert "Beta OU" not in page and _archived(app) == set()
    stale = post_form(
        officer, bulk.headers["Location"], {"count": "3"}, page=bulk.headers["Location"]
    )
    assert stale.status_code == 200 and _archived(app) == set()  # the count no longer matches
    done = post_form(
        officer, bulk.headers["Location"], {"count": "2"}, page=bulk.headers["Location"]
    )
    assert done.status_code == 302
    assert _archived(app) == {"A", "C"}
    with app.app_context():
        events = (
            db.get_session()
            .exec(select(AuditEvent).where(AuditEvent.action == "supplier.archived"))
            .all()
        )
        assert sorted(e.details["reason"] for e in events) == ["listed", "listed"]
    assert _names(officer.get("/chain/suppliers").get_data(as_text=True)) == ["Beta OU"]


def test_ticked_suppliers_are_the_selection_without_all(app, officer, listed):
    url = f"/chain/suppliers/archive-selected?selection=1&supplier={listed['b']}"
    post_form(officer, url, {"count": "1"}, page=url)
    assert _archived(app) == {"B"}


def test_a_viewer_may_export_but_not_archive(client, listed):
    viewer = sign_in(client, Role.VIEWER, "ours")
    assert viewer.get("/chain/suppliers/archive-selected?selection=1&all=1").status_code == 403
    assert viewer.get("/chain/suppliers/selected.csv?selection=1&all=1").status_code == 200


def test_export_has_the_matching_rows_with_the_new_columns(officer, listed):
    response = officer.get("/chain/suppliers/bulk?action=export&all=1&sort=tier&dir=desc&country=")
    csv_response = officer.get(response.headers["Location"])
    rows = list(csv.reader(io.StringIO(csv_response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:7] == ["code", "name", "country", "sector", "kind", "email", "Tier"]
    assert rows[0][-4:] == ["Risk score", "Open flags", "Questionnaire", "Screening"]
    assert [r[0] for r in rows[1:]] == ["A", "B", "C"]  # the sort is not carried: by name; no X
    beta = rows[2]
    assert beta[6] == "2" and beta[8].startswith("1 High") and beta[9] == "overdue"


def test_the_campaign_form_sends_to_exactly_the_matching_suppliers(app, officer, listed, smtp):
    from supplychain.invitations.jobs import send_mail

    with committed(app) as session:
        org = session.get(Organisation, listed["org"])
        make_supplier(session, org, code="D", name="Dārzs SIA", email="d@darzs.lv")
        make_supplier(session, org, code="E", name="Ezers SIA", email="")
        make_supplier(session, org, code="F", name="Fjords AS", country="NO", email="f@f.no")
    with app.app_context():
        send_mail(app, db.get_session(), now=None, stop_event=None)  # the fixture's campaigns
    before = len(smtp.messages)
    bulk = officer.get("/chain/suppliers/bulk?action=send&all=1&asked=never&country=LV")
    url = bulk.headers["Location"]
    assert url.startswith("/invitations/new?")
    form = officer.get(url).get_data(as_text=True)
    assert "All 3 suppliers matching the filter" in form and "It goes to 2 suppliers." in form
    assert "1 has no email address" in form and 'name="supplier_ids"' not in form
    response = post_form(
        officer,
        url,
        {
            "questionnaire_id": "supplier-self-assessment",
            "title": "Never asked, Latvia",
            "deadline": (utcnow() + timedelta(days=14)).date().isoformat(),
            "recipients": "matching",
        },
        page=url,
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        send_mail(app, db.get_session(), now=None, stop_event=None)
    sent = smtp.messages[before:]
    assert sorted(m["To"] for m in sent) == sorted([_email_of(app, "A"), "d@darzs.lv"])


def _email_of(app, code: str) -> str:
    with app.app_context():
        return db.get_session().exec(select(Supplier).where(Supplier.code == code)).one().email


def test_remind_the_selected_with_open_questionnaires(app, officer, listed):
    with committed(app) as session:
        send_campaign(session, listed["org"], [listed["a"]])
    with committed(app) as session:
        waiting = session.exec(
            select(Invitation).where(Invitation.supplier_id == listed["a"])
        ).one()
        waiting.sent_at = utcnow()
        session.add(waiting)
    bulk = officer.get("/chain/suppliers/bulk?action=remind&all=1")
    url = bulk.headers["Location"]
    page = officer.get(url).get_data(as_text=True)
    assert "1 open questionnaire will get a reminder." in page  # B is overdue, C answered
    assert post_form(officer, url, {}, page=url).status_code == 302
    assert post_form(officer, url, {}, page=url).status_code == 302  # a second click: nothing
    with app.app_context():
        reminders = (
            db.get_session()
            .exec(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))
            .all()
        )
        assert [m.recipient for m in reminders] == [_email_of(app, "A")]


def test_screening_column_and_its_sort(app, officer, listed):
    from supplychain.models import ScreeningCheck, ScreeningResult
    from supplychain.screening.packs import pack_for

    today = utcnow().date()
    with committed(app) as session:
        for sid, result in ((listed["b"], ScreeningResult.FAILED), (listed["a"], "passed")):
            supplier = session.get(Supplier, sid)
            pack = pack_for(supplier.country)
            item = pack.items_for(is_agency=False, sector=supplier.sector)[0]
            session.add(
                ScreeningCheck(
                    organisation_id=listed["org"],
                    supplier_id=sid,
                    pack_id=pack.id,
                    item_id=item.id,
                    checked_on=today,
                    result=ScreeningResult(result),
                    valid_until=today + timedelta(days=365),
                )
            )
    page = officer.get("/chain/suppliers?sort=screening&dir=desc").get_data(as_text=True)
    assert _names(page) == ["Beta OU", "Alfa SIA", "Cepure SIA"]
    assert "1 failed" in " ".join(_cell(page, "Beta OU", "screening"))
