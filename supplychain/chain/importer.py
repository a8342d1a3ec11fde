"""Importing a whole chain from a file: validate every row, show the difference, apply it at once.

The file describes the whole chain, one row per link. Importing it makes the database match:
suppliers and links are added, changed or removed. Any bad row rejects the whole file, with
every problem listed by row and column, and nothing is written.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from .. import audit, storage
from ..gcpause import gc_paused
from ..models import Link, LinkSource, LinkStatus, Supplier, utcnow
from ..numbers import NumberError, parse_decimal, parse_integer
from ..tenancy import in_org
from ..validation import InvalidInput
from . import services
from .tabular import COLUMNS, Table, undefuse

SUPPLIER_FIELDS = ("name", "country", "sector", "registration_no", "email", "kind", "employees")
LINK_FIELDS = ("relation", "workers", "contract_value_eur", "labour_hours")
TEXT_COLUMNS = ("name", "registration_no", "email")
LinkKey = tuple[str | None, str]  # (parent code or None for the organisation, child code)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


class ImportRejected(Exception):  # noqa: N818 (reads as what happened to the file)
    """The file has problems; errors lists every one of them."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


@dataclass
class ChainPlan:
    """The chain a valid file describes, in normal form."""

    suppliers: dict[str, dict[str, Any]] = field(default_factory=dict)
    links: dict[LinkKey, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportDiff:
    """What applying a plan adds, changes and removes."""

    added_suppliers: list[str]
    changed_suppliers: list[tuple[str, list[str]]]  # code, changed field names
    removed_suppliers: list[str]
    added_links: list[LinkKey]
    changed_links: list[tuple[LinkKey, list[str]]]
    removed_links: list[LinkKey]

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.added_suppliers,
                self.changed_suppliers,
                self.removed_suppliers,
                self.added_links,
                self.changed_links,
                self.removed_links,
            )
        )

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in self.__dataclass_fields__}


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


def _note(errors: list[RowError], row: int, column: str, message: object) -> None:
    errors.append(RowError(row, column, str(message)))


def _check_header(header: tuple[str, ...]) -> list[RowError]:
    errors = []
    for name in header:
        if name not in COLUMNS:
            errors.append(RowError(1, name or "?", str(_l("Unknown column: remove it."))))
    for name in COLUMNS:
        if name not in header:
            errors.append(RowError(1, name, str(_l("Missing column."))))
    seen = set()
    for name in header:
        if name in seen:
            errors.append(RowError(1, name, str(_l("The column appears twice."))))
        seen.add(name)
    return errors


def parse_chain(table: Table) -> ChainPlan:
    """Validate every row of table and return the chain it describes, or raise ImportRejected."""
    with gc_paused():
        return _parse_chain(table)


def _parse_chain(table: Table) -> ChainPlan:
    errors = _check_header(table.header)
    if errors:
        raise ImportRejected(errors)
    plan = ChainPlan()
    first_row: dict[str, int] = {}
    link_rows: dict[LinkKey, int] = {}
    codes_seen: set[str] = set()  # valid or not: a bad row should not cascade into others
    for number, raw in table.rows:
        values = dict(raw)
        for column in TEXT_COLUMNS:  # only free text can carry a defused formula
            values[column] = undefuse(values[column])
        note = functools.partial(_note, errors, number)
        code = values["code"]
        codes_seen.add(code)
        if _has_nul(values, note):
            continue
        supplier = _clean_supplier_row(values, note)
        if supplier is not None and code:
            known = plan.suppliers.get(code)
            if known is None:
                plan.suppliers[code], first_row[code] = supplier, number
            else:
                for name in SUPPLIER_FIELDS:
                    if known[name] != supplier[name]:
                        note(
                            name,
                            _l(
                                "Differs from row %(row)d for the same code %(code)s.",
                                row=first_row[code],
                                code=code,
                            ),
                        )
        parent = values["parent_code"] or None
        terms = _clean_link_row(values, note)
        key = (parent, code)
        if parent is not None and parent == code:
            note("parent_code", _l("A supplier cannot be its own subcontractor."))
        elif key in link_rows:
            note("code", _l("The same link is already on row %(row)d.", row=link_rows[key]))
        elif terms is not None and code:
            plan.links[key], link_rows[key] = terms, number
    for (parent, _code), number in link_rows.items():
        if parent is not None and parent not in codes_seen:
            errors.append(
                RowError(
                    number,
                    "parent_code",
                    str(_l("%(code)s is not a code in this file.", code=parent)),
                )
            )
    if not table.rows:
        errors.append(RowError(2, "code", str(_l("The file has no rows."))))
    if errors:
        raise ImportRejected(
            sorted(
                errors,
                key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else 99),
            )
        )
    return plan


def _has_nul(values: dict[str, str], note: Any) -> bool:
    """Note every cell holding a NUL character, which PostgreSQL cannot store in text."""
    found = [column for column, value in values.items() if "\x00" in value]
    for column in found:
        note(column, _l("Remove the NUL character from this cell."))
    return bool(found)


def _clean_supplier_row(values: dict[str, str], note: Any) -> dict[str, Any] | None:
    try:
        employees = _number("employees", values["employees"])
    except NumberError as exc:
        note("employees", exc.message)
        return None
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
        return services.clean_supplier(data)
    except InvalidInput as exc:
        for column, message in exc.errors.items():
            note(column, message)
        return None


