"""The factory, configuration, the schema's migrations and the error pages."""

from __future__ import annotations

import fcntl
import os
import threading

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from supplychain import create_app, db
from supplychain.config import from_environment
from supplychain.models import Role
from tests.conftest import sign_in
from tests.factories import committed, make_team


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


def test_a_renamed_setting_is_still_read_under_its_former_name():
    assert from_environment({"SUPPLYCHAIN_REPORTS_IN_APP": "false"}) == {"JOBS_IN_APP": False}
    both = {"SUPPLYCHAIN_REPORTS_IN_APP": "false", "SUPPLYCHAIN_JOBS_IN_APP": "true"}
    assert from_environment(both) == {"JOBS_IN_APP": True}


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
    with committed(app) as session:
        make_team(session, "outage", Role.OFFICER)
    sign_in(client, Role.OFFICER, "outage")
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


def _queue_is_free(path) -> bool:
    fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # also lets go of a lock taken here
    return True


def test_sqlite_writers_hold_the_write_queue_from_first_write_to_commit_or_rollback(tmp_path):
    path = tmp_path / "q.db"
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE t (n INTEGER)"))
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT count(*) FROM t")).scalar()
        assert _queue_is_free(path)  # readers never wait for writers
        connection.execute(sa.text("INSERT INTO t VALUES (1)"))
        assert not _queue_is_free(path)
        connection.commit()
        assert _queue_is_free(path)
        connection.execute(sa.text("INSERT INTO t VALUES (2)"))
        assert not _queue_is_free(path)
        connection.rollback()
        assert _queue_is_free(path)
    engine.dispose()


def test_sqlite_second_writer_waits_its_turn_and_both_writes_land(tmp_path):
    path = tmp_path / "w.db"
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE t (n INTEGER)"))
    written = threading.Event()

    def second_writer() -> None:
        with engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO t VALUES (2)"))
        written.set()

    with engine.connect() as connection:
        connection.execute(sa.text("INSERT INTO t VALUES (1)"))
        thread = threading.Thread(target=second_writer)
        thread.start()
        assert not written.wait(0.2)  # queued behind the open write transaction
        connection.commit()
    thread.join(timeout=5)
    assert written.is_set()
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT n FROM t ORDER BY n")).scalars().all() == [1, 2]
    engine.dispose()


def test_sqlite_writer_behind_its_own_thread_gets_the_busy_timeout_not_a_hang(tmp_path):
    """A thread writing through a second connection while its first one holds the write lock
    could wait for itself forever; SQLite's busy timeout answers instead, as without the queue."""
    path = tmp_path / "s.db"
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE t (n INTEGER)"))
    with engine.connect() as first, engine.connect() as second:
        first.execute(sa.text("INSERT INTO t VALUES (1)"))
        second.execute(sa.text("PRAGMA busy_timeout=50"))
        with pytest.raises(sa.exc.OperationalError, match="locked"):
            second.execute(sa.text("INSERT INTO t VALUES (2)"))
        second.rollback()
        first.commit()
    engine.dispose()


@pytest.mark.parametrize(
    ("table", "column", "index"),
    [
        ("link", "child_id", "ix_link_org_child"),
        ("flag", "supplier_id", "ix_flag_org_supplier"),
        ("response", "supplier_id", "ix_response_org_supplier"),
        ("invitation", "supplier_id", "ix_invitation_org_supplier"),
    ],
)
def test_deleting_a_supplier_finds_its_rows_by_index(tmp_path, table, column, index):
    """The lookups ON DELETE CASCADE makes for each deleted supplier use (organisation,
    supplier) indexes: a scan of the organisation's rows made removing a large chain
    quadratic."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    db.upgrade(engine)
    query = f"SELECT 1 FROM {table} WHERE organisation_id = 1 AND {column} = 2"  # noqa: S608
    with engine.connect() as connection:
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}").all()
    engine.dispose()
    assert index in " ".join(str(step) for step in plan)
