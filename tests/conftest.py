"""Fixtures: an app per test on SQLite (in memory) and, when configured, on PostgreSQL.

Set SUPPLYCHAIN_TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1:5432/test) to run every
database test a second time on PostgreSQL; a fresh database is created for the run and dropped
after it.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, SQLModel, func, select

from supplychain import create_app, db
from supplychain.models import Role
from tests.factories import PASSWORD, email_of

POSTGRES_URL = os.environ.get("SUPPLYCHAIN_TEST_POSTGRES_URL")

# An app built with create_app() alone would do the worker's job in a thread of its own from
# its first request on, and that thread could outlive the test and write into its dropped
# database: such apps leave it to the tests. Tests of the job thread turn it on themselves.
os.environ.setdefault("SUPPLYCHAIN_JOBS_IN_APP", "false")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL database, migrated once, for this test run."""
    assert POSTGRES_URL
    name = f"supplychain_test_{secrets.token_hex(4)}"
    admin = db.make_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(db.make_engine(POSTGRES_URL).url).set(database=name)
    engine = db.make_engine(url.render_as_string(hide_password=False))
    db.upgrade(engine)  # the real migrations, on the production database
    engine.dispose()
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield "sqlite://"
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    empty_postgres(url)


def empty_postgres(url: str) -> None:
    """Empty every table of the run's PostgreSQL database, for the next test."""
    engine = db.make_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


def make_app(database_url: str, tmp_path: Path, **config: Any) -> Flask:
    """A test app on database_url with its folders under tmp_path, config overriding the
    defaults; on SQLite its tables are made (PostgreSQL's run's database is migrated once)."""
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key",
            "MAIL_DIR": str(tmp_path / "mail"),
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "REPORT_DIR": str(tmp_path / "reports"),
            "JOBS_IN_APP": False,  # tests run imports and reports through the worker's function
            "BASE_URL": "https://supplychain.test",
            **config,
        }
    )
    if database_url.startswith("sqlite"):
        db.create_all_and_stamp(application.extensions["engine"])
    return application


def threaded_app_url(database_url: str, tmp_path: Path) -> str:
    """database_url, but on SQLite a file: a job thread and the requests need connections of
    their own, and each connection to an in-memory database is a database of its own."""
    return database_url if database_url != "sqlite://" else f"sqlite:///{tmp_path / 'jobs.db'}"


@pytest.fixture
def app(database_url: str, tmp_path) -> Iterator[Flask]:
    application = make_app(database_url, tmp_path, SERVER_NAME=None)
    yield application
    application.extensions["engine"].dispose()


@pytest.fixture(scope="session")
def form_app(tmp_path_factory):
    """An app for building forms; no database work, so SQLite alone."""
    from supplychain import create_app

    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": "sqlite://",
            "SECRET_KEY": "test",
            "MAIL_DIR": str(tmp_path_factory.mktemp("mail")),
        }
    )


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session for service tests, inside an app context (keep apart from `client`)."""
    with app.app_context():
        yield db.get_session()


@pytest.fixture
def smtp(app: Flask):
    """A real SMTP server on loopback that the app sends to; yields its inbox."""
    from tests import mailserver

    controller, inbox, port = mailserver.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    yield inbox
    controller.stop()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token(client: FlaskClient, page: str = "/account/login") -> str:
    """Fetch a page with a form and return its CSRF token (tests keep CSRF on)."""
    html = client.get(page).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1) or match.group(2)


def post_form(
    client: FlaskClient, url: str, data: dict | None = None, page: str | None = None, **kwargs
):
    """POST data to url with a valid CSRF token taken from page (default: the login page)."""
    payload = {"csrf_token": csrf_token(client, page or "/account/login"), **(data or {})}
    return client.post(url, data=payload, **kwargs)


def login(client: FlaskClient, email: str, password: str):
    response = post_form(client, "/account/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def row_counts(app: Flask, *models: type[SQLModel]) -> list[int]:
    """How many rows each model's table holds, all organisations together."""
    with app.app_context():
        session = db.get_session()
        return [int(session.exec(select(func.count()).select_from(m)).one()) for m in models]


def sign_in(client: FlaskClient, role: Role, slug: str) -> FlaskClient:
    """Sign client in as the user factories.make_team gave that role in organisation slug."""
    login(client, email_of(role, slug), PASSWORD)
    return client
