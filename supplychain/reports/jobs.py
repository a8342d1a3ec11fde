"""Reports as jobs that commit step by step: generate makes a claimed report (each step
committed with its progress, renewing the report's lease) and archives it. The worker claims
the oldest waiting report; `supplychain report` claims and makes its own at once (claim)."""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app
from sqlmodel import Session

from .. import leases
from ..models import Report, RunStatus, utcnow
from ..questionnaires.loader import Catalogue
from .services import LEASE, Progress, path_of, render_report, report_dir


def claim(session: Session, report: Report, now: datetime) -> Report:
    """Mark a report as taken by this process for the next LEASE; commits."""
    report.status, report.claimed_until, report.started_at = RunStatus.RUNNING, now + LEASE, now
    report.progress, report.step = 0, "claimed"
    session.add(report)
    session.commit()
    return report


def generate(
    *, session: Session, report: Report, catalogue: Catalogue, progress: Progress | None = None
) -> Report:
    """Carry out a claimed report and archive it; commits at each step."""

    step = leases.stepper(session, report, LEASE, progress)

    folder = report_dir(current_app)
    try:
        step(5, "reading")
        rendered = render_report(session, report, catalogue, step)
        step(95, "archiving")
        report.filename = f"report-{report.id}-{secrets.token_hex(8)}.pdf"
        _write_once(path_of(folder, report), rendered.pdf)
        report.sha256 = hashlib.sha256(rendered.pdf).hexdigest()
        report.size, report.pages = len(rendered.pdf), rendered.pages
        report.status, report.finished_at, report.claimed_until = RunStatus.DONE, utcnow(), None
        step(100, "done")
    except Exception as exc:
        session.rollback()
        report.status, report.error = RunStatus.FAILED, str(exc)[:1000]
        report.finished_at, report.claimed_until = utcnow(), None
        session.add(report)
        session.commit()
        raise
    return report


def _write_once(path: Path, data: bytes) -> None:
    """Write to a temporary name and rename: a crash leaves no half-written report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".part")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def claim_queued(session: Session, now: datetime) -> Report | None:
    """Take the oldest waiting report (or one whose worker died); commits."""
    report = leases.oldest(session, Report, leases.waiting(Report, now))
    if report is None:
        return None
    return claim(session, report, now)


def run_waiting(app: Flask, stop_event: threading.Event | None = None) -> int:
    """Make every waiting report, one at a time, in a session of its own; return how many
    were taken (a failed one is recorded on the report).

    :param stop_event: when set, stop after the report in hand.
    """
    from ..questionnaires.catalogue import get_catalogue

    def make(session: Session, report: Report) -> None:
        generate(session=session, report=report, catalogue=get_catalogue())

    return leases.drain(app, claim_queued, make, "report", stop_event)[0]
