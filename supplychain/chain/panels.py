"""The parts of the chain's pages that features above the chain fill: a supplier's page shows
the questionnaires sent to it (invitations), its screening checklist and its risk; the map shows
each supplier's questionnaire state; the supplier list shows their columns (ListColumn). The
chain imports none of them (the layers contract in pyproject.toml): the app factory adds each
feature's panel functions and columns, under the names the pages' templates and URLs use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from sqlmodel import Session

SUPPLIER = "supplier"  # the panel is called with (session, supplier)
MAP = "map"  # called with (session, organisation_id)
LIST = "list"  # the supplier list's columns: ListColumn objects, not functions

Panel = Callable[..., Any]


def add(app: Flask, page: str, name: str, fill: Panel) -> None:
    """Make fill the panel `name` of the chain page `page` (SUPPLIER or MAP) in app."""
    app.extensions.setdefault("chain_panels", {}).setdefault(page, {})[name] = fill


def panels(page: str, *args: Any) -> dict[str, Any]:
    """What the page's panels show: each name with what its function gives for args."""
    found: dict[str, Panel] = current_app.extensions.get("chain_panels", {}).get(page, {})
    return {name: fill(*args) for name, fill in found.items()}


@dataclass(frozen=True)
class Part:
    """A piece of a list cell: its text, and a CSS class (a badge) or none."""

    text: str
    css: str = ""


# What a column's functions receive: the session, the organisation's id and (cells) the ids of
# the suppliers on the page. Each is one bounded query (or a few), never one per supplier.
Cells = Callable[[Session, int, Sequence[int]], Mapping[int, Sequence[Part]]]
# SELECT (supplier_id, key): at most one row per supplier, the key the list sorts by.
SortRows = Callable[[Session, int], sa.Select]
# SELECT supplier_id of the suppliers that pass the filter at value; None: value means nothing.
Where = Callable[[Session, int, str], sa.Select | None]


@dataclass(frozen=True)
class ListFilter:
    """A filter of the supplier list, in the URL as ?<key>=<value>; choices empty: a number or a
    tick box (`check` true)."""

    key: str
    label: Any  # a lazy string
    where: Where
    choices: Sequence[tuple[str, Any]] = ()
    check: bool = False


@dataclass(frozen=True)
class ListColumn:
    """A column of the supplier list that a feature above the chain fills.

    `missing` is the sort key of a supplier without a row in `sort` (None: such suppliers go
    last either way); `descending` says the column sorts the gravest first on its first click.
    """

    key: str
    label: Any  # a lazy string
    cells: Cells
    sort: SortRows
    filters: Sequence[ListFilter] = field(default_factory=tuple)
    missing: Any = None
    descending: bool = False
    note: Any = ""  # what the column means, said under the list: text, or a function giving it

    def describe(self) -> str:
        return str(self.note() if callable(self.note) else self.note)


def add_column(app: Flask, column: ListColumn) -> None:
    """Add column to the supplier list of app (after those added before it)."""
    app.extensions.setdefault("chain_panels", {}).setdefault(LIST, {})[column.key] = column


def list_columns() -> dict[str, ListColumn]:
    """The supplier list's columns the app's features added, in the order they were added."""
    found: dict[str, ListColumn] = current_app.extensions.get("chain_panels", {}).get(LIST, {})
    return found
