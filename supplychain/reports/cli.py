"""`supplychain report`: the risk report of the latest assessment as a PDF, made at once."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from .. import db
from ..cliutil import fail, organisation
from ..validation import InvalidInput
from ..vocab import LANGUAGES


def register(cli_group: click.Group) -> None:
    """Add the reports' commands to the `supplychain` group."""
    cli_group.add_command(report)


@click.command("report")
@click.option("--org", "org_slug", required=True, help="The organisation's slug.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True)
@click.option(
    "--kind",
    type=click.Choice(("summary", "full")),
    default="full",
    show_default=True,
    help="summary: the board's view; full: every flagged supplier and the answers.",
)
@click.option("--tier", type=click.IntRange(min=1), help="Only this tier.")
@click.option("--supplier", "supplier_code", help="Only this supplier and what is below it.")
@with_appcontext
def report(
    org_slug: str,
    output: str,
    lang: str,
    kind: str,
    tier: int | None,
    supplier_code: str | None,
) -> None:
    """Make the risk report of the latest assessment as a PDF (archived like one made online)."""
    from ..models import Supplier, utcnow
    from ..questionnaires.catalogue import get_catalogue
    from ..tenancy import in_org
    from . import jobs, services
    from .context import Scope

    org = organisation(org_slug)
    session = db.get_session()
    scope = Scope("tier", tier=tier) if tier else Scope()
    if supplier_code:
        found = session.exec(in_org(Supplier, org.id).where(Supplier.code == supplier_code)).first()
        if found is None:
            fail(InvalidInput({"supplier": f"no supplier with the code {supplier_code!r}"}))
        scope = Scope("supplier", supplier_id=found.id)
    try:
        made = services.queue_report(
            session=session, organisation_id=org.id, scope=scope, lang=lang, kind=kind
        )
    except InvalidInput as exc:
        fail(exc)
    session.commit()
    jobs.claim(session, made, utcnow())
    jobs.generate(
        session=session,
        report=made,
        catalogue=get_catalogue(),
        progress=lambda percent, step: click.echo(f"{percent:3d}% {step}", err=True),
    )
    with open(output, "wb") as handle:
        handle.write(services.archived(made))
    click.echo(f"{output}: {made.pages} pages, sha256 {made.sha256} (report {made.id})")
