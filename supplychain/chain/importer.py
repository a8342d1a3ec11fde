"""Importing a whole chain from a file: validate every row, show the difference, apply it at once.

The file describes the chain, one row per link. Importing it adds the suppliers and links it
names, restores archived ones it names again and updates the rest; what the chain holds and the
file does not stays, unless the import is asked to prune: then what came from an earlier chain
file and is missing from this one is taken out, the suppliers holding evidence archived, never
deleted (see chain.retire). Any bad row rejects the whole file, with every problem listed by
row and column (the first ERROR_LIMIT of them, in the file's order, and how many there are
in all), and nothing is written.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from .. import audit, events
from ..gcpause import gc_paused
from ..models import Link, LinkSource, LinkStatus, Supplier, utcnow
from ..numbers import NumberError, parse_decimal, parse_integer
from ..sites import services as sites
from ..tenancy import in_org
from ..validation import InvalidInput, typed
from . import retire, services
from .tabular import COLUMNS, EXTRA_COLUMNS, OPTIONAL_COLUMNS, Table, undefuse

SUPPLIER_FIELDS = ("name", "country", "sector", "registration_no", "email", "kind", "employees")
LINK_FIELDS = ("relation", "workers", "contract_value_eur", "labour_hours", "work_country")
LINK_NUMBERS = ("workers", "contract_value_eur", "labour_hours")
TEXT_COLUMNS = ("name", "registration_no", "email")
LinkKey = tuple[str | None, str]  # (parent code or None for the organisation, child code)
# Problems kept to show: a file of 200,000 bad rows is refused with its first problems and
# the number of all, not a million messages held in memory.
ERROR_LIMIT = 1000


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str
    typed: str = ""  # the cell as typed (shortened, see validation.typed); "" if empty

    def key(self) -> tuple[int, int]:
        """Its place in the file: by row, then by column in the file format's order."""
        return self.row, COLUMNS.index(self.column) if self.column in COLUMNS else len(COLUMNS)


class ImportRejected(Exception):  # noqa: N818 (reads as what happened to the file)
    """The file has problems: errors are the first ERROR_LIMIT of them in the file's order,
    total how many there are in all. placements are the sites the file's rows name (see
    ChainPlan), for the caller to check in the same pass."""

    def __init__(
        self,
        errors: list[RowError],
        total: int | None = None,
        placements: Mapping[tuple[str, str], int] | None = None,
    ):
        kept = sorted(errors, key=RowError.key)[:ERROR_LIMIT]
        self.total = max(total or 0, len(errors))
        super().__init__(f"{self.total} problem(s)")
        self.errors = kept
        self.placements = dict(placements or {})

    def adding(self, more: list[RowError]) -> ImportRejected:
        """These problems and more, e.g. the unknown sites the rows name."""
        return ImportRejected(self.errors + more, self.total + len(more), self.placements)


class _Problems:
    """The problems of a file as they are found: the first ERROR_LIMIT in the file's order,
    and how many in all."""

    def __init__(self, limit: int = ERROR_LIMIT):
        self.limit, self.total = limit, 0
        self._heap: list[tuple[tuple[int, int], int, RowError]] = []  # negated keys: max first

    def append(self, error: RowError) -> None:
        self.total += 1
        row, column = error.key()
        item = ((-row, -column), -self.total, error)
        if len(self._heap) < self.limit:
            heapq.heappush(self._heap, item)
        elif item > self._heap[0]:
            heapq.heapreplace(self._heap, item)

    def __bool__(self) -> bool:
        return self.total > 0

    def rejected(self, placements: Mapping[tuple[str, str], int]) -> ImportRejected:
        kept = [e for _k, _n, e in sorted(self._heap, reverse=True)]  # as found, by row
        return ImportRejected(kept, self.total, placements)


