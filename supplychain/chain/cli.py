"""`supplychain import-chain`: a chain file imported at once, all or nothing (the web pages
hand the same work to a background job, see jobs)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from .. import db
from ..cliutil import organisation


def register(cli_group: click.Group) -> None:
    """Add the chain's commands to the `supplychain` group."""
    cli_group.add_command(import_chain)


@click.command("import-chain")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--org", "org_slug", required=True, help="The organisation's slug.")
@click.option("--dry-run", is_flag=True, help="Only show what would change.")
@click.option(
    "--prune",
    is_flag=True,
    help="Also take out the suppliers and links that came from an earlier chain file and are "
    "not in this one: those holding evidence are archived (kept, restorable), the rest "
    "deleted. Without it nothing is taken out.",
)
@with_appcontext
def import_chain(file: str, org_slug: str, dry_run: bool, prune: bool) -> None:
    """Import a chain from a CSV or XLSX file (all or nothing), at once: the web pages hand
    the same work to a background job. It adds, restores and updates suppliers and links;
    what is not in the file stays unless --prune."""
    from . import importer, jobs
    from .tabular import FileFormatError

    session = db.get_session()
    org = organisation(org_slug)
    content = Path(file).read_bytes()
    try:
        plan = jobs.read_plan(file, content, session=session, organisation_id=org.id)
        if dry_run:
            changes = importer.diff(session, org.id, plan, prune=prune)
        else:
            changes = importer.apply(
                session, org.id, plan, filename=Path(file).name, content=content, prune=prune
            )
            session.commit()
    except FileFormatError as exc:
        click.echo(f"error: {file}: {exc}", err=True)
        sys.exit(1)
    except importer.ImportRejected as exc:  # a row's problem, or a site it names unknown
        for problem in exc.errors:
            shown = problem.typed and problem.typed not in problem.message
            said = f' (typed "{problem.typed}")' if shown else ""
            where = f"row {problem.row}, {problem.column}"
            click.echo(f"error: {where}: {problem.message}{said}", err=True)
        if exc.total > len(exc.errors):
            click.echo(f"and {exc.total - len(exc.errors)} more", err=True)
        click.echo(f"{exc.total} problem(s); nothing was imported.", err=True)
        sys.exit(1)
    _print_import(changes, dry_run)


def _print_import(changes: Any, dry_run: bool) -> None:
    """What an import did (or would do), naming every supplier it takes out and what each
    one holds."""
    counts = changes.counts()
    verb = "Would change" if dry_run else "Imported"
    names = changes.CHANGES
    click.echo(f"{verb}: " + ", ".join(f"{n.replace('_', ' ')} {counts[n]}" for n in names))
    if changes.kept_suppliers or changes.kept_links:
        stay = "stay" if dry_run else "stayed"
        click.echo(
            f"Not in the file: {counts['kept_suppliers']} supplier(s) and "
            f"{counts['kept_links']} link(s) of the chain; they {stay}."
        )
    if changes.prune:
        taken = "Would take out" if dry_run else "Took out"
        if changes.removed_suppliers or changes.removed_links:
            click.echo(
                f"{taken} (--prune) {counts['removed_suppliers']} supplier(s) and "
                f"{counts['removed_links']} link(s) that came from an earlier file:"
            )
        _print_taken_out(changes, changes.removed_suppliers, dry_run)
    elif changes.prunable_suppliers or changes.prunable_links:
        click.echo(
            f"--prune would take out {counts['prunable_suppliers']} supplier(s) and "
            f"{counts['prunable_links']} link(s) that came from an earlier file:"
        )
        _print_taken_out(changes, changes.prunable_suppliers, True)


# How the CLI names what a supplier holds (see chain.retire.evidence_of).
EVIDENCE = {
    "responses": "answers",
    "documents": "documents",
    "decisions": "decisions",
    "disclosures": "disclosures",
    "invitations": "questionnaires sent",
}


def _print_taken_out(changes: Any, codes: list[str], future: bool) -> None:
    for code in codes:
        name = changes.names.get(code, "")
        held = changes.evidence.get(code)
        verb = "would be" if future else "was"
        if held:
            what = ", ".join(f"{EVIDENCE[kind]} {held[kind]}" for kind in EVIDENCE if kind in held)
            click.echo(f"  {code} {name}: holds {what}; {verb} archived, not deleted (restorable)")
        else:
            click.echo(f"  {code} {name}: holds no evidence; {verb} deleted")
