"""The claim shared by assessment runs, reports and chain imports (supplychain.leases): the
oldest waiting job first, a job whose lease ran out taken over, a job at work left alone, and
on PostgreSQL a job another runner is claiming skipped rather than waited for."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from supplychain import db, leases
from supplychain.models import AssessmentRun, RunStatus, utcnow
from tests.factories import make_org


def add_runs(session, *states):
    """One run per (status, lease ends in seconds or None), oldest first."""
    org = make_org(session)
    now = utcnow()
    runs = []
    for status, seconds in states:
        until = None if seconds is None else now + timedelta(seconds=seconds)
        run = AssessmentRun(organisation_id=org.id, trigger="test", status=status)
        run.claimed_until = until
        session.add(run)
        session.flush()
        runs.append(run)
    session.commit()
    return now, [run.id for run in runs]


def oldest_waiting(session, now):
    found = leases.oldest(session, AssessmentRun, leases.waiting(AssessmentRun, now))
    return None if found is None else found.id


def test_the_oldest_waiting_job_is_taken_and_a_job_at_work_is_left_alone(app, session):
    now, (at_work, lapsed, queued) = add_runs(
        session,
        (RunStatus.RUNNING, 60),  # its runner's lease still runs
        (RunStatus.RUNNING, -60),  # its runner died: taken over
        (RunStatus.QUEUED, None),
    )
    assert oldest_waiting(session, now) == lapsed
    session.rollback()
    assert oldest_waiting(session, now + timedelta(seconds=120)) == at_work
    session.rollback()
    session.get(AssessmentRun, lapsed).status = RunStatus.DONE
    session.get(AssessmentRun, at_work).status = RunStatus.FAILED
    session.commit()
    assert oldest_waiting(session, now) == queued


def test_with_nothing_waiting_none_is_taken_and_the_transaction_ends(app, session):
    now, _ids = add_runs(session, (RunStatus.DONE, None), (RunStatus.RUNNING, 60))
    assert oldest_waiting(session, now) is None
    assert not session.in_transaction()


def test_postgresql_skips_a_job_another_runner_is_claiming(app, session):
    engine = db.get_engine()
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: no claim can overlap another")
    now, (first, second) = add_runs(session, (RunStatus.QUEUED, None), (RunStatus.QUEUED, None))
    with engine.connect() as other_runner:
        locked = select(AssessmentRun.id).where(AssessmentRun.id == first).with_for_update()
        other_runner.execute(locked)
        assert oldest_waiting(session, now) == second
        other_runner.rollback()
