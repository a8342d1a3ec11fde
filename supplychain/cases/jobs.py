"""The cases' background job: once a day the worker deletes the cases closed longer ago than
the retention period, as `supplychain cases purge` does (see periodic)."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from sqlmodel import Session

from . import services

PURGE = "cases-purge"


def purge(app: Flask, session: Session, now: datetime) -> int:
    """Delete the cases closed more than VOICE_RETENTION_MONTHS ago, audited; return how many."""
    return services.purge_closed(session, now, int(app.config["VOICE_RETENTION_MONTHS"]))
