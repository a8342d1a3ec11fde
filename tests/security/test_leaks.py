"""Issue 17, leaks and errors: tokens in logs, per-process rate limits, control characters.

The server tests start `supplychain serve` as a real process and read what it writes; the
rate-limit tests count requests that two server processes (or two apps on one database) let
through together.
"""

from __future__ import annotations

import http.cookiejar
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import select

from supplychain import create_app, db
from supplychain.models import Answer, Role, Supplier
from tests.conftest import BACKENDS, empty_postgres, post_form, sign_in
from tests.factories import (
    committed,
    make_link,
    make_supplier,
    make_team,
)

TOKEN = "Zq3xJ9sLivE-t0k3n_NeverInALog0123456789abcd"


@pytest.fixture(params=BACKENDS)
def shared_url(request, tmp_path):
    """A migrated database that several apps or server processes can open at once."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.db'}"
        engine = db.make_engine(url)
        db.upgrade(engine)
        engine.dispose()
        yield url
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    empty_postgres(url)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`supplychain serve --workers 2` in a subprocess; its log lines are read on stop()."""

    def __init__(self, url: str, instance: str, **settings: str) -> None:
        self.port = _free_port()
        env = {
            **os.environ,
            "SUPPLYCHAIN_DATABASE_URL": url,
            "SUPPLYCHAIN_INSTANCE_PATH": instance,
            **{f"SUPPLYCHAIN_{k}": v for k, v in settings.items()},
        }
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from supplychain.cli import cli; cli()", "serve"]
            + ["--port", str(self.port), "--workers", "2"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(300):
            try:
                urllib.request.urlopen(self.url("/account/login"), timeout=1)  # noqa: S310
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the server did not start")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None) -> int:
        request = urllib.request.Request(self.url(path), data=data, headers=headers or {})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def guess_password(self, _n: int = 0) -> int:
        """Sign in with a wrong password, as a browser would (the form needs its CSRF token)."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(self.url("/account/login"), timeout=30) as response:
            page = response.read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        body = {"csrf_token": token, "email": "a@b.example", "password": "not the password"}
        try:
            with opener.open(self.url("/account/login"), urllib.parse.urlencode(body).encode()):
                return 200
        except urllib.error.HTTPError as error:
            return error.code

    def stop(self) -> str:
        self.process.terminate()
        output, _ = self.process.communicate(timeout=20)
        return output.decode()


# --- tokens never reach a log -------------------------------------------------------------


def test_the_access_log_of_the_real_server_shows_no_token(shared_url, tmp_path):
    """gunicorn logs each request line and Referer: the token segments come out masked."""
    server = Server(shared_url, str(tmp_path))
    try:
        referer = {"Referer": server.url(f"/r/{TOKEN}?lang=lv")}
        server.request(f"/r/{TOKEN}")
        server.request("/static/css/app.css", headers=referer)
        server.request(f"/account/password/reset/{TOKEN}")
        server.request(f"/account/invitation/{TOKEN}")
        server.request(f"/account/login?token={TOKEN}")
        server.request("/r/answer?section=work")
    finally:
        log = server.stop()
    assert TOKEN not in log
    assert log.count("GET /r/[redacted] HTTP/1.1") == 1
    assert "/r/[redacted]?lang=lv" in log  # the Referer
    assert "GET /account/password/reset/[redacted] " in log
    assert "GET /account/invitation/[redacted] " in log
    assert "GET /account/login?token=[redacted] " in log
    assert "GET /r/answer?section=work " in log  # fixed routes beside /r/<token> stay readable


def test_werkzeug_and_the_app_logger_mask_tokens(app, caplog):
    """The development server's request log (a real one, in a thread) and Flask's
    "Exception on <path>" line."""
    import threading

    from werkzeug.serving import make_server

    caplog.set_level(logging.INFO)
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{server.port}/r/{TOKEN}", timeout=30)  # noqa: S310
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
    app.logger.error("Exception on /account/password/reset/%s [POST]", TOKEN)
    messages = [record.getMessage() for record in caplog.records]
    assert TOKEN not in "".join(messages)
    assert any("GET /r/[redacted] HTTP/1.1" in m for m in messages), messages
    assert messages[-1] == "Exception on /account/password/reset/[redacted] [POST]"


# --- rate limits hold across processes ----------------------------------------------------


def _guess_passwords(client, count: int, address: str = "203.0.113.7") -> list[int]:
    page = client.get("/account/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = {"csrf_token": token, "email": "nobody@example.com", "password": "not the password"}
    return [
        client.post("/account/login", data=data, environ_base={"REMOTE_ADDR": address}).status_code
        for _ in range(count)
    ]


def test_two_apps_on_one_database_share_the_login_limit(shared_url, tmp_path):
    """Two server processes are two apps: together they let through the limit, not twice it."""
    settings = {"DATABASE_URL": shared_url, "SECRET_KEY": "k", "LOGIN_RATE_LIMIT": "4 per minute"}
    first = create_app({**settings, "MAIL_DIR": str(tmp_path / "mail")})
    second = create_app({**settings, "MAIL_DIR": str(tmp_path / "mail")})
    try:
        codes = _guess_passwords(first.test_client(), 3) + _guess_passwords(second.test_client(), 3)
        assert codes == [200, 200, 200, 200, 429, 429]
        assert _guess_passwords(first.test_client(), 1, address="198.51.100.1") == [200]
    finally:
        first.extensions["engine"].dispose()
        second.extensions["engine"].dispose()


def test_the_real_server_with_two_workers_holds_the_limit_in_total(shared_url, tmp_path):
    """Concurrent guesses against `serve --workers 2` (both workers busy): 6 answered, the
    rest refused."""
    server = Server(shared_url, str(tmp_path), LOGIN_RATE_LIMIT="6 per minute")
    try:
        with ThreadPoolExecutor(4) as pool:
            codes = list(pool.map(server.guess_password, range(16)))
    finally:
        server.stop()
    assert sorted(codes) == [200] * 6 + [429] * 10


# --- control characters get a clear answer, not a 500 ------------------------------------


@pytest.fixture
def officer(app, client):
    """A signed-in officer of an organisation with one supplier."""
    with committed(app) as session:
        org = make_team(session, "ours", Role.OFFICER)
        supplier = make_supplier(session, org, code="A1", name="Alpha SIA")
        make_link(session, org, None, supplier)  # in the chain, so in its exports
        supplier_id = supplier.id
    sign_in(client, Role.OFFICER, "ours")
    return supplier_id


def _suppliers(app) -> list[str]:
    with app.app_context():
        return sorted(s.name for s in db.get_session().exec(select(Supplier)))


def test_a_nul_byte_in_a_search_gets_a_clear_400(client, officer):
    response = client.get("/chain/suppliers?q=Al%00pha")
    assert response.status_code == 400
    assert "control characters" in response.get_data(as_text=True)


def test_a_nul_byte_in_a_supplier_name_is_a_field_error(app, client, officer):
    data = {"code": "B1", "name": "Beta\x00 SIA", "country": "LV", "kind": "company"}
    response = post_form(client, "/chain/suppliers/new", data, page="/chain/suppliers/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="name-error"' in page and "control characters" in page
    assert _suppliers(app) == ["Alpha SIA"]


def test_a_nul_byte_in_a_suppliers_answer_is_a_field_error(app, invited):
    from tests.respond.conftest import csrf_of, start

    client = app.test_client()
    start(client, invited["token"])
    url = "/r/answer?section=identity"
    data = {"csrf_token": csrf_of(client, url), "registration_no": "4000\x003000001"}
    page = client.post(url, data=data).get_data(as_text=True)
    # The supplier's page is in their language (Latvian here).
    assert 'id="registration_no-error"' in page and "vadības rakstzīmes" in page
    with app.app_context():
        assert db.get_session().exec(select(Answer)).all() == []


# --- bidirectional and invisible characters never disguise text ---------------------------

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "Alpha\u202eAIS" reads as "AlphaSIA"


def test_a_typed_supplier_name_is_stored_without_format_characters(app, client, officer):
    data = {"code": "B1", "name": f"Beta{RLO}AIS\u200b", "country": "LV", "kind": "company"}
    post_form(client, "/chain/suppliers/new", data, page="/chain/suppliers/new")
    assert _suppliers(app) == ["Alpha SIA", "BetaAIS"]


def test_stored_text_is_shown_without_format_characters(app, client, officer):
    """Names stored before (or imported, or sent to the API) are cleaned on the way out:
    pages, CSV and XLSX exports."""
    import io

    from openpyxl import load_workbook

    with app.app_context():
        session = db.get_session()
        supplier = session.get(Supplier, officer)
        supplier.name = f"Alpha{RLO}fdp.exe\u2066"
        session.commit()
    page = client.get("/chain/suppliers").get_data(as_text=True)
    assert "Alphafdp.exe" in page and RLO not in page and "\u2066" not in page
    assert RLO not in client.get(f"/chain/suppliers/{officer}").get_data(as_text=True)
    csv = client.get("/chain/export.csv").get_data(as_text=True)
    assert "Alphafdp.exe" in csv and RLO not in csv
    workbook = load_workbook(io.BytesIO(client.get("/chain/export.xlsx").data), read_only=True)
    cells = [c for row in workbook.worksheets[0].iter_rows(values_only=True) for c in row]
    workbook.close()
    assert "Alphafdp.exe" in cells and not any(RLO in str(c) for c in cells)


def test_an_uploaded_file_name_loses_its_format_characters(app, invited):
    import io

    from supplychain.models import Evidence
    from tests.respond.conftest import csrf_of, start

    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    client = app.test_client()
    start(client, invited["token"])
    url = "/r/answer?section=identity"
    data = {
        "csrf_token": csrf_of(client, url),
        "registration_documents": [(io.BytesIO(pdf), f"invoice{RLO}fdp.exe.pdf")],
    }
    client.post(url, data=data, content_type="multipart/form-data")
    with app.app_context():
        assert [e.filename for e in db.get_session().exec(select(Evidence))] == [
            "invoicefdp.exe.pdf"
        ]
    assert RLO not in client.get(url).get_data(as_text=True)
