"""The `supplychain` command: a Flask CLI group wired from the features' own commands.

Each feature registers its commands (accounts.cli, chain.cli, risk.cli, reports.cli,
cases.cli), and
ops.cli the operating ones (db upgrade, serve, demo, worker, check, backup, restore), and
questionnaires.cli those of the questionnaire files (check, ilo-map, archive).
"""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from . import create_app


@click.group(cls=FlaskGroup, create_app=lambda: create_app(), add_version_option=False)
def cli() -> None:
    """supplychain: due diligence against labour exploitation in subcontracting chains."""


def _register_feature_commands() -> None:
    from .accounts import cli as accounts
    from .cases import cli as cases
    from .chain import cli as chain
    from .ops import cli as ops
    from .questionnaires import cli as questionnaires
    from .reports import cli as reports
    from .risk import cli as risk

    for feature in (accounts, chain, questionnaires, risk, reports, cases, ops):
        feature.register(cli)


_register_feature_commands()