@dataclass
class ChainPlan:
    """The chain a valid file describes, in normal form."""

    suppliers: dict[str, dict[str, Any]] = field(default_factory=dict)
    links: dict[LinkKey, dict[str, Any]] = field(default_factory=dict)
    # (supplier code, the site's name or code as written) -> the first row that says so
    placements: dict[tuple[str, str], int] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportDiff:
    """What applying a plan adds, restores, changes and takes out, and what it leaves alone.

    An import adds and updates; it takes nothing out unless asked to (prune). Suppliers and
    links of the chain that are not in the file are "missing": they stay. Of those, the ones
    that came from an earlier chain file are "prunable": a prune takes them out, archiving
    the suppliers that hold evidence (see chain.retire) and deleting the rest.
    """

    added_suppliers: list[str]
    restored_suppliers: list[str]  # archived, in the file again: brought back with their links
    changed_suppliers: list[tuple[str, list[str]]]  # code, changed field names
    removed_suppliers: list[str]  # taken out by this import: the prunable ones, if pruning
    added_links: list[LinkKey]
    restored_links: list[LinkKey]
    changed_links: list[tuple[LinkKey, list[str]]]
    removed_links: list[LinkKey]
    kept_suppliers: list[str] = field(default_factory=list)  # not in the file; they stay
    kept_links: list[LinkKey] = field(default_factory=list)
    prunable_suppliers: list[str] = field(default_factory=list)
    prunable_links: list[LinkKey] = field(default_factory=list)
    # What each prunable supplier that holds evidence holds (see retire.evidence_of): a
    # prune archives those, and deletes the other prunable ones.
    evidence: dict[str, dict[str, int]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # of the prunable suppliers
    prune: bool = False
    # Fingerprint of what a prune would take out, and how: the officer confirms a preview,
    # and the apply refuses to prune anything else (see PruneChanged).
    prune_digest: str = ""
    placed: list[tuple[str, str]] = field(default_factory=list)  # (code, site name): new ones

    CHANGES = (
        "added_suppliers",
        "restored_suppliers",
        "changed_suppliers",
        "removed_suppliers",
        "added_links",
        "restored_links",
        "changed_links",
        "removed_links",
        "placed",
    )
    LISTS = (*CHANGES, "kept_suppliers", "kept_links", "prunable_suppliers", "prunable_links")

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in self.CHANGES)

    @property
    def archived_suppliers(self) -> list[str]:
        """The suppliers this import takes out that are archived, not deleted."""
        return [code for code in self.removed_suppliers if code in self.evidence]

    def counts(self) -> dict[str, int]:
        counts = {name: len(getattr(self, name)) for name in self.LISTS}
        archived = len(self.archived_suppliers)
        counts["archived_suppliers"] = archived
        counts["deleted_suppliers"] = len(self.removed_suppliers) - archived
        counts["prunable_archived"] = sum(1 for c in self.prunable_suppliers if c in self.evidence)
        return counts


class PruneChanged(Exception):  # noqa: N818 (reads as what happened since the preview)
    """What a prune would take out is no longer what the officer confirmed; nothing was
    written. changes is the difference as it stands now."""

    def __init__(self, changes: ImportDiff):
        super().__init__("what the prune would take out changed since the preview")
        self.changes = changes


# Bounds a cell is read within (the services check the ranges): the database's columns hold
# these; a longer number is refused before it is converted (see numbers).
NUMBER_COLUMNS: dict[str, dict[str, int]] = {
    "employees": {"digits": 9, "places": 0},
    "workers": {"digits": 9, "places": 0},
    "contract_value_eur": {"digits": 12, "places": 2},
    "labour_hours": {"digits": 11, "places": 1},
}


def _number(column: str, text: str) -> int | Decimal | None:
    """The cell's number within the column's bounds, or None if empty; raises NumberError."""
    if text == "":
        return None
    bounds = NUMBER_COLUMNS[column]
    if bounds["places"] == 0:
        return parse_integer(text, digits=bounds["digits"])
    return parse_decimal(text, **bounds)


def _note(
    errors: _Problems,
    values: Mapping[str, str],
    spoilt: set[str],
    row: int,
    column: str,
    message: object,
) -> None:
    if column not in spoilt:  # a cell with a NUL has that problem only
        errors.append(RowError(row, column, str(message), typed(values.get(column, ""))))


