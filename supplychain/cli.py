"""The `supplychain` command: a Flask CLI group wired from the features' own commands.

Each feature registers its commands (accounts.cli, chain.cli, risk.cli, reports.cli), and
ops.cli the operating ones (db upgrade, serve, demo, worker, check, backup, restore). The
questionnaire files' commands are still defined here.
"""

from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup, with_appcontext

from . import create_app


@click.group(cls=FlaskGroup, create_app=lambda: create_app(), add_version_option=False)
def cli() -> None:
    """supplychain: due diligence against labour exploitation in subcontracting chains."""


@cli.group("questionnaires")
def questionnaires_group() -> None:
    """Questionnaire files."""


@questionnaires_group.command("ilo-map")
@with_appcontext
def questionnaires_ilo_map() -> None:
    """Print the ILO map of docs/questionnaires.md from the current supplier questionnaires."""
    from .questionnaires.catalogue import get_catalogue
    from .questionnaires.ilomap import MAPPED, table

    current = get_catalogue().current
    click.echo(table(current[qid] for qid in MAPPED), nl=False)


@questionnaires_group.command("check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def questionnaires_check(files: tuple[str, ...]) -> None:
    """Validate questionnaire files (default: every file in QUESTIONNAIRES_DIR)."""
    from pathlib import Path

    from flask import current_app

    from .questionnaires.loader import QuestionnaireError, load_all, questionnaire_files

    paths = [Path(f) for f in files] or questionnaire_files(
        Path(current_app.config["QUESTIONNAIRES_DIR"])
    )
    try:
        catalogue = load_all(paths)
    except QuestionnaireError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"{len(exc.problems)} problem(s) in {len(paths)} file(s).", err=True)
        sys.exit(1)
    for (qid, version), q in sorted(catalogue.versions.items()):
        count = sum(1 for _q in q.asked())
        click.echo(f"ok: {qid} version {version} ({count} questions, {', '.join(q.languages)})")


def _register_feature_commands() -> None:
    from .accounts import cli as accounts
    from .chain import cli as chain
    from .ops import cli as ops
    from .reports import cli as reports
    from .risk import cli as risk

    for feature in (accounts, chain, risk, reports, ops):
        feature.register(cli)


_register_feature_commands()
