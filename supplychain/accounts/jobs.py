"""The accounts' background job: once a day the worker deletes the sign-ups whose address was
never confirmed within UNCONFIRMED_SIGNUP_DAYS, with their organisations (see periodic)."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from sqlmodel import Session

from . import services

SWEEP = "unconfirmed-sign-ups"


def delete_unconfirmed(app: Flask, session: Session, now: datetime) -> int:
    """Delete the sign-ups older than UNCONFIRMED_SIGNUP_DAYS never confirmed; how many went."""
    days = int(app.config["UNCONFIRMED_SIGNUP_DAYS"])
    return services.delete_unconfirmed_sign_ups(session=session, now=now, days=days)