def _check_header(header: tuple[str, ...], errors: _Problems) -> bool:
    """Note the header's problems; whether the rows can be read (no column is missing)."""
    for name in header:
        if name not in COLUMNS and name not in EXTRA_COLUMNS:
            errors.append(RowError(1, name or "?", str(_l("Unknown column: remove it."))))
    missing = [n for n in COLUMNS if n not in header and n not in OPTIONAL_COLUMNS]
    for name in missing:
        errors.append(RowError(1, name, str(_l("Missing column."))))
    seen = set()
    for name in header:
        if name in seen:
            errors.append(RowError(1, name, str(_l("The column appears twice."))))
        seen.add(name)
    return not missing


def parse_chain(table: Table) -> ChainPlan:
    """Validate every row of table and return the chain it describes, or raise ImportRejected."""
    with gc_paused():
        return _parse_chain(table)


def _parse_chain(table: Table) -> ChainPlan:
    # One pass finds every problem: a bad header (unless a column is missing, which leaves
    # the rows unreadable) and every row's, each row checked whole.
    errors = _Problems()
    if not _check_header(table.header, errors):
        raise errors.rejected({})
    parsing = _Parsing(errors)
    for number, raw in table.rows:
        parsing.row(number, raw)
    parsing.finish(bool(table.rows))
    if errors:
        raise errors.rejected(parsing.plan.placements)
    return parsing.plan


@dataclass
class _Parsing:
    """The chain a file describes, row by row, with the problems found on the way."""

    errors: _Problems
    plan: ChainPlan = field(default_factory=ChainPlan)
    first_row: dict[str, int] = field(default_factory=dict)
    link_rows: dict[LinkKey, int] = field(default_factory=dict)
    codes_seen: set[str] = field(default_factory=set)  # valid or not: no cascade from a bad row

    def row(self, number: int, raw: Mapping[str, str]) -> None:
        values = dict(raw)
        for column in (*OPTIONAL_COLUMNS, *EXTRA_COLUMNS):
            values.setdefault(column, "")
        for column in TEXT_COLUMNS:  # only free text can carry a defused formula
            values[column] = undefuse(values[column])
        spoilt = _drop_nul(values, self.errors, number)
        note = functools.partial(_note, self.errors, values, spoilt, number)
        code = values["code"]
        self.codes_seen.add(code)
        supplier = _clean_supplier_row(values, note)
        if supplier is not None and code:
            self._supplier(number, code, supplier, note)
        if values.get("site") and code:
            self.plan.placements.setdefault((code, values["site"]), number)
        self._link(number, values["parent_code"] or None, code, values, note)

    def _supplier(self, number: int, code: str, supplier: dict[str, Any], note: Any) -> None:
        known = self.plan.suppliers.get(code)
        if known is None:
            self.plan.suppliers[code], self.first_row[code] = supplier, number
            return
        for name in SUPPLIER_FIELDS:
            if known[name] != supplier[name]:
                note(
                    name,
                    _l(
                        "Differs from row %(row)d for the same code %(code)s.",
                        row=self.first_row[code],
                        code=code,
                    ),
                )

    def _link(
        self, number: int, parent: str | None, code: str, values: dict[str, str], note: Any
    ) -> None:
        terms = _clean_link_row(values, note)
        key = (parent, code)
        if parent is not None and parent == code:
            note("parent_code", _l("A supplier cannot be its own subcontractor."))
        elif key in self.link_rows:
            note("code", _l("The same link is already on row %(row)d.", row=self.link_rows[key]))
        elif terms is not None and code:
            self.plan.links[key], self.link_rows[key] = terms, number

    def finish(self, any_rows: bool) -> None:
        """Parents named but never given a row of their own, and an empty file."""
        for (parent, _code), number in self.link_rows.items():
            if parent is not None and parent not in self.codes_seen:
                text = str(_l("%(code)s is not a code in this file.", code=parent))
                self.errors.append(RowError(number, "parent_code", text, typed(parent)))
        if not any_rows:
            self.errors.append(RowError(2, "code", str(_l("The file has no rows."))))


def _drop_nul(values: dict[str, str], errors: _Problems, row: int) -> set[str]:
    """Note every cell holding a NUL character, which PostgreSQL cannot store in text, and
    read the row on without it (its other cells' problems are shown in the same pass)."""
    spoilt = {column for column, value in values.items() if "\x00" in value}
    for column in sorted(spoilt):
        message = str(_l("Remove the NUL character from this cell."))
        errors.append(RowError(row, column, message, typed(values[column])))
        values[column] = values[column].replace("\x00", "")
    return spoilt


