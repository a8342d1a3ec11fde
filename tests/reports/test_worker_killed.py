"""A worker process killed while it lays out a report: no half-written file is left, and the
next worker makes the whole report once the dead one's lease has run out."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import select

from supplychain import create_app, db
from supplychain.cli import cli
from supplychain.demo import load_demo
from supplychain.models import Organisation, Report, RunStatus, utcnow
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.reports import services
from supplychain.reports.context import Scope
from supplychain.risk import jobs as risk_jobs
from tests.invitations.test_worker import WORKER, wait_until


def _report(app, report_id: int) -> Report:
    with app.app_context():
        report = db.get_session().get(Report, report_id)
        assert report is not None
        return report


def test_a_report_outlives_the_worker_killed_while_making_it(database_url, tmp_path, monkeypatch):
    url = database_url if database_url != "sqlite://" else f"sqlite:///{tmp_path / 'jobs.db'}"
    reports = tmp_path / "reports"
    for key, value in {
        "DATABASE_URL": url,
        "INSTANCE_PATH": str(tmp_path),
        "REPORT_DIR": str(reports),
        "JOBS_IN_APP": "false",
    }.items():
        monkeypatch.setenv(f"SUPPLYCHAIN_{key}", value)
    app = create_app()
    assert app.test_cli_runner().invoke(cli, ["db", "upgrade"]).exit_code == 0
    with app.app_context():
        session = db.get_session()
        summary = load_demo(session=session, password="demo passphrase 1")
        session.commit()
        org = session.exec(select(Organisation).where(Organisation.slug == summary.organisation))
        org_id = org.one().id
        risk_jobs.run_now(session=session, organisation_id=org_id, catalogue=get_catalogue())
        report_id = services.queue_report(
            session=session, organisation_id=org_id, scope=Scope(), lang="lv"
        ).id
        session.commit()

    with open(tmp_path / "first.log", "wb") as log:
        first = subprocess.Popen(WORKER, env=os.environ.copy(), stdout=log, stderr=log)
    try:
        wait_until(lambda: _report(app, report_id).progress >= 45, "the pages are being laid out")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    stuck = _report(app, report_id)
    assert stuck.status == RunStatus.RUNNING and not stuck.sha256
    assert not reports.exists() or list(reports.rglob("*.pdf")) == [], "a half-written PDF"

    with app.app_context():  # time passes: the dead worker's lease runs out
        session = db.get_session()
        session.execute(
            sa.update(Report)
            .where(Report.id == report_id)
            .values(claimed_until=utcnow() - timedelta(seconds=1))
        )
        session.commit()
    second = subprocess.run(
        [*WORKER[:-2], "--once"], env=os.environ.copy(), capture_output=True, timeout=120
    )
    assert second.returncode == 0, second.stderr.decode()[-2000:]
    done = _report(app, report_id)
    assert done.status == RunStatus.DONE
    [pdf] = [p for p in reports.rglob("*") if p.is_file()]
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == done.sha256
    assert pdf.read_bytes()[:5] == b"%PDF-"
    app.extensions["engine"].dispose()
