"""What the table modules share: enum and timestamp columns, the naming convention (the enums
themselves live in supplychain.vocab)."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel

from ..vocab import (  # noqa: F401  (the tables' enums, importable from models as before)
    FlagStatus,
    LinkSource,
    LinkStatus,
    OutboxStatus,
    Relation,
    ResponseStatus,
    Role,
    RunStatus,
    Severity,
    SupplierKind,
    TokenPurpose,
)


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def enum_column(kind: type[enum.Enum]) -> sa.Enum:
    # Stored as plain strings with a CHECK: readable in SQL, portable across SQLite and PostgreSQL.
    return sa.Enum(
        kind,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        name=f"{kind.__name__.lower()}_check",
    )


def timestamp(*, nullable: bool, **kw: Any) -> Any:
    default = {"default_factory": utcnow} if not nullable else {"default": None}
    return Field(sa_column=Column(sa.DateTime(timezone=True), nullable=nullable, **kw), **default)


# Stable constraint names, so that Alembic migrations can refer to them on every database.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