def _clean_supplier_row(values: dict[str, str], note: Any) -> dict[str, Any] | None:
    ok = True
    try:
        employees = _number("employees", values["employees"])
    except NumberError as exc:
        note("employees", exc.message)
        employees, ok = None, False
    data = services.SupplierData(
        code=values["code"],
        name=values["name"],
        country=values["country"],
        registration_no=values["registration_no"],
        sector=values["sector"],
        email=values["email"],
        kind=values["kind"] or "company",
        employees=employees,
    )
    try:
        supplier = services.clean_supplier(data)
    except InvalidInput as exc:
        for column, message in exc.errors.items():
            note(column, message)
        return None
    return supplier if ok else None


def _clean_link_row(values: dict[str, str], note: Any) -> dict[str, Any] | None:
    parsed: dict[str, Any] = {}
    ok = True
    for column in LINK_NUMBERS:
        try:
            parsed[column] = _number(column, values[column])
        except NumberError as exc:
            parsed[column], ok = None, False
            note(column, exc.message)
    try:
        terms = services.clean_link_terms(
            services.LinkData(
                parent_id=None,
                child_id=0,
                relation=values["relation"],
                work_country=values.get("work_country", ""),
                **parsed,
            )
        )
    except InvalidInput as exc:
        for column, message in exc.errors.items():
            note(column, message)
        return None
    return {k: terms[k] for k in LINK_FIELDS} if ok else None


def _current(session: Session, organisation_id: int) -> tuple[dict[str, Any], dict[LinkKey, Any]]:
    """Every supplier by code and every link by key, archived ones too, as plain rows."""
    supplier_columns = ("id", "code", "source", "archived_at", *SUPPLIER_FIELDS)
    suppliers = {
        row.code: row for row in _rows(session, Supplier, organisation_id, supplier_columns)
    }
    codes = {row.id: code for code, row in suppliers.items()}
    link_columns = ("id", "parent_id", "child_id", "source", "archived_at", *LINK_FIELDS)
    links = {
        (codes.get(row.parent_id) if row.parent_id else None, codes[row.child_id]): row
        for row in _rows(session, Link, organisation_id, link_columns)
    }
    return suppliers, links


def _rows(session: Session, model: Any, organisation_id: int, columns: tuple[str, ...]) -> Any:
    """The organisation's rows of model (archived ones too), with only the named columns."""
    query = in_org(model, organisation_id)
    return session.execute(query.with_only_columns(*(getattr(model, c) for c in columns)))


def _changed(current: Any, wanted: dict[str, Any], names: tuple[str, ...]) -> list[str]:
    # Equal as they are is equal (an enum equals its value, 1.0 equals 1): only what differs
    # is compared again in normal form, which costs more than the whole diff otherwise.
    return [
        n
        for n in names
        if (have := getattr(current, n)) != (want := wanted[n])
        and _comparable(have) != _comparable(want)
    ]


def _comparable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value.normalize()
    return value.value if hasattr(value, "value") else value


@dataclass(frozen=True)
class _Comparison:
    """The difference, with the rows it was computed from (the apply writes by id)."""

    changes: ImportDiff
    suppliers: dict[str, Any]
    links: dict[LinkKey, Any]
    placements: list[tuple[str, int, str]]  # (supplier code, site id, site name) to add


def diff(
    session: Session, organisation_id: int, plan: ChainPlan, *, prune: bool = False
) -> ImportDiff:
    """Compare the plan with what the organisation has now. Nothing is taken out unless
    prune: then what came from an earlier chain file and is missing from this one is."""
    return _compare(session, organisation_id, plan, prune=prune).changes


