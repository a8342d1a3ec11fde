"""What the table modules share: the id and organisation columns, the composite foreign key
that keeps a reference inside one organisation, enum and timestamp columns, the naming
convention (the enums themselves live in supplychain.vocab)."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel


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


def same_organisation(column: str, table: str) -> sa.ForeignKeyConstraint:
    """The composite foreign key from (organisation_id, column) to table's (organisation_id, id):
    a row can only name a row of its own organisation, whatever the code above the database
    does, and goes when that row goes."""
    return sa.ForeignKeyConstraint(
        ["organisation_id", column], [f"{table}.organisation_id", f"{table}.id"], ondelete="CASCADE"
    )


class OrganisationRow(SQLModel):
    """The first columns of most tables: the row's id and its organisation's (indexed), whose
    deletion takes the row along.

    Plain fields, so that every table class gets columns of its own: a Field(sa_column=...)
    here would be one Column object shared by all the tables, which SQLAlchemy refuses.
    """

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")


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
