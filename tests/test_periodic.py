"""Daily tasks: of several runners, one takes a task once a day."""

from __future__ import annotations

from datetime import timedelta

from supplychain import db, periodic
from supplychain.models import utcnow


def test_a_task_is_taken_once_a_day_even_by_runners_that_both_saw_it_due(app):
    now = utcnow()
    with app.app_context():
        session = db.get_session()
        assert periodic.claim(session, "task", now)
        session.commit()
        # A second runner read the task as due before the first one's claim committed.
        assert not periodic.take(session, "task", now + timedelta(minutes=1), periodic.DAY)
        assert not periodic.claim(session, "task", now + timedelta(hours=23))
        assert periodic.claim(session, "task", now + periodic.DAY)
        session.commit()
        assert not periodic.claim(session, "task", now + periodic.DAY + timedelta(hours=1))
