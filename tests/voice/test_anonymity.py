"""Issue 22, anonymity as a design property: the workers' pages keep no address, user agent or
cookie in any row, response or log line, and mask the site's code in logged paths."""

from __future__ import annotations

import logging
import threading
import urllib.request

from sqlmodel import SQLModel, select

from supplychain import db
from supplychain.models import Role
from tests.conftest import sign_in
from tests.security.test_leaks import Server, shared_url  # noqa: F401 (a fixture)

ADDRESS, FORWARDED, AGENT = "203.0.113.9", "198.51.100.7", "SecretPhone/9.9 (Worker)"
HEADERS = {"User-Agent": AGENT, "X-Forwarded-For": FORWARDED, "Referer": "https://a.example/"}


def _all_rows(app) -> str:
    with app.app_context():
        session = db.get_session()
        return "\n".join(
            repr(tuple(row))
            for t in SQLModel.metadata.sorted_tables
            for row in session.execute(select(t))
        )


def test_a_check_in_and_a_report_leave_no_address_agent_or_cookie(app, site):
    app.config.update(TRUSTED_PROXIES=1)
    client = app.test_client()
    sign_in(client, Role.VIEWER, "acme")  # an officer's phone: its session must not count here
    base = f"/w/{site['code']}"
    kwargs = {"headers": HEADERS, "environ_base": {"REMOTE_ADDR": ADDRESS}}
    responses = [
        client.get(base, **kwargs),
        client.get(f"{base}/help", **kwargs),
        client.post(f"{base}/check-in", data={"employer": "unknown", "fees": "yes"}, **kwargs),
        client.post(f"{base}/report", data={"text": "We sleep in the container"}, **kwargs),
        client.post("/w/track", data={"tracking": "nothing"}, **kwargs),
        client.get("/w/voice.css", **kwargs),
        client.get("/w/unknown-site", **kwargs),
    ]
    assert [r.status_code for r in responses] == [200, 200, 302, 200, 404, 200, 404]
    assert all("Set-Cookie" not in r.headers for r in responses)
    assert responses[2].headers["Location"].startswith(f"{base}/thanks")
    rows = _all_rows(app)
    assert "We sleep in the container" in rows  # the rows were read
    for trace in (ADDRESS, FORWARDED, "SecretPhone", "a.example"):
        assert trace not in rows


def test_the_rate_limit_counts_per_site_not_per_address(app, site, caplog):
    """The warning names the throttled site, and nothing of the worker."""
    app.config.update(VOICE_RATE_LIMIT="2 per hour")
    client = app.test_client()
    url = f"/w/{site['code']}/report"
    statuses = [
        client.post(
            url,
            data={"text": "x"},
            headers=HEADERS,
            environ_base={"REMOTE_ADDR": f"203.0.113.{n}"},
        ).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert ADDRESS not in _all_rows(app)
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    said = warning.getMessage()
    assert said == f"workers' forms of site {site['code']} throttled: more than 2 per 1 hour"
    for trace in ("203.0.113.", FORWARDED, "SecretPhone", "a.example"):
        assert trace not in caplog.text


def test_the_development_servers_log_has_no_address_agent_or_code(app, site, caplog):
    from werkzeug.serving import make_server

    caplog.set_level(logging.INFO)
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for path in (f"/w/{site['code']}", "/w/voice.css"):
            request = urllib.request.Request(
                f"http://127.0.0.1:{server.port}{path}", headers=HEADERS
            )
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                response.read()
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
    lines = [r.getMessage() for r in caplog.records if "/w/" in r.getMessage()]
    assert len(lines) == 2, lines
    assert all(line.startswith("- - - [") for line in lines), lines
    # (the style sheet's name is masked too: a segment under /w/ is masked unless it is a whole
    # fixed segment, and "voice.css" is read as "voice" and more)
    assert all('"GET /w/[redacted] HTTP/1.1" 200' in line for line in lines), lines
    assert site["code"] not in "".join(lines) and "127.0.0.1" not in "".join(lines)


def test_the_access_log_of_the_real_server_has_no_address_or_agent(shared_url, tmp_path):  # noqa: F811
    """gunicorn logs each request's address, Referer and user agent: not for /w/."""
    server = Server(shared_url, str(tmp_path))
    try:
        server.request("/w/k7Qx2mPaW9", headers=HEADERS)
        server.request("/w/voice.css", headers=HEADERS)
        server.request("/account/login", headers=HEADERS)
    finally:
        log = server.stop()
    worker_lines = [line for line in log.splitlines() if '"GET /w/' in line]
    assert len(worker_lines) == 2, log
    assert all(line.startswith("- - - [") for line in worker_lines), worker_lines
    assert all(line.endswith('"-" "-"') for line in worker_lines), worker_lines
    assert "GET /w/[redacted] HTTP/1.1" in worker_lines[0]
    assert "k7Qx2mPaW9" not in log
    assert AGENT in log  # other pages are logged as before: the test would see an agent
