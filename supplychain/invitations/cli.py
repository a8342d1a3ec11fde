"""`supplychain worker`: the background work (mail, reminders, assessments, imports, reports),
in the foreground, until stopped."""

from __future__ import annotations

import sys
import threading

import click
from flask import Flask
from flask.cli import ScriptInfo

from .. import db
from .worker import Counts, run_forever, run_once


def register(cli_group: click.Group) -> None:
    """Add the worker command to the `supplychain` group."""
    cli_group.add_command(worker)


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
    imports and reports; SIGTERM stops it cleanly. Not needed beside an app with JOBS_IN_APP on."""
    app = _load_app()
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


def _load_app() -> Flask:
    # Built here, outside any app context: each tick pushes and pops its own, so no session
    # or flask.g outlives a tick.
    return click.get_current_context().ensure_object(ScriptInfo).load_app()


def summary(counts: Counts) -> str:
    """One line saying what a tick did."""
    return ", ".join(f"{name} {number}" for name, number in counts.items())


def _echo_if_busy(counts: Counts) -> None:
    if any(counts.values()):
        click.echo(summary(counts))
