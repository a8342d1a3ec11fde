"""The check-in's results on a site's page (groups under five workers show only how many more
are needed) and the channel's effectiveness page ("no signal" never reads as "no risk")."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlmodel import select

from supplychain import db
from supplychain.models import (
    AuditEvent,
    CaseStatus,
    CheckIn,
    Role,
    Site,
    SiteSupplier,
    WorkerCase,
    utcnow,
)
from tests.conftest import post_form, sign_in
from tests.factories import committed, make_supplier, make_team


def _check_ins(session, org, site, supplier, n, **answers):
    for _ in range(n):
        session.add(
            CheckIn(
                organisation_id=org.id,
                site_id=site.id,
                supplier_id=supplier.id if supplier else None,
                language="ru",
                answers=answers,
                given_on=utcnow().date(),
            )
        )


def _site(session, org, name, code, *suppliers, archived=False):
    site = Site(organisation_id=org.id, name=name, code=code, archived=archived)
    session.add(site)
    session.flush()
    for supplier in suppliers:
        session.add(SiteSupplier(organisation_id=org.id, site_id=site.id, supplier_id=supplier.id))
    return site


def _blocks(html: str) -> dict[str, str]:
    """The results' groups by their heading."""
    section = html.split('id="checkin-results"')[1]
    return {
        m[0]: m[1]
        for m in re.findall(r"<h[34]>([^<]+)</h[34]>(.*?)(?=<h[34]>|</section>)", section, re.S)
    }


def test_site_results_show_groups_of_five_and_nothing_of_smaller_ones(app, client):
    with committed(app) as session:
        org = make_team(session, "alpha", Role.OFFICER, Role.VIEWER)
        builder = make_supplier(session, org, name="Būve SIA")
        cleaner = make_supplier(session, org, name="Tīrs SIA")
        site = _site(session, org, "Riga Tower", "RT7K2MQP", builder, cleaner)
        _check_ins(session, org, site, builder, 3, documents="employer", paid="yes")
        _check_ins(session, org, site, builder, 2, documents="me", paid="yes")
        _check_ins(session, org, site, cleaner, 2, documents="employer")
        _check_ins(session, org, site, None, 1, threats="yes")
        site_id = site.id
    page = sign_in(client, Role.OFFICER, "alpha").get(f"/sites/{site_id}").get_data(as_text=True)
    blocks = _blocks(page)
    assert "8 workers answered." in blocks["The whole site"]
    assert "1 worker did not know who their employer is." in page
    shown = blocks["Būve SIA"]
    assert "5 workers answered." in shown
    assert (
        "Who keeps your passport or ID card?" in shown
        and "Retention of identity documents" in shown
    )
    assert "<strong>60 %</strong>" in shown and "The employer or the agency: 3" in shown
    assert shown.count("<svg") == 7  # one bar per question but the employer's
    for title, more in (("Tīrs SIA", 3), ("I don&#39;t know who my employer is", 4)):
        small = blocks[title]
        assert f"{more} more check-ins needed before results can be shown." in small
        assert "%" not in small and "<svg" not in small and "answered" not in small
    client.get("/account/logout")
    viewer = sign_in(client, Role.VIEWER, "alpha").get(f"/sites/{site_id}").get_data(as_text=True)
    assert "Check-in results" not in viewer


def test_effectiveness_per_site_and_no_signal(app, client):
    now = utcnow()
    with committed(app) as session:
        org = make_team(session, "alpha", Role.OFFICER)
        used = _site(session, org, "Used site", "USED2345")
        _site(session, org, "Silent site", "SILE2345")
        _site(session, org, "Old site", "OLDS2345", archived=True)
        for n, (status, ack_days) in enumerate(
            ((CaseStatus.RECEIVED, None), (CaseStatus.ACKNOWLEDGED, 3))
        ):
            received = now - timedelta(days=10)
            session.add(
                WorkerCase(
                    organisation_id=org.id,
                    site_id=used.id,
                    code_hash=hashlib.sha256(f"c{n}".encode()).hexdigest(),
                    language="lv",
                    text="Nesamaksāja par virsstundām.",
                    status=status,
                    acknowledge_by=(received + timedelta(days=7)).date(),
                    acknowledged_at=received + timedelta(days=ack_days) if ack_days else None,
                    created_at=received,
                )
            )
        _check_ins(session, org, used, None, 2)
    officer = sign_in(client, Role.OFFICER, "alpha")
    assert 'href="/cases/effectiveness"' in officer.get("/cases/").get_data(as_text=True)
    page = officer.get("/cases/effectiveness").get_data(as_text=True)
    rows = {m[0]: m[1] for m in re.findall(r'">([^<]+)</a>(.*?)</tr>', page, re.S)}
    assert re.findall(
        r'data-label="[^"]+">(?:<strong class="overdue">)?([\d.—]+)<', rows["Used site"]
    ) == ["2", "2", "2", "3.0", "—", "1"]
    assert "No signal" in rows["Silent site"] and "not a sign of no risk" in rows["Silent site"]
    assert "No signal" not in rows["Used site"] and "No signal" not in rows["Old site"]
    assert "Nesamaksāja" not in page


def test_the_officer_writes_the_excerpt_the_report_may_print(app, client):
    with committed(app) as session:
        org = make_team(session, "alpha", Role.OFFICER)
        site = _site(session, org, "Riga Tower", "RT7K2MQP")
        case = WorkerCase(
            organisation_id=org.id,
            site_id=site.id,
            code_hash="1" * 64,
            language="ru",
            text="Бригадир забрал паспорта.",
            status=CaseStatus.RECEIVED,
            acknowledge_by=utcnow().date(),
        )
        session.add(case)
        session.flush()
        page = f"/cases/{case.id}"
    officer = sign_in(client, Role.OFFICER, "alpha")
    excerpt = "A worker says the foreman keeps the passports."
    too_long = post_form(officer, f"{page}/excerpt", {"report_excerpt": "x" * 1001}, page=page)
    assert too_long.status_code == 422
    saved = post_form(officer, f"{page}/excerpt", {"report_excerpt": f" {excerpt} "}, page=page)
    assert saved.status_code == 302
    assert excerpt in officer.get(page).get_data(as_text=True)
    with app.app_context():
        session = db.get_session()
        assert session.get(WorkerCase, case.id).report_excerpt == excerpt
        [event] = session.exec(
            select(AuditEvent).where(AuditEvent.action == "case.excerpt_set")
        ).all()
        assert "passports" not in str(event.details)
