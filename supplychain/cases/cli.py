"""The cases' command: deleting closed cases after the retention period (`supplychain cases
purge`). The worker does it once a day by itself (see cases.jobs); the command does it at once,
or with a shorter period."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from .. import db
from ..models import utcnow
from . import services


def register(cli_group: click.Group) -> None:
    """Add the cases' commands to the `supplychain` group."""
    cli_group.add_command(cases_group)


@click.group("cases", cls=AppGroup)
def cases_group() -> None:
    """Workers' reports handled as cases."""


@cases_group.command("purge")
@click.option(
    "--months",
    type=click.IntRange(1, 1200),
    default=None,
    help="Closed longer than this; default VOICE_RETENTION_MONTHS (24).",
)
def purge(months: int | None) -> None:
    """Delete the cases closed longer ago than the retention period, with their messages
    (an audit entry says each one was)."""
    months = months or int(current_app.config["VOICE_RETENTION_MONTHS"])
    session = db.get_session()
    gone = services.purge_closed(session, utcnow(), months)
    session.commit()
    click.echo(f"{gone} closed case(s) older than {months} months deleted.")
