"""What the `supplychain` commands share: failing with a clear message, finding the
organisation named by --org, and building the app outside any app context."""

from __future__ import annotations

import sys
from typing import NoReturn

import click
from flask import Flask
from flask.cli import ScriptInfo
from sqlmodel import select

from . import db
from .models import Organisation
from .validation import InvalidInput


def fail(error: InvalidInput) -> NoReturn:
    """Name every field in error on standard error and exit with status 1."""
    for field, message in error.errors.items():
        click.echo(f"error: {field}: {message}", err=True)
    sys.exit(1)


def organisation(slug: str) -> Organisation:
    """The organisation named by --org; exit with status 1 if there is none."""
    org = db.get_session().exec(select(Organisation).where(Organisation.slug == slug)).first()
    if org is None:
        click.echo(f"error: --org: no organisation {slug!r}", err=True)
        sys.exit(1)
    return org


def load_app() -> Flask:
    """The app of the command line. Built outside any app context: a command that serves or
    ticks pushes its own, so no session or flask.g outlives a request or a tick."""
    return click.get_current_context().ensure_object(ScriptInfo).load_app()
