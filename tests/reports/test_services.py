"""Report jobs: queued, made by the worker with progress, archived with their SHA-256, handed
out unchanged; a dead worker's report is taken over; bad requests change nothing."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlmodel import select

from supplychain import db
from supplychain.cli import cli
from supplychain.models import Report, RunStatus, utcnow
from supplychain.reports import jobs, services
from supplychain.reports.context import Scope
from supplychain.validation import InvalidInput
from supplychain.worker import run_once
from tests.factories import make_org, make_supplier

from .helpers import make_report, small_chain


def test_the_worker_makes_and_archives_a_report(app, session):
    org, officer, _s, run = small_chain(session)
    report = services.queue_report(
        session=session, organisation_id=org.id, scope=Scope(), lang="en", user_id=officer.id
    )
    session.commit()
    assert report.status == RunStatus.QUEUED and report.run_id == run.id
    assert run_once(app)["reports"] == 1
    session.expire_all()
    done = session.get(Report, report.id)
    assert done.status == RunStatus.DONE and done.progress == 100 and done.pages >= 5
    stored = services.path_of(services.report_dir(app), done)
    data = stored.read_bytes()
    assert hashlib.sha256(data).hexdigest() == done.sha256 and len(data) == done.size
    assert services.archived(done) == data == services.archived(done)
    assert not list(stored.parent.glob("*.part")), "no half-written file is left"
    assert run_once(app)["reports"] == 0


def test_a_changed_file_is_refused(app, session):
    org, *_ = small_chain(session)
    report = make_report(app, org.id)
    path = services.path_of(services.report_dir(app), report)
    path.write_bytes(path.read_bytes() + b"%")
    with app.app_context(), pytest.raises(services.ReportChanged):
        services.archived(report)
    path.unlink()
    with app.app_context(), pytest.raises(services.ReportChanged):
        services.archived(report)


def test_a_report_left_by_a_dead_worker_is_taken_over(app, session):
    org, *_ = small_chain(session)
    report = services.queue_report(
        session=session, organisation_id=org.id, scope=Scope(), lang="en"
    )
    session.commit()
    taken = jobs.claim_queued(session, utcnow())
    assert taken.id == report.id and taken.status == RunStatus.RUNNING
    assert jobs.claim_queued(session, utcnow()) is None, "held while its lease runs"
    # the worker died: its lease runs out and another worker finishes the report
    later = utcnow() + services.LEASE + timedelta(seconds=1)
    again = jobs.claim_queued(session, later)
    assert again.id == report.id
    from supplychain.questionnaires.catalogue import get_catalogue

    jobs.generate(session=session, report=again, catalogue=get_catalogue())
    assert again.status == RunStatus.DONE and again.sha256


def test_a_report_at_work_renews_its_lease_so_no_other_worker_takes_it_over(app, session):
    from sqlmodel import Session

    from supplychain.questionnaires.catalogue import get_catalogue

    org, *_ = small_chain(session)
    services.queue_report(session=session, organisation_id=org.id, scope=Scope(), lang="en")
    session.commit()
    # Claimed fourteen minutes ago: one minute of its lease is left when the work starts.
    report = jobs.claim_queued(session, utcnow() - services.LEASE + timedelta(minutes=1))
    taken = []

    def progress(percent, name):
        with Session(session.get_bind()) as other:  # another worker, five minutes on
            taken.append(jobs.claim_queued(other, utcnow() + timedelta(minutes=5)))

    jobs.generate(session=session, report=report, catalogue=get_catalogue(), progress=progress)
    assert report.status == RunStatus.DONE and taken and set(taken) == {None}


def test_bad_requests_are_refused_and_change_nothing(app, session):
    org, *_ = small_chain(session)
    other = make_org(session, "other", "Other")
    theirs = make_supplier(session, other, name="Not yours", code="X1")
    session.commit()
    nothing_yet = make_org(session, "empty", "Empty")
    session.commit()
    cases = [
        (org.id, Scope("tier", tier=0), "en", "tier"),
        (org.id, Scope("supplier", supplier_id=theirs.id), "en", "supplier"),
        (org.id, Scope("galaxy"), "en", "scope"),
        (org.id, Scope(), "de", "lang"),
        (nothing_yet.id, Scope(), "en", "run"),
        (org.id, Scope(), "en", "kind", "board"),
    ]
    for organisation_id, scope, lang, field, *kind in cases:
        with pytest.raises(InvalidInput) as caught:
            services.queue_report(
                session=session,
                organisation_id=organisation_id,
                scope=scope,
                lang=lang,
                kind=kind[0] if kind else "full",
            )
        assert field in caught.value.errors
        session.rollback()
    assert session.exec(select(Report)).all() == []


def test_a_failed_report_says_why(app, session):
    org, *_ = small_chain(session)
    report = services.queue_report(
        session=session, organisation_id=org.id, scope=Scope(), lang="en"
    )
    session.commit()
    app.config["REPORT_DIR"] = "/proc/no-such-place"  # nothing can be written there
    assert jobs.run_waiting(app) == 1
    session.expire_all()
    failed = session.get(Report, report.id)
    assert failed.status == RunStatus.FAILED and failed.error and not failed.sha256


def test_the_cli_writes_the_report(app, session, runner, tmp_path):
    org, *_ = small_chain(session)
    target = tmp_path / "report.pdf"
    result = runner.invoke(cli, ["report", "--org", org.slug, "-o", str(target), "--lang", "lv"])
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest() in result.output
    with app.app_context():
        report = db.get_session().exec(select(Report)).one()
    assert report.lang == "lv" and report.status == RunStatus.DONE
    bad = runner.invoke(cli, ["report", "--org", org.slug, "-o", str(target), "--supplier", "NOPE"])
    assert bad.exit_code == 1 and "NOPE" in bad.output


def test_progress_is_recorded_step_by_step_up_to_100(app, session):
    from sqlmodel import Session

    from supplychain.questionnaires.catalogue import get_catalogue

    org, *_ = small_chain(session)
    report = services.queue_report(
        session=session, organisation_id=org.id, scope=Scope(), lang="en", kind="summary"
    )
    session.commit()
    jobs.claim(session, report, utcnow())
    seen = []

    def progress(percent, name):
        with Session(session.get_bind()) as other:  # what the status page reads meanwhile
            stored = other.get(Report, report.id)
            seen.append((stored.progress, stored.step, name))

    jobs.generate(session=session, report=report, catalogue=get_catalogue(), progress=progress)
    assert [(p, s) for p, s, _n in seen] == [
        (5, "reading"),
        (25, "drawing"),
        (35, "laying out pages"),
        (85, "writing"),
        (95, "archiving"),
        (100, "done"),
    ]
