"""The `supplychain` command: database, organisations, users, the server and the demo."""

from __future__ import annotations

import gc
import os
import secrets
import sys
from typing import Any

import click
from flask import Flask
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext

from . import create_app, db
from .models import Flag, Organisation, Role
from .validation import InvalidInput
from .vocab import LANGUAGES


@click.group(cls=FlaskGroup, create_app=lambda: create_app(), add_version_option=False)
def cli() -> None:
    """supplychain: due diligence against labour exploitation in subcontracting chains."""


def _fail(error: InvalidInput) -> None:
    for field, message in error.errors.items():
        click.echo(f"error: {field}: {message}", err=True)
    sys.exit(1)


@cli.group("db")
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


@cli.command("create-org")
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
    from .accounts.services import create_organisation

    session = db.get_session()
    try:
        org = create_organisation(session=session, slug=slug, name=name, country=country)
    except InvalidInput as exc:
        _fail(exc)
    session.commit()
    where = f", {org.country}" if org.country else ""
    click.echo(f"Created organisation {org.slug} ({org.name}{where}).")


@cli.command("create-user")
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
    from .accounts.services import create_user as create

    session = db.get_session()
    org = _organisation(org_slug)
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
        _fail(exc)
    session.commit()
    click.echo(f"Created {user.role.value} {user.email} in {org.slug}.")


@cli.command("import-chain")
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
    from pathlib import Path

    from .chain import import_jobs, importer
    from .chain.tabular import FileFormatError

    session = db.get_session()
    org = _organisation(org_slug)
    content = Path(file).read_bytes()
    try:
        plan = import_jobs.read_plan(file, content)
    except FileFormatError as exc:
        click.echo(f"error: {file}: {exc}", err=True)
        sys.exit(1)
    except importer.ImportRejected as exc:
        for problem in exc.errors:
            click.echo(f"error: row {problem.row}, {problem.column}: {problem.message}", err=True)
        click.echo(f"{len(exc.errors)} problem(s); nothing was imported.", err=True)
        sys.exit(1)
    if dry_run:
        changes = importer.diff(session, org.id, plan, prune=prune)
    else:
        changes = importer.apply(
            session, org.id, plan, filename=Path(file).name, content=content, prune=prune
        )
        session.commit()
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
    "screening": "screening checks",
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


def _organisation(slug: str) -> Organisation:
    from sqlmodel import select

    org = db.get_session().exec(select(Organisation).where(Organisation.slug == slug)).first()
    if org is None:
        click.echo(f"error: --org: no organisation {slug!r}", err=True)
        sys.exit(1)
    return org


def _check_startup() -> None:
    """Refuse to serve on an unmigrated database or with a broken questionnaire file."""
    from .questionnaires.catalogue import get_catalogue
    from .questionnaires.loader import QuestionnaireError

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


def _load_app() -> Flask:
    return click.get_current_context().ensure_object(ScriptInfo).load_app()


