"""The parts of the chain's pages that features above the chain fill: a supplier's page shows
the questionnaires sent to it (invitations), its screening checklist and its risk; the map shows
each supplier's questionnaire state. The chain imports none of them (the layers contract in
pyproject.toml): each feature registers its panel with its own blueprint, so an app shows the
panels of the features it has, under the names the pages' templates use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app
from flask.blueprints import BlueprintSetupState

SUPPLIER = "supplier"  # the panel is called with (session, supplier)
MAP = "map"  # called with (session, organisation_id)

Panel = Callable[..., Any]


def panel(bp: Blueprint, page: str, name: str) -> Callable[[Panel], Panel]:
    """Make the decorated function the panel `name` of the chain page `page` (SUPPLIER or MAP)
    in every app that bp is registered on."""

    def register(fill: Panel) -> Panel:
        def add(state: BlueprintSetupState) -> None:
            state.app.extensions.setdefault("chain_panels", {}).setdefault(page, {})[name] = fill

        bp.record_once(add)
        return fill

    return register


def panels(page: str, *args: Any) -> dict[str, Any]:
    """What the page's panels show: each name with what its function gives for args."""
    found: dict[str, Panel] = current_app.extensions.get("chain_panels", {}).get(page, {})
    return {name: fill(*args) for name, fill in found.items()}
