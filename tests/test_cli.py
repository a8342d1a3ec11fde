"""The `supplychain` command line, invoked as users would."""

from __future__ import annotations

import pytest
from sqlmodel import select

from supplychain import create_app, db
from supplychain.cli import cli
from supplychain.demo import DEMO_EMAIL
from supplychain.models import Organisation, User


@pytest.fixture
def file_app(tmp_path, monkeypatch):
    """An app on a SQLite file, as the CLI would create it from the environment."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SUPPLYCHAIN_DATABASE_URL", url)
    monkeypatch.setenv("SUPPLYCHAIN_INSTANCE_PATH", str(tmp_path))
    return create_app()


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(cli, list(args), input=input, catch_exceptions=False)


def _create_anna(app):
    """Make anna@acme.example an admin of acme, her password read from stdin."""
    args = ["create-user", "anna@acme.example", "--org", "acme", "--role", "admin"]
    return run(app, *args, "--password-stdin", input="a strong passphrase\n")


def test_db_upgrade_then_org_and_user(file_app):
    result = run(file_app, "db", "upgrade")
    assert result.exit_code == 0 and "is at revision" in result.output
    result = run(file_app, "create-org", "acme", "--name", "Acme Būvniecība")
    assert result.exit_code == 0, result.output
    result = _create_anna(file_app)
    assert result.exit_code == 0, result.output
    with file_app.app_context():
        user = db.get_session().exec(select(User)).one()
        assert (user.email, user.role.value) == ("anna@acme.example", "admin")


def test_create_user_errors_name_the_problem(file_app):
    run(file_app, "db", "upgrade")
    result = file_app.test_cli_runner().invoke(
        cli, ["create-user", "x@y.example", "--org", "nope", "--password-stdin"], input="pw\n"
    )
    assert result.exit_code == 1 and "no organisation 'nope'" in result.output
    run(file_app, "create-org", "acme", "--name", "Acme")
    result = file_app.test_cli_runner().invoke(
        cli, ["create-user", "x@y.example", "--org", "acme", "--password-stdin"], input="short\n"
    )
    assert result.exit_code == 1 and "password: Use at least 12 characters." in result.output
    result = file_app.test_cli_runner().invoke(cli, ["create-org", "Bad Slug!", "--name", "X"])
    assert result.exit_code == 1 and "slug:" in result.output
    result = file_app.test_cli_runner().invoke(
        cli, ["create-org", "zz", "--name", "X", "--country", "XX"]
    )
    assert result.exit_code == 1 and "country:" in result.output


def test_serve_refuses_an_unmigrated_database(file_app):
    result = file_app.test_cli_runner().invoke(cli, ["serve", "--port", "0"])
    assert result.exit_code == 1
    assert "Run `supplychain db upgrade` first." in result.output


def test_serve_refuses_a_broken_questionnaire(tmp_path, monkeypatch):
    """A questionnaire with a missing translation stops the server before it takes requests."""
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "broken.yaml").write_text(
        "id: broken\nversion: 1\ntitle: {en: Broken}\nlanguages: [en, lv]\n"
        "sections:\n  - id: s\n    title: {en: S, lv: S}\n    questions:\n"
        "      - {id: q, type: yes_no, text: {en: Q?, lv: J?}}\n"
    )
    monkeypatch.setenv("SUPPLYCHAIN_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("SUPPLYCHAIN_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SUPPLYCHAIN_QUESTIONNAIRES_DIR", str(folder))
    app = create_app()
    run(app, "db", "upgrade")
    result = app.test_cli_runner().invoke(cli, ["serve", "--port", "0"])
    assert result.exit_code == 1
    assert f"{folder / 'broken.yaml'}:3: title.lv: missing the 'lv' translation" in result.output


def test_demo_builds_the_chain_and_prints_a_working_login(file_app):
    result = run(file_app, "demo", "--no-serve")
    assert result.exit_code == 0, result.output
    password = result.output.split("password: ")[1].split()[0]
    assert DEMO_EMAIL in result.output
    client = file_app.test_client()
    page = client.get("/account/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/account/login", data={"email": DEMO_EMAIL, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302
    again = run(file_app, "demo", "--no-serve")  # a second run keeps the data, new password
    assert again.exit_code == 0
    with file_app.app_context():
        assert len(db.get_session().exec(select(Organisation)).all()) == 1


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_runs_gunicorn_and_keeps_users_apart(file_app, tmp_path):
    """A real server process: sessions work, and one user's sign-in never reaches another."""
    import http.cookiejar
    import os
    import re
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    run(file_app, "db", "upgrade")
    run(file_app, "create-org", "acme", "--name", "Acme")
    _create_anna(file_app)
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from supplychain.cli import cli; cli()",
            "serve",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def browser():
        jar = http.cookiejar.CookieJar()
        return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def status(opener, path, data=None):
        try:
            with opener.open(base + path, data=data, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, ""

    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/account/login", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        anna, stranger = browser(), browser()
        _code, page = status(anna, "/account/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode(
            {"csrf_token": token, "email": "anna@acme.example", "password": "a strong passphrase"}
        ).encode()
        assert status(anna, "/account/login", body)[0] == 302
        assert status(anna, "/chain/suppliers")[0] == 200
        assert status(stranger, "/chain/suppliers")[0] == 302
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()


def test_wsgi_entry_point_refuses_an_unmigrated_database(file_app):
    import importlib
    import sys

    sys.modules.pop("supplychain.wsgi", None)
    with pytest.raises(db.DatabaseNotMigrated, match="supplychain db upgrade"):
        importlib.import_module("supplychain.wsgi")
    run(file_app, "db", "upgrade")
    sys.modules.pop("supplychain.wsgi", None)
    assert importlib.import_module("supplychain.wsgi").app.name == "supplychain"
    sys.modules.pop("supplychain.wsgi", None)
