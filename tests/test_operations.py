"""`supplychain check`, `backup` and `restore`, run as an operator would."""

from __future__ import annotations

import secrets
import tarfile

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from supplychain import create_app, db
from supplychain.cli import cli
from supplychain.models import Organisation
from supplychain.reports.services import report_dir
from supplychain.storage import upload_dir
from tests.conftest import POSTGRES_URL


def file_app(tmp_path, monkeypatch, url: str | None = None, **env: str):
    monkeypatch.setenv("SUPPLYCHAIN_DATABASE_URL", url or f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setenv("SUPPLYCHAIN_INSTANCE_PATH", str(tmp_path / "instance"))
    for key, value in env.items():
        monkeypatch.setenv(f"SUPPLYCHAIN_{key}", value)
    return create_app()


def run(app, *args):
    return app.test_cli_runner().invoke(cli, list(args), catch_exceptions=False)


def test_check_command_exits_1_on_errors_and_0_on_a_sound_single_host(tmp_path, monkeypatch):
    app = file_app(tmp_path, monkeypatch)
    result = run(app, "check")
    assert result.exit_code == 1
    assert "error   SUPPLYCHAIN_DATABASE_URL: The database" in result.output  # not migrated
    assert "error   SUPPLYCHAIN_BASE_URL" in result.output
    sound = file_app(
        tmp_path,
        monkeypatch,
        SECRET_KEY=secrets.token_hex(32),
        BASE_URL="https://supplychain.example.com",
        SMTP_HOST="smtp.example.com",
    )
    assert run(sound, "db", "upgrade").exit_code == 0
    result = run(sound, "check", "--workers", "0")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("0 error(s), 0 warning(s)")


def _orgs(app) -> list[str]:
    engine = db.make_engine(app.config["DATABASE_URL"])
    with Session(engine) as session:
        slugs = sorted(o.slug for o in session.exec(select(Organisation)))
    engine.dispose()
    return slugs


def _backup_and_restore(app, tmp_path):
    """Back up acme with one document and one report, change everything, restore."""
    assert run(app, "create-org", "acme", "--name", "Acme").exit_code == 0
    uploads, reports = upload_dir(app), report_dir(app)
    for folder, name, data in ((uploads, "doc.pdf", b"%PDF-doc"), (reports, "r1.pdf", b"%PDF-r")):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    archive = tmp_path / "backup.tar.gz"
    result = run(app, "backup", str(archive))
    assert result.exit_code == 0, result.output
    assert "files: 1 uploads, 1 reports" in result.output
    assert not (tmp_path / "backup.tar.gz.partial").exists()

    assert run(app, "create-org", "later", "--name", "Made after the backup").exit_code == 0
    (uploads / "doc.pdf").unlink()
    (reports / "r2.pdf").write_bytes(b"%PDF-later")

    result = run(app, "restore", str(archive), "--yes")
    assert result.exit_code == 0, result.output
    assert _orgs(app) == ["acme"]
    assert (uploads / "doc.pdf").read_bytes() == b"%PDF-doc"
    assert sorted(p.name for p in reports.iterdir()) == ["r1.pdf"]


def test_sqlite_backup_and_restore_bring_back_the_database_and_files(tmp_path, monkeypatch):
    app = file_app(tmp_path, monkeypatch)
    assert run(app, "db", "upgrade").exit_code == 0
    _backup_and_restore(app, tmp_path)


@pytest.mark.skipif(not POSTGRES_URL, reason="needs SUPPLYCHAIN_TEST_POSTGRES_URL")
def test_postgresql_backup_and_restore_through_pg_dump(tmp_path, monkeypatch):
    name = f"supplychain_backup_{secrets.token_hex(4)}"
    admin = db.make_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    app = file_app(tmp_path, monkeypatch, url=url)
    try:
        assert run(app, "db", "upgrade").exit_code == 0
        _backup_and_restore(app, tmp_path)
    finally:
        app.extensions["engine"].dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def test_restore_refuses_what_is_not_a_backup_and_changes_nothing(tmp_path, monkeypatch):
    app = file_app(tmp_path, monkeypatch)
    assert run(app, "db", "upgrade").exit_code == 0
    assert run(app, "create-org", "acme", "--name", "Acme").exit_code == 0
    fake = tmp_path / "fake.tar.gz"
    with tarfile.open(fake, "w:gz") as archive:
        archive.add(tmp_path / "app.db", arcname="something.db")
    result = app.test_cli_runner().invoke(cli, ["restore", str(fake), "--yes"])
    assert result.exit_code == 1
    assert "is not a supplychain backup" in result.output
    assert _orgs(app) == ["acme"]
