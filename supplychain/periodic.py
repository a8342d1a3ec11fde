"""The worker's daily tasks (such as deleting the cases closed longer ago than the retention
period): of all the workers and app job threads, one does each task once a day.

A runner claims a task by recording when it ran in the table periodic_run, in the same
transaction as the task's work: one upsert that changes the row only when the last run is a
day old. A second runner's upsert waits for the first one's transaction and then finds the
row fresh (PostgreSQL's row lock, SQLite's single writer), so it leaves the task alone; a task
that fails rolls its claim back and is tried again at the next tick.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from . import db
from .jobstate import aware
from .models import PeriodicRun

DAY = timedelta(days=1)

Task = Callable[[Flask, Session, datetime], int]  # (app, session, now) -> how many things done


def claim(session: Session, name: str, now: datetime, every: timedelta = DAY) -> bool:
    """Record now as task name's last run, in session's transaction, unless it last ran less
    than every ago: whether this runner is to do the task."""
    # A read first, so that the ticks between two runs write nothing (on SQLite a write
    # queues behind every other writer); the upsert alone decides between two runners.
    last = session.exec(select(PeriodicRun.ran_at).where(PeriodicRun.name == name)).first()
    if last is not None and aware(last) > now - every:
        return False
    return take(session, name, now, every)


def take(session: Session, name: str, now: datetime, every: timedelta) -> bool:
    """The claim's upsert: whether it recorded now as task name's last run."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    upsert = insert(PeriodicRun).values(name=name, ran_at=now)
    upsert = upsert.on_conflict_do_update(
        index_elements=["name"],
        set_={"ran_at": upsert.excluded.ran_at},
        where=col(PeriodicRun.ran_at) <= now - every,
    ).returning(col(PeriodicRun.name))
    return session.execute(upsert).first() is not None


def run_daily(app: Flask, name: str, task: Task, now: datetime) -> int:
    """Do task in a transaction of its own if no runner did it in the last day; return what it
    counted (0 when it was not this runner's turn, or failed: the failure is logged, and the
    next tick tries again)."""
    with app.app_context():
        session = db.get_session()
        try:
            if not claim(session, name, now):
                session.rollback()
                return 0
            done = task(app, session, now)
            session.commit()
        except Exception:
            # A daily task's fault must not stop the tick's other work.
            session.rollback()
            app.logger.exception("daily task %s failed", name)
            return 0
    return done
