"""A past run is a record: its flags list, exports and report keep the chain it read, whatever
happens to the chain afterwards (renames, removed links, deleted suppliers)."""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import force_locale
from sqlmodel import func, select

from supplychain import db
from supplychain.chain import services as chain
from supplychain.models import AssessmentRun, Flag, Link, Role, RunLink, RunSupplier, Supplier
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.reports.context import Scope, build_report_context
from supplychain.risk import jobs as risk_jobs
from tests.conftest import login
from tests.factories import PASSWORD, make_link, make_org, make_supplier, make_user


def _assess(app, org_id: int) -> int:
    with app.app_context():
        session = db.get_session()
        return risk_jobs.run_now(
            session=session, organisation_id=org_id, catalogue=get_catalogue()
        ).id


def _table_text(html: str) -> str:
    """The flags table as a reader sees it (links dropped, text kept)."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()


def _report(app, run_id: int) -> tuple:
    with app.app_context(), force_locale("en"):
        session = db.get_session()
        context = build_report_context(
            session,
            run=session.get(AssessmentRun, run_id),
            scope=Scope(),
            scope_title="test",
            catalogue=get_catalogue(),
            lang="en",
        )
    # sorted: sections are ordered by exposure, which is kept for the latest run only
    sections = sorted((s.name, s.code, s.tier, s.path, len(s.all_flags)) for s in context.suppliers)
    return sections, context.flags_total, context.chain_map


def _snapshot_rows(app) -> tuple[int, int]:
    with app.app_context():
        session = db.get_session()
        return tuple(  # type: ignore[return-value]
            session.exec(select(func.count()).select_from(m)).one() for m in (RunSupplier, RunLink)
        )


def test_a_past_run_keeps_the_chain_it_read(app, client):
    with app.app_context():
        session = db.get_session()
        org = make_org(session, "ours")
        org.country = "LV"
        make_user(session, org, Role.ADMIN, email="admin@ours.example")
        a = make_supplier(session, org, code="A", name="Alfa SIA")
        b = make_supplier(session, org, code="B", name="Bēta UAB", country="LT", kind="agency")
        c = make_supplier(session, org, code="C", name="Cēsu Darbi SIA")
        d = make_supplier(session, org, code="D", name="Dziļie SIA")
        make_link(session, org, None, a)
        make_link(session, org, a, b, relation="labour_hire")
        make_link(
            session, org, b, c, contract_value_eur=Decimal("1234.56"), labour_hours=Decimal("80.1")
        )
        make_link(session, org, c, d)
        session.commit()
        org_id, a_id, b_id, d_id = org.id, a.id, b.id, d.id
    login(client, "admin@ours.example", PASSWORD)
    first = _assess(app, org_id)
    listed = _table_text(client.get(f"/risk/?run={first}").get_data(as_text=True))
    exported = client.get(f"/reports/runs/{first}/flags.csv").data
    reported = _report(app, first)
    assert "Dziļie SIA" in listed and b"Dzi\xc4\xbcie SIA" in exported
    assert ("Dziļie SIA", "D", 4) in [s[:3] for s in reported[0]]
    with app.app_context():
        session = db.get_session()
        d_flag = session.exec(select(Flag).where(Flag.supplier_id == d_id)).first().id
    assert f'href="/chain/suppliers/{d_id}"' in client.get(f"/risk/flags/{d_flag}").get_data(
        as_text=True
    )

    # The chain changes: a rename, a removed link, a supplier deleted for good and a new one
    # (on SQLite it takes the deleted supplier's id).
    with app.app_context():
        session = db.get_session()
        session.get(Supplier, a_id).name = "Alfa Renamed SIA"
        session.delete(session.exec(select(Link).where(Link.child_id == b_id)).one())
        chain.delete_supplier(session=session, supplier=session.get(Supplier, d_id))
        session.commit()
        e = make_supplier(session, session.get(type(org), org_id), code="E", name="Ezers SIA")
        session.commit()
        e_id = e.id
    second = _assess(app, org_id)

    after = client.get(f"/risk/?run={first}").get_data(as_text=True)
    assert _table_text(after) == listed
    assert "An earlier assessment:" in after
    assert f'href="/chain/suppliers/{d_id}"' not in after  # D's flag never links to E's page
    assert client.get(f"/reports/runs/{first}/flags.csv").data == exported
    assert _report(app, first) == reported
    flag_page = client.get(f"/risk/flags/{d_flag}").get_data(as_text=True)
    assert "Dziļie SIA" in flag_page and f'href="/chain/suppliers/{d_id}"' not in flag_page
    if e_id == d_id:  # SQLite reused the id: E's page shows none of D's old flags
        assert "Dziļie" not in client.get(f"/chain/suppliers/{e_id}").get_data(as_text=True)

    latest = client.get("/risk/").get_data(as_text=True)
    assert "Alfa Renamed SIA" in latest and "Dziļie SIA" not in latest
    assert "An earlier assessment:" not in latest
    sections, total, _map = _report(app, second)
    assert ("Alfa Renamed SIA", "A", 1) in [s[:3] for s in sections]
    assert "Dziļie SIA" not in str(sections) and total != reported[1]

    suppliers, links = _snapshot_rows(app)
    third = _assess(app, org_id)  # nothing changed: no snapshot rows written
    assert _snapshot_rows(app) == (suppliers, links)
    assert _report(app, third)[:2] == _report(app, second)[:2]
    with app.app_context():  # one rename: one new row, the links (with their decimals) kept
        session = db.get_session()
        session.get(Supplier, b_id).name = "Bēta Renamed UAB"
        session.commit()
    _assess(app, org_id)
    assert _snapshot_rows(app) == (suppliers + 1, links)
