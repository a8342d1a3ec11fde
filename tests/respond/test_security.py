"""The link is the only key a supplier has: it must be unguessable, kept only as a hash, useless
once expired or revoked, never leaked onward, and never a way into another supplier's answers."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

import pytest
from sqlmodel import select

from supplychain import create_app, db
from supplychain.models import Invitation, OutboxMessage, Response, utcnow
from supplychain.ratelimit import SWEEP_SECONDS
from tests.respond.conftest import csrf_of, start, token_of


def test_tokens_carry_256_random_bits_and_only_their_hash_is_stored(app, invited):
    token = invited["token"]
    assert len(token) >= 43 and re.fullmatch(r"[A-Za-z0-9_-]+", token)  # 32 bytes, base64url
    assert token != token_of(invited["other_link"])
    with app.app_context():
        session = db.get_session()
        invitations = session.exec(select(Invitation)).all()
        assert hashlib.sha256(token.encode()).hexdigest() in {i.token_hash for i in invitations}
        dump = " ".join(repr(i.model_dump()) for i in invitations)
        assert token not in dump


def test_unknown_tampered_expired_and_revoked_links_look_the_same(app, client, invited):
    token = invited["token"]
    dead_page = client.get("/r/" + "x" * 43)
    assert dead_page.status_code == 404
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(f"/r/{tampered}").get_data() == dead_page.get_data()
    with app.app_context():
        session = db.get_session()
        first, second = session.exec(select(Invitation).order_by(Invitation.id)).all()
        first.expires_at = utcnow() - timedelta(minutes=1)
        second.revoked_at = utcnow()
        session.commit()
    for link_token in (token, token_of(invited["other_link"])):
        response = client.get(f"/r/{link_token}")
        assert response.status_code == 404 and response.get_data() == dead_page.get_data()
        assert client.post(f"/r/{link_token}").status_code in (400, 404)


def test_revoking_ends_a_session_already_started(app, client, invited):
    start(client, invited["token"])
    assert client.get("/r/answer").status_code == 200
    with app.app_context():
        session = db.get_session()
        invitation = session.exec(select(Invitation).order_by(Invitation.id)).first()
        invitation.revoked_at = utcnow()
        session.commit()
    assert client.get("/r/answer").status_code == 404


def test_a_session_opens_only_its_own_response(app, invited):
    first, second = app.test_client(), app.test_client()
    start(first, invited["token"])
    start(second, token_of(invited["other_link"]))
    url = "/r/answer?section=identity"
    first.post(url, data={"csrf_token": csrf_of(first, url), "registration_no": "FIRST-111"})
    page = second.get(url).get_data(as_text=True)
    assert "FIRST-111" not in page
    # A forged session cookie needs the secret key; without it the session is simply empty.
    forged = app.test_client()
    forged.set_cookie("session", "eyJyZXNwb25kZW50IjoxfQ.forged.signature")
    assert forged.get("/r/answer").status_code == 404
    with app.app_context():
        responses = db.get_session().exec(select(Response).order_by(Response.id)).all()
        assert [r.supplier_id for r in responses] == [invited["first"], invited["second"]]


def test_sent_mail_no_longer_holds_the_link(app, invited):
    """The outbox keeps a link only until its mail is sent."""
    from supplychain.invitations import outbox

    with app.app_context():
        session = db.get_session()
        pending = session.exec(select(OutboxMessage)).all()
        assert any(invited["token"] in m.text_body for m in pending)
        for message in outbox.claim_batch(
            session=session, now=utcnow(), limit=10, lease=timedelta(minutes=1)
        ):
            outbox.send_one(session=session, message=message, config=app.config, now=utcnow())
        assert not any(
            invited["token"] in m.text_body + m.html_body
            for m in session.exec(select(OutboxMessage))
        )


def test_token_pages_are_rate_limited(app, invited):
    app.config["RESPOND_RATE_LIMIT"] = "5 per minute"
    client = app.test_client()
    codes = [client.get("/r/" + "y" * 43).status_code for _ in range(7)]
    assert codes[:5] == [404] * 5 and codes[5:] == [429, 429]


def test_memory_counters_are_swept_without_a_thread_per_hit():
    """limits' own memory storage starts a 10 ms timer thread again after nearly every hit."""
    app = create_app(
        {"DATABASE_URL": "sqlite://", "SECRET_KEY": "k", "RATELIMIT_STORAGE_URI": "memory://"}
    )
    storage = app.extensions["rate_limiter"].storage
    storage.timer.join()  # the timer that limits starts with the storage
    storage.incr("respond/127.0.0.1", 60)
    sweeper = storage.timer
    storage.incr("respond/127.0.0.1", 60)
    assert storage.timer is sweeper and sweeper.interval == SWEEP_SECONDS and sweeper.daemon
    assert storage.get("respond/127.0.0.1") == 2
    sweeper.cancel()


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="needs Redis on 127.0.0.1:6379")
def test_app_servers_share_rate_limits_through_redis(database_url, tmp_path):
    """Two app servers behind one balancer count a client's hits together."""
    import redis

    db_number = 1 + secrets.randbelow(15)  # a database of its own, flushed after
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:6379/{db_number}",
        "RESPOND_RATE_LIMIT": "4 per minute",
    }
    servers = [create_app(config), create_app(config)]
    if database_url == "sqlite://":  # each in-memory app has a database of its own
        for server in servers:
            db.create_all_and_stamp(server.extensions["engine"])
    try:
        clients = [server.test_client() for server in servers]
        codes = [clients[i % 2].get("/r/" + "z" * 43).status_code for i in range(6)]
        assert codes == [404, 404, 404, 404, 429, 429]
    finally:
        redis.Redis(host="127.0.0.1", port=6379, db=db_number).flushdb()
        for server in servers:
            server.extensions["engine"].dispose()
