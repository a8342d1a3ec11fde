"""Reports as background jobs: the worker claims the oldest waiting report and makes it
(services.generate commits at each step). `supplychain report` claims and makes its own at
once (services.claim)."""

from __future__ import annotations

import threading
from datetime import datetime

from flask import Flask
from sqlmodel import Session

from .. import db, leases
from ..models import Report, utcnow
from .services import claim, generate


def claim_queued(session: Session, now: datetime) -> Report | None:
    """Take the oldest waiting report (or one whose worker died); commits."""
    report = leases.oldest(session, Report, leases.waiting(Report, now))
    if report is None:
        return None
    return claim(session, report, now)


def run_waiting(app: Flask, stop_event: threading.Event | None = None) -> int:
    """Make every waiting report, one at a time, in a session of its own; return how many.

    :param stop_event: when set, stop after the report in hand.
    """
    from ..questionnaires.catalogue import get_catalogue

    made = 0
    with app.app_context():
        session = db.get_session()
        while stop_event is None or not stop_event.is_set():
            report = claim_queued(session, utcnow())
            if report is None:
                break
            try:
                generate(session=session, report=report, catalogue=get_catalogue())
            except Exception:  # recorded on the report; go on with the next one
                app.logger.exception("report %s failed", report.id)
            made += 1
    return made
