"""`supplychain create-org` and `create-user`: organisations (tenants) and their users."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from .. import db
from ..cliutil import fail, organisation
from ..models import Role
from ..validation import InvalidInput


def register(cli_group: click.Group) -> None:
    """Add the accounts' commands to the `supplychain` group."""
    for command in (create_org, create_user):
        cli_group.add_command(command)


@click.command("create-org")
@click.argument("slug")
@click.option("--name", required=True, help="The organisation's name.")
@click.option(
    "--country",
    default="",
    help="Where the organisation works (ISO code, such as LV): the country whose legal floors "
    "apply to work in its chain, unless a link names another.",
)
@with_appcontext
def create_org(slug: str, name: str, country: str) -> None:
    """Create an organisation (a tenant) named SLUG."""
    from .services import create_organisation

    session = db.get_session()
    try:
        org = create_organisation(session=session, slug=slug, name=name, country=country)
    except InvalidInput as exc:
        fail(exc)
    session.commit()
    where = f", {org.country}" if org.country else ""
    click.echo(f"Created organisation {org.slug} ({org.name}{where}).")


@click.command("create-user")
@click.argument("email")
@click.option("--org", "org_slug", required=True, help="The organisation's slug.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.OFFICER.value,
    show_default=True,
)
@click.option("--name", default="", help="The person's name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_user(email: str, org_slug: str, role: str, name: str, password_stdin: bool) -> None:
    """Create a user of an organisation; the password is prompted for unless piped in."""
    from .services import create_user as create

    session = db.get_session()
    org = organisation(org_slug)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create(
            session=session,
            organisation_id=org.id,
            email=email,
            role=Role(role),
            password=password,
            name=name,
        )
    except InvalidInput as exc:
        fail(exc)
    session.commit()
    click.echo(f"Created {user.role.value} {user.email} in {org.slug}.")