def _compare(
    session: Session, organisation_id: int, plan: ChainPlan, *, prune: bool
) -> _Comparison:
    suppliers, links = _current(session, organisation_id)
    live = {code for code, row in suppliers.items() if row.archived_at is None}
    restored, restored_links = _restorable(plan, suppliers, links, live)
    existing = {k: row for k, row in links.items() if row.archived_at is None}
    existing.update((k, links[k]) for k in restored_links)
    missing = sorted(c for c in live if c not in plan.suppliers)
    missing_links = sorted((k for k in existing if k not in plan.links), key=_link_order)
    prunable, prunable_links = _prunable(suppliers, existing, missing, missing_links)
    held = retire.evidence_of(session, organisation_id, [suppliers[c].id for c in prunable])
    evidence = {c: held[suppliers[c].id] for c in prunable if suppliers[c].id in held}
    removed, removed_links = (prunable, prunable_links) if prune else ([], [])
    placements = _new_placements(session, organisation_id, plan, suppliers)
    gone, gone_links = set(removed), set(removed_links)
    changes = ImportDiff(
        added_suppliers=sorted(c for c in plan.suppliers if c not in suppliers),
        restored_suppliers=restored,
        changed_suppliers=sorted(
            (c, fields)
            for c, wanted in plan.suppliers.items()
            if c in suppliers and (fields := _changed(suppliers[c], wanted, SUPPLIER_FIELDS))
        ),
        removed_suppliers=removed,
        added_links=sorted((k for k in plan.links if k not in links), key=_link_order),
        restored_links=restored_links,
        changed_links=sorted(
            (
                (k, fields)
                for k, wanted in plan.links.items()
                if k in links and (fields := _changed(links[k], wanted, LINK_FIELDS))
            ),
            key=lambda item: _link_order(item[0]),
        ),
        removed_links=removed_links,
        kept_suppliers=[c for c in missing if c not in gone],
        kept_links=[k for k in missing_links if k not in gone_links],
        prunable_suppliers=prunable,
        prunable_links=prunable_links,
        evidence=evidence,
        names={c: suppliers[c].name for c in prunable},
        prune=prune,
        prune_digest=_digest(
            [(suppliers[c].id, c in evidence) for c in prunable],
            [existing[k].id for k in prunable_links],
        ),
        placed=[(code, name) for code, _site_id, name in placements],
    )
    return _Comparison(changes, suppliers, links, placements)


def _new_placements(
    session: Session, organisation_id: int, plan: ChainPlan, suppliers: dict[str, Any]
) -> list[tuple[str, int, str]]:
    """The placements the file adds, as (supplier code, site id, site name); raises
    ImportRejected naming each row whose site is not one of the organisation's live sites."""
    if not plan.placements:
        return []
    errors, placed = _placements(session, organisation_id, plan.placements)
    if errors:
        raise ImportRejected(errors)
    have = sites.placed_pairs(session, organisation_id)
    return sorted(
        (code, site_id, name)
        for code, site_id, name in placed
        if code not in suppliers or (site_id, suppliers[code].id) not in have
    )


def site_problems(
    session: Session, organisation_id: int, placements: Mapping[tuple[str, str], int]
) -> list[RowError]:
    """The rows naming a site that is not one of the organisation's live sites (checked
    with the rows' other problems, in the same pass)."""
    return _placements(session, organisation_id, placements)[0] if placements else []


def _placements(
    session: Session, organisation_id: int, placements: Mapping[tuple[str, str], int]
) -> tuple[list[RowError], set[tuple[str, int, str]]]:
    """The rows whose site is unknown, and the (code, site id, site name) of the others."""
    lookup = sites.site_lookup(session, organisation_id)
    names = sites.site_names(session, organisation_id)
    errors, found = [], set()
    for (code, written), row in sorted(placements.items(), key=lambda item: item[1]):
        key = written.upper() if written.upper() in lookup else written.strip().casefold()
        site_id = lookup.get(key)
        if site_id is None:
            message = str(_site_unknown(key in lookup, written))
            errors.append(RowError(row, "site", message, typed(written)))
        else:
            found.add((code, site_id, names[site_id]))
    return errors, found


def _site_unknown(shared: bool, written: str) -> Any:
    if shared:
        return _l("Several of your sites have the name %(site)s: write its code.", site=written)
    return _l("None of your sites has the name or code %(site)s.", site=written[:200])


def _ends(key: LinkKey) -> tuple[str, ...]:
    """The codes of the suppliers a link joins (one for a direct supplier's)."""
    return (key[1],) if key[0] is None else key  # type: ignore[return-value]


