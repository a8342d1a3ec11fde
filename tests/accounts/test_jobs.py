"""The worker deletes the sign-ups never confirmed, once they are UNCONFIRMED_SIGNUP_DAYS old."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from supplychain import db
from supplychain.accounts import services
from supplychain.models import Organisation, User, utcnow
from supplychain.worker import run_once
from tests.factories import committed


def _sign_up(session, slug: str, *, days_ago: int, confirmed: bool = False) -> int:
    user = services.sign_up(
        session=session,
        organisation_name=f"{slug.title()} AS",
        slug=slug,
        name="Ilze Bērziņa",
        email=f"ilze@{slug}.example",
        password="a long enough passphrase",
    ).user
    user.created_at = utcnow() - timedelta(days=days_ago)
    if confirmed:
        services.confirm_address(session=session, user=user, now=user.created_at)
    session.add(user)
    session.flush()
    return user.organisation_id


def test_the_worker_deletes_sign_ups_never_confirmed_within_a_week(app):
    with committed(app) as session:
        _sign_up(session, "stale", days_ago=8)
        recent = _sign_up(session, "recent", days_ago=6)
        confirmed = _sign_up(session, "confirmed", days_ago=30, confirmed=True)
    assert run_once(app)["signups_deleted"] == 1
    with app.app_context():
        session = db.get_session()
        assert sorted(session.exec(select(Organisation.id)).all()) == sorted([recent, confirmed])
        assert sorted(session.exec(select(User.email)).all()) == [
            "ilze@confirmed.example",
            "ilze@recent.example",
        ]
