"""The parts of the chain's pages that features above the chain fill: a supplier's page shows
the questionnaires sent to it (invitations), its screening checklist and its risk; the map shows
each supplier's questionnaire state. The chain imports none of them (the layers contract in
pyproject.toml): the app factory adds each feature's panel functions, under the names the pages'
templates use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

SUPPLIER = "supplier"  # the panel is called with (session, supplier)
MAP = "map"  # called with (session, organisation_id)

Panel = Callable[..., Any]


def add(app: Flask, page: str, name: str, fill: Panel) -> None:
    """Make fill the panel `name` of the chain page `page` (SUPPLIER or MAP) in app."""
    app.extensions.setdefault("chain_panels", {}).setdefault(page, {})[name] = fill


def panels(page: str, *args: Any) -> dict[str, Any]:
    """What the page's panels show: each name with what its function gives for args."""
    found: dict[str, Panel] = current_app.extensions.get("chain_panels", {}).get(page, {})
    return {name: fill(*args) for name, fill in found.items()}
