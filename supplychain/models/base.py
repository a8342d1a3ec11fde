"""What the table modules share: enums, enum and timestamp columns, the naming convention."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class Role(enum.StrEnum):
    """What a user may do inside their organisation."""

    ADMIN = "admin"  # everything, including users and settings
    OFFICER = "officer"  # maps the chain, sends questionnaires, handles flags
    VIEWER = "viewer"  # reads


class SupplierKind(enum.StrEnum):
    COMPANY = "company"
    AGENCY = "agency"  # temporary-work agency or other labour intermediary


class Relation(enum.StrEnum):
    SUBCONTRACT = "subcontract"
    LABOUR_HIRE = "labour_hire"  # workers supplied by an agency or intermediary
    SUPPLY = "supply"


class LinkSource(enum.StrEnum):
    ENTERED = "entered"
    IMPORTED = "imported"
    DISCLOSED = "disclosed"


class LinkStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    PROPOSED = "proposed"


class Severity(enum.StrEnum):
    """How serious a risk is; the order of the members is the order of seriousness."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class ResponseStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"  # gave up: shown to admins


class RunStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class FlagStatus(enum.StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    MITIGATING = "mitigating"  # a mitigation with an owner and a due date
    DISMISSED = "dismissed"  # a false positive, with the reason


class TokenPurpose(enum.StrEnum):
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a purpose label, not a password)
    USER_INVITATION = "user_invitation"
    EMAIL_CONFIRMATION = "email_confirmation"


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
