"""The officer's side of workers' reports: acknowledging, answering the worker, confirming what
the case shows, closing, and deleting closed cases after the retention period."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlmodel import select

from supplychain import db
from supplychain.cli import cli
from supplychain.models import (
    AuditEvent,
    CaseMessage,
    CaseStatus,
    Role,
    Site,
    SiteSupplier,
    WorkerCase,
    utcnow,
)
from tests.conftest import post_form, row_counts, sign_in
from tests.factories import committed, make_supplier, make_team

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _case(session, org, site, *, days_ago: int = 0, **fields) -> WorkerCase:
    received = utcnow() - timedelta(days=days_ago)
    case = WorkerCase(
        organisation_id=org.id,
        site_id=site.id,
        code_hash=hashlib.sha256(f"code-{site.id}-{days_ago}".encode()).hexdigest(),
        language="ru",
        text="Бригадир забрал паспорта у всех.",
        status=CaseStatus.RECEIVED,
        acknowledge_by=(received + timedelta(days=7)).date(),
        created_at=received,
        **fields,
    )
    session.add(case)
    session.flush()
    return case


@pytest.fixture
def world(app):
    with committed(app) as session:
        org = make_team(session, "alpha", Role.OFFICER, Role.VIEWER)
        other = make_team(session, "beta", Role.OFFICER)
        site = Site(organisation_id=org.id, name="Riga Tower", code="rt7k2mqp")
        foreign = make_supplier(session, other, name="Beta SIA")
        session.add(site)
        session.flush()
        employer = make_supplier(session, org, name="Būve SIA")
        session.add(SiteSupplier(organisation_id=org.id, site_id=site.id, supplier_id=employer.id))
        late = _case(session, org, site, days_ago=9, contact="+371 20000000")
        fresh = _case(session, org, site)
        return {"late": late.id, "fresh": fresh.id, "employer": employer.id, "foreign": foreign.id}


def test_an_officer_acknowledges_answers_confirms_and_closes(app, client, world):
    officer = sign_in(client, Role.OFFICER, "alpha")
    listing = officer.get("/cases/").get_data(as_text=True)
    assert "Riga Tower" in listing
    assert listing.count('class="overdue"') == 1  # the 9-day-old case only
    page = f"/cases/{world['late']}"
    assert "+371 20000000" not in officer.get(page).get_data(as_text=True)  # not its handler yet
    assert post_form(officer, f"{page}/acknowledge", page=page).status_code == 302
    assert "+371 20000000" in officer.get(page).get_data(as_text=True)  # acknowledging took it
    post_form(officer, f"{page}/reply", {"text": "Мы проверим это сегодня."}, page=page)
    confirmed = {
        "indicators": ["retention_of_identity_documents"],
        "supplier_ids": [world["employer"]],
    }
    assert post_form(officer, f"{page}/confirm", confirmed, page=page).status_code == 302
    shown = officer.get(page).get_data(as_text=True)
    assert 'id="escalation"' in shown and "Мы проверим это сегодня." in shown  # critical now
    assert post_form(officer, f"{page}/closed", page=page).status_code == 302
    with app.app_context():
        case = db.get_session().get(WorkerCase, world["late"])
        assert case.status == CaseStatus.CLOSED and case.closed_at is not None
        assert case.indicators == ["retention_of_identity_documents"]
        assert case.supplier_ids == [world["employer"]]
        actions = db.get_session().exec(select(AuditEvent.action)).all()
        assert {"case.acknowledged", "case.answered", "case.confirmed", "case.closed"} <= set(
            actions
        )


def test_bad_input_is_named_and_changes_nothing(app, client, world):
    officer = sign_in(client, Role.OFFICER, "alpha")
    page = f"/cases/{world['fresh']}"
    empty = post_form(officer, f"{page}/reply", {"text": "  "}, page=page)
    assert empty.status_code == 422 and "Write the message." in empty.get_data(as_text=True)
    foreign = post_form(officer, f"{page}/confirm", {"supplier_ids": [world["foreign"]]}, page=page)
    assert foreign.status_code == 422
    closing = post_form(officer, f"{page}/closed", page=page)  # not acknowledged yet
    assert "Acknowledge the case first." in officer.get(closing.headers["Location"]).get_data(
        as_text=True
    )
    assert row_counts(app, CaseMessage) == [0]
    with app.app_context():
        case = db.get_session().get(WorkerCase, world["fresh"])
        assert case.status == CaseStatus.RECEIVED and case.supplier_ids == []


def test_a_viewer_does_not_read_workers_reports(client, world):
    viewer = sign_in(client, Role.VIEWER, "alpha")
    assert viewer.get("/cases/").status_code == 403
    assert viewer.get(f"/cases/{world['late']}").status_code == 403


def test_closed_cases_go_after_the_retention_period_with_an_audit_entry(app, runner, world):
    with committed(app) as session:
        for case_id, months_ago in ((world["late"], 25), (world["fresh"], 23)):
            case = session.get(WorkerCase, case_id)
            case.status = CaseStatus.CLOSED
            case.closed_at = utcnow() - timedelta(days=30 * months_ago)
            session.add(
                CaseMessage(
                    organisation_id=case.organisation_id,
                    case_id=case.id,
                    from_worker=True,
                    text="Спасибо",
                )
            )
    result = runner.invoke(cli, ["cases", "purge"])
    assert result.exit_code == 0 and "1 closed case(s) older than 24 months" in result.output
    with app.app_context():
        session = db.get_session()
        assert session.get(WorkerCase, world["late"]) is None
        assert session.get(WorkerCase, world["fresh"]) is not None
        assert len(session.exec(select(CaseMessage)).all()) == 1
        [gone] = session.exec(select(AuditEvent).where(AuditEvent.action == "case.deleted")).all()
        assert gone.object_id == world["late"] and "Бригадир" not in str(gone.details)
