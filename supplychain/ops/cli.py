"""The operating commands: `supplychain db upgrade`, `worker`, `check`, `backup` and `restore`
(`serve` and `demo` are in ops.serve)."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from .. import db
from ..cliutil import load_app
from ..questionnaires.catalogue import get_catalogue
from ..questionnaires.loader import QuestionnaireError
from ..reports.services import report_dir
from ..storage import upload_dir
from ..worker import Counts, run_forever, run_once
from . import serve
from .backup import BackupError, make_backup, read_manifest, restore_backup
from .checks import Deployment, Problem, check


def register(cli_group: click.Group) -> None:
    """Add the operating commands to the `supplychain` group."""
    for command in (db_group, worker, check_command, backup_command, restore_command):
        cli_group.add_command(command)
    serve.register(cli_group)


@click.group("db", cls=AppGroup)
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Create or migrate the database schema."""
    engine = db.get_engine()
    db.upgrade(engine, revision)
    current, _head = db.schema_revisions(engine)
    click.echo(
        f"Database {engine.url.render_as_string(hide_password=True)} is at revision {current}."
    )


@click.command("worker")
@click.option("--once", is_flag=True, help="Run one tick, then exit.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Seconds between ticks  [default: WORKER_INTERVAL_SECONDS, 10]",
)
def worker(once: bool, interval: float | None) -> None:
    """Send queued mail with retries and reminders before deadlines, carry out assessments,
    imports and reports, and once a day delete the cases closed past their retention; SIGTERM
    stops it cleanly. Not needed beside an app with JOBS_IN_APP on."""
    app = load_app()
    with app.app_context():
        try:
            db.ensure_migrated(db.get_engine())
        except db.DatabaseNotMigrated as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
    if once:
        click.echo(summary(run_once(app)))
        return
    run_forever(
        app,
        interval=interval or float(app.config.get("WORKER_INTERVAL_SECONDS", 10)),
        stop_event=threading.Event(),
        on_tick=_echo_if_busy,
    )


def summary(counts: Counts) -> str:
    """One line saying what a tick did."""
    return ", ".join(f"{name} {number}" for name, number in counts.items())


def _echo_if_busy(counts: Counts) -> None:
    if any(counts.values()):
        click.echo(summary(counts))


@click.command("check")
@click.option("--servers", default=1, show_default=True, type=int, help="App servers (hosts).")
@click.option(
    "--web-workers", default=2, show_default=True, type=int, help="gunicorn workers each."
)
@click.option("--workers", default=1, show_default=True, type=int, help="`supplychain worker`s.")
@with_appcontext
def check_command(servers: int, web_workers: int, workers: int) -> None:
    """Report misconfiguration for the planned deployment; exit 1 on any error."""
    plan = Deployment(servers=servers, web_workers=web_workers, workers=workers)
    problems = check(current_app.config, plan) + _runtime_problems()
    for problem in problems:
        click.echo(f"{problem.level:7} {problem.setting}: {problem.message}")
    errors = sum(p.level == "error" for p in problems)
    click.echo(f"{errors} error(s), {len(problems) - errors} warning(s)")
    if errors:
        sys.exit(1)


def _runtime_problems() -> list[Problem]:
    """What only a live look shows: the database, the questionnaire files, writable folders."""
    found = []
    try:
        db.ensure_migrated(db.get_engine())
    except db.DatabaseNotMigrated as exc:
        found.append(Problem("error", "SUPPLYCHAIN_DATABASE_URL", str(exc)))
    except sa.exc.SQLAlchemyError as exc:
        found.append(Problem("error", "SUPPLYCHAIN_DATABASE_URL", f"cannot connect: {exc}"))
    try:
        get_catalogue()
    except QuestionnaireError as exc:
        found += [Problem("error", "SUPPLYCHAIN_QUESTIONNAIRES_DIR", str(p)) for p in exc.problems]
    for setting, folder in (("UPLOAD_DIR", upload_dir), ("REPORT_DIR", report_dir)):
        path = folder(current_app)
        try:
            path.mkdir(parents=True, exist_ok=True)
            probe = path / ".check"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            found.append(Problem("error", f"SUPPLYCHAIN_{setting}", f"{path}: {exc.strerror}"))
    return found


def _folders() -> dict[str, Path]:
    return {"uploads": upload_dir(current_app), "reports": report_dir(current_app)}


@click.command("backup")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(output: Path) -> None:
    """Write the database, suppliers' documents and archived reports to OUTPUT (.tar.gz).

    SQLite is copied online (the app may keep running); PostgreSQL through pg_dump."""
    engine = db.get_engine()
    revision, _head = db.schema_revisions(engine)
    try:
        manifest = make_backup(url=engine.url, revision=revision, folders=_folders(), output=output)
    except BackupError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    files = ", ".join(f"{n} {name}" for name, n in manifest.files.items())
    click.echo(f"{output}: {manifest.dialect} database at revision {revision}; files: {files}")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the current data without asking.")
@with_appcontext
def restore_command(archive: Path, yes: bool) -> None:
    """Replace the database and the files with those of a backup made by `supplychain backup`.

    Stop the app servers and workers first: they would keep serving the old data."""
    engine = db.get_engine()
    try:
        manifest = read_manifest(archive)
        target = engine.url.render_as_string(hide_password=True)
        if not yes:
            click.confirm(
                f"Replace everything in {target} with the backup of {manifest.made_at}?",
                abort=True,
            )
        engine.dispose()  # no pooled connection may keep the old pages
        restore_backup(archive_path=archive, url=engine.url, folders=_folders())
    except BackupError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"restored {archive} (made {manifest.made_at}, revision {manifest.revision})")
    if manifest.revision != db.schema_revisions(engine)[1]:
        click.echo("the backup is from an older version: run `supplychain db upgrade` next")
