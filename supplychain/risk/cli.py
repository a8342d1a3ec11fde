"""`supplychain assess` and `supplychain reference check`: an assessment at once, printed;
the reference figures the rules judge by, with their ages."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypedDict

import click
from flask.cli import AppGroup, with_appcontext

from .. import db
from ..cliutil import organisation
from ..models import Flag, utcnow
from ..vocab import LANGUAGES

if TYPE_CHECKING:
    from datetime import datetime

    from .display import FlagItem


def register(cli_group: click.Group) -> None:
    """Add the risk's commands to the `supplychain` group."""
    for command in (reference_group, assess):
        cli_group.add_command(command)


@click.group("reference", cls=AppGroup)
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
def reference_check(path: str | None, today: datetime | None) -> None:
    """List every figure with its source, valid-from date and the day it was checked; warn
    about any checked more than a year ago or past its valid-to date (exit status 1). The
    high-risk sectors are listed with their sources: that file keeps no dates."""
    from pathlib import Path

    from ..models import utcnow
    from ..reference.risk_factors import (
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


@click.command("assess")
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
    from sqlmodel import col

    from ..questionnaires.catalogue import get_catalogue
    from . import jobs, services
    from .display import flag_rows
    from .snapshot import run_suppliers

    org = organisation(org_slug)
    catalogue = get_catalogue()
    session = db.get_session()
    assert org.id is not None  # a stored organisation
    run = jobs.run_now(session=session, organisation_id=org.id, catalogue=catalogue, trigger="cli")
    stored = session.exec(services.flags_of(session, run).order_by(col(Flag.id))).all()
    suppliers = run_suppliers(session, run)
    with force_locale(lang):  # a new run's flags: the decisions on them do not matter here
        items = flag_rows(
            stored, suppliers=suppliers, decisions={}, catalogue=catalogue, today=utcnow().date()
        )
    flags = [_plain(item) for item in items]
    if fmt == "json":
        rows = [  # the indicator last
            {k: v for k, v in flag.items() if k != "indicator"} | {"indicator": flag["indicator"]}
            for flag in flags
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        from ..chain.tabular import defuse
        from ..text import visible

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


class PrintedFlag(TypedDict):
    """A flag as `assess` prints it (json, csv or text)."""

    supplier: str | None
    rule: str
    indicator: str
    severity: str
    message: str
    evidence: Mapping[str, Any]


def _plain(item: FlagItem) -> PrintedFlag:
    """A flag's display row as the command prints it (the supplier by its code)."""
    return {
        "supplier": item.supplier_code or None,
        "rule": item.rule,
        "indicator": item.indicator,
        "severity": item.severity,
        "message": item.message,
        "evidence": item.details,
    }
