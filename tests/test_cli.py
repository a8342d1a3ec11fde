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


def test_db_upgrade_then_org_and_user(file_app):
    result = run(file_app, "db", "upgrade")
    assert result.exit_code == 0 and "is at revision" in result.output
    result = run(file_app, "create-org", "acme", "--name", "Acme Būvniecība")
    assert result.exit_code == 0, result.output
    result = run(
        file_app,
        "create-user",
        "anna@acme.example",
        "--org",
        "acme",
        "--role",
        "admin",
        "--password-stdin",
        input="a strong passphrase\n",
    )
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


def test_serve_refuses_an_unmigrated_database(file_app):
    result = file_app.test_cli_runner().invoke(cli, ["serve", "--port", "0"])
    assert result.exit_code == 1
    assert "Run `supplychain db upgrade` first." in result.output


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
