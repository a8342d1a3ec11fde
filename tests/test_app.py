"""The factory, configuration, the schema's migrations and the error pages."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from supplychain import create_app, db
from supplychain.config import from_environment
from supplychain.models import Role
from tests.conftest import login
from tests.factories import PASSWORD, make_org, make_user


def test_environment_settings_are_parsed():
    settings = from_environment(
        {
            "SUPPLYCHAIN_DATABASE_URL": "postgresql://db/x",
            "SUPPLYCHAIN_SMTP_PORT": "587",
            "SUPPLYCHAIN_SMTP_STARTTLS": "yes",
            "SUPPLYCHAIN_BASE_URL": "https://sc.example",
            "SUPPLYCHAIN_SECRET_KEY": "",
            "UNRELATED": "1",
        }
    )
    assert settings == {
        "DATABASE_URL": "postgresql://db/x",
        "SMTP_PORT": 587,
        "SMTP_STARTTLS": True,
        "BASE_URL": "https://sc.example",
    }


def test_local_defaults_use_instance_folder_and_a_generated_persisted_key(tmp_path, monkeypatch):
    monkeypatch.setenv("SUPPLYCHAIN_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SUPPLYCHAIN_SECRET_KEY", raising=False)
    monkeypatch.delenv("SUPPLYCHAIN_DATABASE_URL", raising=False)
    first = create_app()
    second = create_app()
    assert first.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'supplychain.db'}"
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    other = tmp_path / "other"
    monkeypatch.setenv("SUPPLYCHAIN_INSTANCE_PATH", str(other))
    assert create_app().config["SECRET_KEY"] != first.config["SECRET_KEY"]


def test_https_base_url_makes_cookies_secure():
    app = create_app(
        {"DATABASE_URL": "sqlite://", "SECRET_KEY": "x", "BASE_URL": "https://sc.example/"}
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["BASE_URL"] == "https://sc.example"


def test_migrations_match_the_models(database_url, tmp_path):
    """Upgrading an empty database gives exactly the schema the models describe."""
    url = f"sqlite:///{tmp_path / 'm.db'}" if database_url == "sqlite://" else database_url
    engine = db.make_engine(url)
    db.upgrade(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []
    engine.dispose()


def test_unmigrated_database_is_refused_with_instructions(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        db.ensure_migrated(engine)
    except db.DatabaseNotMigrated as exc:
        assert "Run `supplychain db upgrade`" in str(exc)
        assert "has no schema yet" in str(exc)
    else:
        raise AssertionError("an empty database was accepted")
    db.upgrade(engine)
    db.ensure_migrated(engine)


def test_sqlite_connections_get_wal_foreign_keys_and_busy_timeout(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(sa.text("PRAGMA busy_timeout")).scalar() >= 5000


def test_unknown_page_gets_a_finished_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)
    assert 'href="/static/css/app.css"' in response.get_data(as_text=True)


def test_welcome_page_for_visitors(client):
    html = client.get("/").get_data(as_text=True)
    assert "Create an account" in html and "Sign in" in html


def _unreachable(app) -> None:
    """Point the app at a PostgreSQL port where nothing listens, as during a restart."""
    app.extensions["engine"].dispose()
    app.extensions["engine"] = db.make_engine("postgresql://nobody@127.0.0.1:9/none")


def test_an_unreachable_database_answers_503_with_a_time_to_retry(app, client):
    """A supplier's link and a signed-in officer's page (whose user lives in the database)
    both get the same plain page, in the visitor's language, with Retry-After."""
    with app.app_context():
        session = db.get_session()
        org = make_org(session, "outage")
        make_user(session, org, Role.OFFICER, email="officer@outage.example")
        session.commit()
    login(client, "officer@outage.example", PASSWORD)
    _unreachable(app)
    for url, language in (("/chain/", "en"), ("/r/" + "x" * 43, "lv")):
        response = client.get(url, headers={"Accept-Language": language})
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        page = response.get_data(as_text=True)
        assert f'<html lang="{language}">' in page
        assert ("Back in a moment" if language == "en" else "Drīz būsim atpakaļ") in page
    api = client.get("/api/v1/suppliers", headers={"Authorization": "Bearer sct_" + "x" * 43})
    assert api.status_code == 503 and api.headers["Retry-After"] == "5"
    assert api.json["error"]["code"] == "unavailable"
