"""The worker deletes the cases closed longer ago than the retention period, once a day."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from supplychain import db
from supplychain.models import AuditEvent, CaseStatus, Role, Site, WorkerCase, utcnow
from supplychain.worker import run_once
from tests.cases.test_cases import _case
from tests.factories import committed, make_team


def _closed(session, org, site, *, days_ago: int) -> int:
    case = _case(session, org, site, days_ago=days_ago + 30)
    case.status, case.closed_at = CaseStatus.CLOSED, utcnow() - timedelta(days=days_ago)
    session.add(case)
    session.flush()
    return case.id


def test_the_worker_purges_closed_cases_past_retention_once_a_day(app):
    with committed(app) as session:
        org = make_team(session, "alpha", Role.OFFICER)
        site = Site(organisation_id=org.id, name="Riga Tower", code="rt7k2mqp")
        session.add(site)
        session.flush()
        old = _closed(session, org, site, days_ago=30 * 25)
        recent = _closed(session, org, site, days_ago=30 * 23)
        still_open = _case(session, org, site, days_ago=30 * 30).id
    now = utcnow()
    assert run_once(app, now=now)["cases_purged"] == 1
    with committed(app) as session:
        left = session.exec(select(WorkerCase.id)).all()
        assert sorted(left) == sorted([recent, still_open])
        [gone] = session.exec(select(AuditEvent).where(AuditEvent.action == "case.deleted")).all()
        assert gone.object_id == old and gone.user_id is None
        assert gone.details["retention_months"] == 24
        older = _closed(session, org, site, days_ago=30 * 26)
    assert run_once(app, now=now + timedelta(hours=23))["cases_purged"] == 0  # not a day yet
    assert run_once(app, now=now + timedelta(days=1))["cases_purged"] == 1
    with app.app_context():
        assert db.get_session().get(WorkerCase, older) is None