@cli.command("serve", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--threads", default=1, show_default=True, type=int, help="Threads per worker.")
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the app with gunicorn (refuses to start on an unmigrated database)."""
    app = _load_app()
    with app.app_context():
        _check_startup()
    _serve(app, host, port, workers, threads)


def _first_assessment(session: Any, slug: str) -> None:
    """Assess the demo chain once, so that its overview shows risks from the start."""
    from .questionnaires.catalogue import get_catalogue
    from .risk import services

    org = _organisation(slug)
    if services.latest_run(session, org.id) is None:
        services.run_now(
            session=session, organisation_id=org.id, catalogue=get_catalogue(), trigger="demo"
        )


@cli.command("demo", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Create the demo data and the login, then stop.")
def demo(host: str, port: int, no_serve: bool) -> None:
    """Create a demo organisation with a Latvian construction chain, print the login, serve it."""
    from .demo import DEMO_EMAIL, load_demo

    app = _load_app()
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


@cli.group("reference")
def reference_group() -> None:
    """Reference figures of the risk rules (legal minimum wages, sector floors)."""


@reference_group.command("check")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False),
    help="A labour cost file (default: SUPPLYCHAIN_REFERENCE_LABOUR_COSTS, else the shipped one).",
)
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Check as of this day.")
@with_appcontext
def reference_check(path: str | None, today: Any) -> None:
    """List every figure with its source, valid-from date and the day it was checked; warn
    about any checked more than a year ago or past its valid-to date (exit status 1). The
    high-risk sectors are listed with their sources: that file keeps no dates."""
    from pathlib import Path

    from .models import utcnow
    from .risk.reference import (
        ReferenceDataError,
        figure_ages,
        high_risk_sectors,
        labour_costs_path,
        load_labour_costs,
    )

    day = today.date() if today else utcnow().date()
    try:
        ages = figure_ages(load_labour_costs(Path(path) if path else labour_costs_path()), day)
    except ReferenceDataError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    for a in ages:
        valid = f"valid {a.valid_from or '-'}" + (f" to {a.valid_to}" if a.valid_to else "")
        click.echo(f"{a.country} {a.what}: {valid}, checked {a.checked}; {a.source}")
    warnings = [a for a in ages if a.warns]
    for a in warnings:
        why = []
        if a.stale:
            why.append(f"checked {a.checked}, more than a year before {day}")
        if a.expired:
            why.append(f"valid only to {a.valid_to}")
        click.echo(f"warning: {a.country} {a.what}: {'; '.join(why)}", err=True)
    for sector in high_risk_sectors():
        sources = "; ".join(sector.sources)
        click.echo(
            f"high-risk sector {sector.nace} ({sector.label('en')}): no dates kept; {sources}"
        )
    click.echo(f"{len(ages)} figure(s), {len(warnings)} warning(s) as of {day}.")
    if warnings:
        sys.exit(1)


@cli.command("assess")
@click.option("--org", "org_slug", required=True, help="The organisation's slug.")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv", "text"]), default="text", show_default=True
)
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True)
@with_appcontext
def assess(org_slug: str, fmt: str, lang: str) -> None:
    """Run a risk assessment of an organisation's chain and print its flags."""
    import csv
    import json

    from flask_babel import force_locale

    from .questionnaires.catalogue import get_catalogue
    from .risk import services
    from .risk.present import describe
    from .risk.snapshot import run_suppliers

    org = _organisation(org_slug)
    catalogue = get_catalogue()
    session = db.get_session()
    run = services.run_now(
        session=session, organisation_id=org.id, catalogue=catalogue, trigger="cli"
    )
    stored = session.exec(services.flags_of(session, run).order_by(Flag.id)).all()
    suppliers = run_suppliers(session, run)
    with force_locale(lang):
        flags = [describe(services.to_finding(f), suppliers, catalogue) for f in stored]
    if fmt == "json":
        keys = ("supplier", "rule", "severity", "message", "evidence")
        rows = [{k: flag[k] for k in keys} | {"indicator": flag["indicator"]} for flag in flags]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        from .chain.tabular import defuse
        from .text import visible

        writer = csv.writer(sys.stdout)
        writer.writerow(["supplier", "rule", "indicator", "severity", "message", "evidence"])
        for flag in flags:
            evidence = json.dumps(flag["evidence"], ensure_ascii=False)
            cells = [flag["supplier"], flag["rule"], flag["indicator"], flag["severity"]]
            writer.writerow([defuse(visible(c or "")) for c in [*cells, flag["message"], evidence]])
    else:
        for flag in flags:
            click.echo(
                f"{flag['severity']:8} {flag['rule']:28} {flag['supplier'] or '-':16} "
                f"{flag['message']}"
            )
        click.echo(f"{len(flags)} flag(s), stored as run {run.id}.")
        unknown = (run.summary or {}).get("no_floor_known") or {}
        if unknown:  # not judged is said, never silent
            where = ", ".join(f"{c} ({n} link{'s' if n != 1 else ''})" for c, n in unknown.items())
            click.echo(f"No legal labour-cost floor known, prices not judged for: {where}.")


@cli.command("report")
@click.option("--org", "org_slug", required=True, help="The organisation's slug.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True)
@click.option("--tier", type=click.IntRange(min=1), help="Only this tier.")
@click.option("--supplier", "supplier_code", help="Only this supplier and what is below it.")
@with_appcontext
def report(
    org_slug: str, output: str, lang: str, tier: int | None, supplier_code: str | None
) -> None:
    """Make the risk report of the latest assessment as a PDF (archived like one made online)."""
    from .models import Supplier, utcnow
    from .questionnaires.catalogue import get_catalogue
    from .reports import services
    from .reports.context import Scope
    from .tenancy import in_org

    org = _organisation(org_slug)
    session = db.get_session()
    scope = Scope("tier", tier=tier) if tier else Scope()
    if supplier_code:
        found = session.exec(in_org(Supplier, org.id).where(Supplier.code == supplier_code)).first()
        if found is None:
            _fail(InvalidInput({"supplier": f"no supplier with the code {supplier_code!r}"}))
        scope = Scope("supplier", supplier_id=found.id)
    try:
        made = services.queue_report(
            session=session, organisation_id=org.id, scope=scope, lang=lang
        )
    except InvalidInput as exc:
        _fail(exc)
    session.commit()
    services.claim(session, made, utcnow())
    services.generate(
        session=session,
        report=made,
        catalogue=get_catalogue(),
        progress=lambda percent, step: click.echo(f"{percent:3d}% {step}", err=True),
    )
    with open(output, "wb") as handle:
        handle.write(services.archived(made))
    click.echo(f"{output}: {made.pages} pages, sha256 {made.sha256} (report {made.id})")


def _register_feature_commands() -> None:
    from . import operations
    from .invitations.cli import register

    register(cli)
    operations.register(cli)


_register_feature_commands()
