"""`supplychain serve` and `supplychain demo`: the app under gunicorn, refusing to start on an
unmigrated database or a broken questionnaire file; the demo builds its data first."""

from __future__ import annotations

import gc
import os
import secrets
import sys
from typing import Any

import click
from flask import Flask

from .. import db
from ..cliutil import load_app, organisation


def register(cli_group: click.Group) -> None:
    """Add `serve` and `demo` to the `supplychain` group."""
    for command in (serve, demo):
        cli_group.add_command(command)


def _check_startup() -> None:
    """Refuse to serve on an unmigrated database or with a broken questionnaire file."""
    from ..questionnaires.catalogue import get_catalogue
    from ..questionnaires.loader import QuestionnaireError

    try:
        db.ensure_migrated(db.get_engine())
        get_catalogue()
    except db.DatabaseNotMigrated as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except QuestionnaireError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(1)


def _serve(app: Flask, host: str, port: int, workers: int, threads: int = 1) -> None:
    """Run app under gunicorn. Call it outside any app context: a context pushed here would be
    inherited by the workers and reused by every request (flask.g shared between users)."""
    from gunicorn.app.base import BaseApplication

    app.extensions["engine"].dispose()  # no pooled connection may cross the fork

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,  # more than one: gunicorn's threaded workers
                "control_socket_disable": True,
                "accesslog": "-",
            }.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return app

    # Everything built at start-up (modules, the app, the questionnaire catalogue) stays out of
    # the workers' garbage collections, and their memory pages stay shared after the fork.
    gc.freeze()
    Server().run()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--threads", default=1, show_default=True, type=int, help="Threads per worker.")
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the app with gunicorn (refuses to start on an unmigrated database)."""
    app = load_app()
    with app.app_context():
        _check_startup()
    _serve(app, host, port, workers, threads)


def _first_assessment(session: Any, slug: str) -> None:
    """Assess the demo chain once, so that its overview shows risks from the start."""
    from ..questionnaires.catalogue import get_catalogue
    from ..risk import jobs, services

    org = organisation(slug)
    if services.latest_run(session, org.id) is None:
        jobs.run_now(
            session=session, organisation_id=org.id, catalogue=get_catalogue(), trigger="demo"
        )


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Create the demo data and the login, then stop.")
def demo(host: str, port: int, no_serve: bool) -> None:
    """Create a demo organisation with a Latvian construction chain, print the login, serve it."""
    from ..demo import DEMO_EMAIL, load_demo

    app = load_app()
    if "SUPPLYCHAIN_BASE_URL" not in os.environ:  # links in demo mail point at this server
        app.config["BASE_URL"] = f"http://{host}:{port}"
    password = secrets.token_urlsafe(12)
    with app.app_context():
        db.upgrade(db.get_engine())
        session = db.get_session()
        summary = load_demo(session=session, password=password)
        session.commit()
        _first_assessment(session, summary.organisation)
    click.echo(
        f"Demo organisation: {summary.organisation} "
        f"({summary.suppliers} suppliers, {summary.links} links)"
    )
    click.echo(f"Sign in at http://{host}:{port}/account/login")
    click.echo(f"  email:    {DEMO_EMAIL}")
    click.echo(f"  password: {password}")
    click.echo(_where_mail_goes(app))
    if not no_serve:
        _serve(app, host, port, 2)


def _where_mail_goes(app: Flask) -> str:
    """Say where the demo's mail ends up, and who sends it."""
    host = app.config.get("SMTP_HOST")
    if host:
        target = f"Mail goes to the SMTP server {host}:{app.config.get('SMTP_PORT') or 25}"
    else:
        folder = os.path.abspath(app.config["MAIL_DIR"])
        target = f"Mail is written as .eml files to {folder}"
    if app.config["JOBS_IN_APP"]:
        return f"{target}; the app sends it, and runs assessments, itself."
    return f"{target} by `supplychain worker` (SUPPLYCHAIN_JOBS_IN_APP is off): start one."