def _clean_link_row(values: dict[str, str], note: Any) -> dict[str, Any] | None:
    parsed: dict[str, Any] = {}
    ok = True
    for column in LINK_FIELDS[1:]:
        try:
            parsed[column] = _number(column, values[column])
        except NumberError as exc:
            note(column, exc.message)
            ok = False
    if not values["relation"]:
        note("relation", _l("Choose subcontract, labour hire or supply."))
        return None
    try:
        terms = services.clean_link_terms(
            services.LinkData(parent_id=None, child_id=0, relation=values["relation"], **parsed)
        )
    except InvalidInput as exc:
        for column, message in exc.errors.items():
            note(column, message)
        return None
    return {k: terms[k] for k in LINK_FIELDS} if ok else None


def _current(session: Session, organisation_id: int) -> tuple[dict[str, Any], dict[LinkKey, Any]]:
    suppliers = {s.code: s for s in session.exec(in_org(Supplier, organisation_id))}
    codes = {s.id: code for code, s in suppliers.items()}
    links = {
        (codes.get(link.parent_id) if link.parent_id else None, codes[link.child_id]): link
        for link in session.exec(in_org(Link, organisation_id))
    }
    return suppliers, links


def _changed(current: Any, wanted: dict[str, Any], names: tuple[str, ...]) -> list[str]:
    return [n for n in names if _comparable(getattr(current, n)) != _comparable(wanted[n])]


def _comparable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value.normalize()
    return value.value if hasattr(value, "value") else value


def diff(session: Session, organisation_id: int, plan: ChainPlan) -> ImportDiff:
    """Compare the plan with what the organisation has now."""
    suppliers, links = _current(session, organisation_id)
    return ImportDiff(
        added_suppliers=sorted(c for c in plan.suppliers if c not in suppliers),
        changed_suppliers=sorted(
            (c, fields)
            for c, wanted in plan.suppliers.items()
            if c in suppliers and (fields := _changed(suppliers[c], wanted, SUPPLIER_FIELDS))
        ),
        removed_suppliers=sorted(c for c in suppliers if c not in plan.suppliers),
        added_links=sorted((k for k in plan.links if k not in links), key=_link_order),
        changed_links=sorted(
            (
                (k, fields)
                for k, wanted in plan.links.items()
                if k in links and (fields := _changed(links[k], wanted, LINK_FIELDS))
            ),
            key=lambda item: _link_order(item[0]),
        ),
        removed_links=sorted((k for k in links if k not in plan.links), key=_link_order),
    )


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
) -> ImportDiff:
    """Make the organisation's chain match the plan, in bulk statements, in the caller's
    transaction; a risk assessment is queued with it."""
    from ..risk.services import queue_run

    with gc_paused():
        changes = _apply(
            session, organisation_id, plan, filename=filename, content=content, actor_id=actor_id
        )
    queue_run(session=session, organisation_id=organisation_id, trigger="import", user_id=actor_id)
    return changes


def _apply(
    session: Session,
    organisation_id: int,
    plan: ChainPlan,
    *,
    filename: str,
    content: bytes,
    actor_id: int | None,
) -> ImportDiff:
    changes = diff(session, organisation_id, plan)
    suppliers, links = _current(session, organisation_id)
    now = utcnow()
    connection = session.connection()
    org = organisation_id
    if changes.removed_links:
        ids = [links[k].id for k in changes.removed_links]
        for chunk in _chunks(ids):
            connection.execute(sa.delete(Link.__table__).where(Link.__table__.c.id.in_(chunk)))
    if changes.removed_suppliers:
        ids = [suppliers[c].id for c in changes.removed_suppliers]
        for chunk in _chunks(ids):
            storage.delete_suppliers_documents(session, org, chunk)
            table = Supplier.__table__
            connection.execute(
                sa.delete(Link.__table__).where(
                    sa.or_(
                        Link.__table__.c.parent_id.in_(chunk), Link.__table__.c.child_id.in_(chunk)
                    )
                )
            )
            connection.execute(sa.delete(table).where(table.c.id.in_(chunk)))
    if changes.added_suppliers:
        _insert_many(
            connection,
            Supplier.__table__,
            [
                {
                    **_supplier_row(plan.suppliers[c]),
                    "code": c,
                    "organisation_id": org,
                    "created_at": now,
                    "updated_at": now,
                }
                for c in changes.added_suppliers
            ],
        )
    _update_many(
        connection,
        Supplier.__table__,
        [
            {"_id": suppliers[c].id, **_supplier_row(plan.suppliers[c]), "updated_at": now}
            for c, _fields in changes.changed_suppliers
        ],
    )
    ids = dict(
        connection.execute(
            sa.select(Supplier.__table__.c.code, Supplier.__table__.c.id).where(
                Supplier.__table__.c.organisation_id == org
            )
        ).all()
    )
    if changes.added_links:
        _insert_many(
            connection,
            Link.__table__,
            [
                {
                    **_link_row(plan.links[k]),
                    "organisation_id": org,
                    "parent_id": ids[k[0]] if k[0] else None,
                    "child_id": ids[k[1]],
                    "source": LinkSource.IMPORTED.value,
                    "status": LinkStatus.CONFIRMED.value,
                    "start_date": None,
                    "end_date": None,
                    "created_at": now,
                }
                for k in changes.added_links
            ],
        )
    _update_many(
        connection,
        Link.__table__,
        [{"_id": links[k].id, **_link_row(plan.links[k])} for k, _f in changes.changed_links],
    )
    session.expire_all()
    audit.record(
        session,
        organisation_id=org,
        user_id=actor_id,
        action="chain.imported",
        object_type="chain",
        filename=filename[:200],
        sha256=hashlib.sha256(content).hexdigest(),
        **changes.counts(),
    )
    session.flush()
    return changes


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