def _restorable(
    plan: ChainPlan, suppliers: dict[str, Any], links: dict[LinkKey, Any], live: set[str]
) -> tuple[list[str], list[LinkKey]]:
    """The archived suppliers whose code is in the file again, and the archived links that come
    back: those in the file, and a restored supplier's links to live suppliers (as
    retire.restore does)."""
    restored = sorted(c for c in plan.suppliers if c in suppliers and c not in live)
    live_after, restoring = live.union(restored), set(restored)
    restored_links = sorted(
        (
            key
            for key, row in links.items()
            if row.archived_at is not None
            and all(code in live_after for code in _ends(key))
            and (key in plan.links or any(code in restoring for code in _ends(key)))
        ),
        key=_link_order,
    )
    return restored, restored_links


def _prunable(
    suppliers: dict[str, Any],
    existing: dict[LinkKey, Any],
    missing: list[str],
    missing_links: list[LinkKey],
) -> tuple[list[str], list[LinkKey]]:
    """What a prune may take out: suppliers that came from an earlier file (never those entered
    by hand or named by another supplier's disclosure) and imported links, or links of such a
    supplier."""
    named = {k[1] for k, row in existing.items() if row.source == LinkSource.DISCLOSED}
    prunable = [c for c in missing if suppliers[c].source == LinkSource.IMPORTED and c not in named]
    taken = set(prunable)
    prunable_links = [
        k
        for k in missing_links
        if existing[k].source == LinkSource.IMPORTED or any(c in taken for c in _ends(k))
    ]
    return prunable, prunable_links


