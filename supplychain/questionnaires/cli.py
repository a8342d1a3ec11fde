"""`supplychain questionnaires ...`: check the files, print the ILO map, archive a version."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


def register(cli_group: click.Group) -> None:
    """Add the questionnaire files' commands to the `supplychain` group."""
    cli_group.add_command(questionnaires_group)


@click.group("questionnaires")
def questionnaires_group() -> None:
    """Questionnaire files."""


@questionnaires_group.command("ilo-map")
@with_appcontext
def questionnaires_ilo_map() -> None:
    """Print the ILO map of docs/questionnaires.md from the current supplier questionnaires."""
    from .catalogue import get_catalogue
    from .ilomap import MAPPED, table

    current = get_catalogue().current
    click.echo(table(current[qid] for qid in MAPPED), nl=False)


@questionnaires_group.command("check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def questionnaires_check(files: tuple[str, ...]) -> None:
    """Validate questionnaire files (default: every file in QUESTIONNAIRES_DIR)."""
    from .loader import QuestionnaireError, load_all, questionnaire_files

    paths = [Path(f) for f in files] or questionnaire_files(
        Path(current_app.config["QUESTIONNAIRES_DIR"])
    )
    try:
        catalogue = load_all(paths)
    except QuestionnaireError as exc:
        _fail(exc, f"in {len(paths)} file(s).")
    for (qid, version), q in sorted(catalogue.versions.items()):
        count = sum(1 for _q in q.asked())
        click.echo(f"ok: {qid} version {version} ({count} questions, {', '.join(q.languages)})")


@questionnaires_group.command("archive")
@click.argument("questionnaire_id")
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False),
    help="The current file as it was before your edit, kept outside the questionnaires "
    "folder (for example `git show HEAD:questionnaires/ID.yaml > /tmp/old.yaml`).",
)
@click.option("--dry-run", is_flag=True, help="Only show what would be written and removed.")
@with_appcontext
def questionnaires_archive(questionnaire_id: str, previous: str | None, dry_run: bool) -> None:
    """Keep every older version of QUESTIONNAIRE_ID as a patch against the version after it.

    Full copies in the folder become patches in archive/; each patch is checked to rebuild
    its version exactly before it is written."""
    from .archiving import plan_archive
    from .loader import QuestionnaireError

    directory = Path(current_app.config["QUESTIONNAIRES_DIR"])
    try:
        plan = plan_archive(directory, questionnaire_id, Path(previous) if previous else None)
    except QuestionnaireError as exc:
        _fail(exc, "nothing was written.")
    for path in plan.write:
        click.echo(f"write: {path}")
    for path in plan.delete:
        click.echo(f"remove: {path} (its patch rebuilds it)")
    if not dry_run:
        plan.carry_out()


def _fail(exc: Exception, tail: str) -> None:
    problems = getattr(exc, "problems", [])
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    click.echo(f"{len(problems)} problem(s) {tail}", err=True)
    sys.exit(1)