def _digest(suppliers: list[tuple[int, bool]], link_ids: list[int]) -> str:
    """A fingerprint of what a prune takes out: which suppliers (and whether each is archived
    or deleted), which links."""
    text = json.dumps([sorted(suppliers), sorted(link_ids)], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _link_order(key: LinkKey) -> tuple[str, str]:
    return (key[0] or "", key[1])


def apply(
    session: Session,
    organisation_id: int,
    plan: ChainPlan,
    *,
    filename: str,
    content: bytes,
    actor_id: int | None = None,
    prune: bool = False,
    confirmed: str | None = None,
) -> ImportDiff:
    """Make the organisation's chain hold the plan, in bulk statements, in the caller's
    transaction; it sends events.supplier_data_changed (risk queues an assessment on it).

    Suppliers and links are added, restored (archived ones whose code is in the file again)
    and updated; nothing is taken out unless prune. With confirmed (the prune_digest of a
    preview) the prune must take out exactly what that preview showed, or PruneChanged is
    raised before anything is written.
    """
    with gc_paused():
        changes = _apply(
            session,
            organisation_id,
            plan,
            filename=filename,
            content=content,
            actor_id=actor_id,
            prune=prune,
            confirmed=confirmed,
        )
    touched = _touched(session, organisation_id, changes)
    if touched is None:  # it may touch anything: assessed whole
        events.data_changed(session, organisation_id, "import", user_id=actor_id)
    else:
        below, ends = touched
        events.touched(session, organisation_id, "import-end", ends)
        events.data_changed(session, organisation_id, "import", user_id=actor_id, suppliers=below)
    return changes


MARK_AT_MOST = 2000  # a larger diff is assessed whole (risk.incremental.MOST_MARKED)


def _touched(
    session: Session, organisation_id: int, changes: ImportDiff
) -> tuple[set[int], set[int]] | None:
    """What an import's diff touched, as chain.services marks a change by hand: the suppliers
    added or changed and the children of the links added, changed or deleted (each with all
    below it), and the parents of those links and the buyers of the changed suppliers; None
    where it restored, took out or placed suppliers, or touched more than MARK_AT_MOST."""
    if changes.restored_suppliers or changes.removed_suppliers or changes.restored_links:
        return None
    if changes.placed:
        return None
    links = [*changes.added_links, *(k for k, _ in changes.changed_links), *changes.removed_links]
    codes = {*changes.added_suppliers, *(code for code, _ in changes.changed_suppliers)}
    if len(codes) + len(links) > MARK_AT_MOST:
        return None
    named = codes | {c for _, c in links} | {p for p, _ in links if p is not None}
    table = Supplier.__table__  # type: ignore[attr-defined]
    query = sa.select(table.c.code, table.c.id).where(
        table.c.organisation_id == organisation_id, table.c.code.in_(sorted(named))
    )
    ids: dict[str, int] = {code: sid for code, sid in session.connection().execute(query)}
    below = {ids[code] for code in codes} | {ids[c] for _, c in links}
    ends = {ids[p] for p, _ in links if p is not None}
    changed = [ids[code] for code, _ in changes.changed_suppliers]
    return below, ends | services.buyers_of(session, organisation_id, changed)


def _apply(
    session: Session,
    organisation_id: int,
    plan: ChainPlan,
    *,
    filename: str,
    content: bytes,
    actor_id: int | None,
    prune: bool,
    confirmed: str | None,
) -> ImportDiff:
    found = _compare(session, organisation_id, plan, prune=prune)
    changes = found.changes
    if prune and confirmed is not None and confirmed != changes.prune_digest:
        raise PruneChanged(changes)
    now = utcnow()
    _bring_back(session, organisation_id, found, actor_id, now)
    _take_out(session, organisation_id, found, actor_id)
    _write_suppliers(session, organisation_id, plan, found, now)
    _write_links(session, organisation_id, plan, found, now)
    _write_placements(session, organisation_id, found, actor_id)
    session.expire_all()
    audit.record(
        session,
        organisation_id=organisation_id,
        user_id=actor_id,
        action="chain.imported",
        object_type="chain",
        filename=filename[:200],
        sha256=hashlib.sha256(content).hexdigest(),
        prune=prune,
        **changes.counts(),
    )
    session.flush()
    return changes


def _bring_back(
    session: Session, org: int, found: _Comparison, actor_id: int | None, now: datetime
) -> None:
    """Restore the archived suppliers whose code is in the file again, and their links."""
    changes, links = found.changes, found.links
    _restore(session, org, [found.suppliers[c] for c in changes.restored_suppliers], actor_id, now)
    link_table = Link.__table__  # type: ignore[attr-defined]
    for chunk in _chunks([links[k].id for k in changes.restored_links]):
        session.connection().execute(
            sa.update(link_table).where(link_table.c.id.in_(chunk)).values(archived_at=None)
        )


def _take_out(session: Session, org: int, found: _Comparison, actor_id: int | None) -> None:
    """A prune: links missing from the file go, and suppliers are retired (archived where they
    hold evidence) with their links."""
    changes, links = found.changes, found.links
    if not (changes.removed_suppliers or changes.removed_links):
        return
    going = set(changes.removed_suppliers)
    alone = [  # the links that go with a supplier are retired with it
        links[k].id
        for k in changes.removed_links
        if k[1] not in going and (k[0] is None or k[0] not in going)
    ]
    link_table = Link.__table__  # type: ignore[attr-defined]
    for chunk in _chunks(alone):
        session.connection().execute(sa.delete(link_table).where(link_table.c.id.in_(chunk)))
    retire.retire(
        session,
        org,
        [found.suppliers[c].id for c in changes.removed_suppliers],
        actor_id=actor_id,
        reason="pruned",
    )


def _write_suppliers(
    session: Session, org: int, plan: ChainPlan, found: _Comparison, now: datetime
) -> None:
    """Insert the new suppliers and update the changed ones, in bulk."""
    connection, table = session.connection(), Supplier.__table__  # type: ignore[attr-defined]
    changes = found.changes
    if changes.added_suppliers:
        new = {"organisation_id": org, "source": LinkSource.IMPORTED.value}
        rows = [
            {**_supplier_row(plan.suppliers[c]), "code": c, **new}
            | {"created_at": now, "updated_at": now}
            for c in changes.added_suppliers
        ]
        _insert_many(connection, table, rows)
    _update_many(
        connection,
        table,
        [
            {"_id": found.suppliers[c].id, **_supplier_row(plan.suppliers[c]), "updated_at": now}
            for c, _fields in changes.changed_suppliers
        ],
    )


def _write_links(
    session: Session, org: int, plan: ChainPlan, found: _Comparison, now: datetime
) -> None:
    """Insert the new links (between suppliers that now all exist) and update the changed."""
    connection, changes = session.connection(), found.changes
    supplier_table, link_table = Supplier.__table__, Link.__table__  # type: ignore[attr-defined]
    if changes.added_links:
        ids = dict(
            connection.execute(
                sa.select(supplier_table.c.code, supplier_table.c.id).where(
                    supplier_table.c.organisation_id == org
                )
            ).all()
        )
        new = {
            "organisation_id": org,
            "source": LinkSource.IMPORTED.value,
            "status": LinkStatus.CONFIRMED.value,
            "start_date": None,
            "end_date": None,
            "created_at": now,
        }
        rows = [
            {**_link_row(plan.links[k]), **new}
            | {"parent_id": ids[k[0]] if k[0] else None, "child_id": ids[k[1]]}
            for k in changes.added_links
        ]
        _insert_many(connection, link_table, rows)
    _update_many(
        connection,
        link_table,
        [{"_id": found.links[k].id, **_link_row(plan.links[k])} for k, _f in changes.changed_links],
    )


def _write_placements(session: Session, org: int, found: _Comparison, actor_id: int | None) -> None:
    """Place the suppliers (which now all exist) on the sites the file names for them."""
    if not found.placements:
        return
    table = Supplier.__table__  # type: ignore[attr-defined]
    ids = dict(
        session.connection()
        .execute(sa.select(table.c.code, table.c.id).where(table.c.organisation_id == org))
        .all()
    )
    pairs = [(site_id, ids[code]) for code, site_id, _name in found.placements]
    sites.place_many(session, org, pairs, actor_id)


def _restore(
    session: Session, organisation_id: int, rows: list[Any], actor_id: int | None, now: datetime
) -> None:
    """Bring archived suppliers back in bulk (their links are restored by the caller)."""
    table = Supplier.__table__  # type: ignore[attr-defined]
    for chunk in _chunks([row.id for row in rows]):
        session.execute(
            sa.update(table)
            .where(table.c.organisation_id == organisation_id, table.c.id.in_(chunk))
            .values(archived_at=None, updated_at=now)
        )
    for row in rows:
        audit.record(
            session,
            organisation_id=organisation_id,
            user_id=actor_id,
            action="supplier.restored",
            object_type="supplier",
            object_id=row.id,
            code=row.code,
            reason="imported",
        )


def _insert_many(connection: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """INSERT rows with the driver's executemany directly.

    SQLAlchemy's per-row parameter processing costs more than the insert itself at 100k rows;
    the values here are already clean, so only what the driver cannot take is converted.
    """
    if not rows:
        return
    names = list(rows[0])
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    columns = ", ".join(f'"{n}"' for n in names)
    assert set(names) <= set(table.c.keys())  # names come from our own code, never from input
    marks = ", ".join([mark] * len(names))
    sql = f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})'  # noqa: S608
    convert: dict[int, Any] = {}
    if connection.dialect.name == "sqlite":  # what SQLAlchemy's SQLite types would send
        for index, name in enumerate(names):
            kind = table.c[name].type
            if isinstance(kind, sa.DateTime):
                convert[index] = _sqlite_timestamp
            elif isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Integer | sa.Float):
                convert[index] = _sqlite_decimal
    values = [tuple(row[n] for n in names) for row in rows]
    if convert:
        values = [
            tuple(convert[i](v) if i in convert else v for i, v in enumerate(row)) for row in values
        ]
    connection.exec_driver_sql(sql, values)


def _update_many(connection: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """UPDATE each row (keyed by "_id") in one executemany."""
    if rows:
        connection.execute(sa.update(table).where(table.c.id == sa.bindparam("_id")), rows)


@functools.lru_cache(maxsize=64)
def _sqlite_timestamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def _sqlite_decimal(number: Decimal | None) -> str | None:
    return None if number is None else str(number)


def _supplier_row(values: dict[str, Any]) -> dict[str, Any]:
    row = {k: values[k] for k in SUPPLIER_FIELDS}
    row["kind"] = row["kind"].value
    return row


def _link_row(values: dict[str, Any]) -> dict[str, Any]:
    row = {k: values[k] for k in LINK_FIELDS}
    row["relation"] = row["relation"].value
    return row


def _chunks(ids: list[int], size: int = 5000) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]
