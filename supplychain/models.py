"""Database tables. Table models hold columns and relations only; rules live in services."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel


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


class TokenPurpose(enum.StrEnum):
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a purpose label, not a password)
    USER_INVITATION = "user_invitation"


def _enum(kind: type[enum.Enum]) -> sa.Enum:
    # Stored as plain strings with a CHECK: readable in SQL, portable across SQLite and PostgreSQL.
    return sa.Enum(
        kind,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        name=f"{kind.__name__.lower()}_check",
    )


def _timestamp(*, nullable: bool, **kw: Any) -> Any:
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


class Organisation(SQLModel, table=True):
    """The business doing due diligence: the tenant that owns all other data."""

    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    name: str = Field(max_length=200)
    created_at: datetime = _timestamp(nullable=False)


class User(SQLModel, table=True):
    """A person who signs in; belongs to exactly one organisation."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    email: str = Field(max_length=254, sa_column_kwargs={"unique": True})
    name: str = Field(default="", max_length=200)
    password_hash: str | None = Field(default=None, max_length=255)
    role: Role = Field(sa_column=Column(_enum(Role), nullable=False))
    is_active: bool = Field(default=True)
    # Rotated on password change: sessions signed with the old value stop working.
    session_token: str = Field(max_length=64)
    locale: str | None = Field(default=None, max_length=8)
    created_at: datetime = _timestamp(nullable=False)
    last_login_at: datetime | None = _timestamp(nullable=True)

    # Flask-Login's user protocol (is_active is the column above).
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """Identify the user and the session generation: a password change ends old sessions."""
        return f"{self.id}:{self.session_token}"


class UserToken(SQLModel, table=True):
    """A single-use emailed token (password reset, colleague invitation); only its hash is kept."""

    __tablename__ = "user_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    purpose: TokenPurpose = Field(sa_column=Column(_enum(TokenPurpose), nullable=False))
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    created_at: datetime = _timestamp(nullable=False)
    expires_at: datetime = _timestamp(nullable=False)
    used_at: datetime | None = _timestamp(nullable=True)


class Supplier(SQLModel, table=True):
    """A company or agency somewhere in an organisation's chain."""

    __tablename__ = "supplier"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "code"),
        # Target of the links' composite foreign keys: a link can only join suppliers
        # of its own organisation, whatever the code above the database does.
        sa.UniqueConstraint("organisation_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    code: str = Field(max_length=32)
    name: str = Field(max_length=200)
    registration_no: str = Field(default="", max_length=32)
    country: str = Field(max_length=2)  # ISO 3166-1 alpha-2
    sector: str = Field(default="", max_length=8)  # NACE Rev. 2 code, e.g. F41.2
    email: str = Field(default="", max_length=254)
    kind: SupplierKind = Field(
        sa_column=Column(_enum(SupplierKind), nullable=False, default=SupplierKind.COMPANY)
    )
    employees: int | None = Field(default=None, ge=0)
    created_at: datetime = _timestamp(nullable=False)
    updated_at: datetime = _timestamp(nullable=False, onupdate=utcnow)


class Link(SQLModel, table=True):
    """A contractual relation: the parent buys work, labour or goods from the child.

    A link without a parent is a direct supplier of the organisation (tier 1).
    """

    __tablename__ = "link"
    __table_args__ = (
        sa.CheckConstraint("parent_id IS NULL OR parent_id <> child_id", name="no_self_link"),
        sa.ForeignKeyConstraint(
            ["organisation_id", "parent_id"],
            ["supplier.organisation_id", "supplier.id"],
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id", "child_id"],
            ["supplier.organisation_id", "supplier.id"],
            ondelete="CASCADE",
        ),
        sa.Index(
            "uq_link_edge",
            "organisation_id",
            "parent_id",
            "child_id",
            unique=True,
            sqlite_where=sa.text("parent_id IS NOT NULL"),
            postgresql_where=sa.text("parent_id IS NOT NULL"),
        ),
        sa.Index(
            "uq_link_root_edge",
            "organisation_id",
            "child_id",
            unique=True,
            sqlite_where=sa.text("parent_id IS NULL"),
            postgresql_where=sa.text("parent_id IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    parent_id: int | None = Field(default=None, index=True)
    child_id: int = Field(index=True)
    relation: Relation = Field(sa_column=Column(_enum(Relation), nullable=False))
    workers: int | None = Field(default=None, ge=0)
    contract_value_eur: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    labour_hours: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=1)
    start_date: date | None = None
    end_date: date | None = None
    source: LinkSource = Field(
        sa_column=Column(_enum(LinkSource), nullable=False, default=LinkSource.ENTERED)
    )
    status: LinkStatus = Field(
        sa_column=Column(_enum(LinkStatus), nullable=False, default=LinkStatus.CONFIRMED)
    )
    created_at: datetime = _timestamp(nullable=False)


class AuditEvent(SQLModel, table=True):
    """Who did what to which object, and when: the due-diligence paper trail."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    action: str = Field(max_length=64)
    object_type: str = Field(max_length=32)
    object_id: int | None = None
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _timestamp(nullable=False, index=True)


class ChainImport(SQLModel, table=True):
    """An uploaded chain file waiting for the officer to confirm its preview, then the record of
    applying it."""

    __tablename__ = "chain_import"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    filename: str = Field(max_length=255)
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=Column(sa.LargeBinary, nullable=False))
    created_at: datetime = _timestamp(nullable=False)
    applied_at: datetime | None = _timestamp(nullable=True)


class Response(SQLModel, table=True):
    """One set of answers to one version of a questionnaire, by a supplier or, with no supplier,
    by the organisation itself (its own risk assessment)."""

    __tablename__ = "response"
    __table_args__ = (
        sa.ForeignKeyConstraint(
            ["organisation_id", "supplier_id"],
            ["supplier.organisation_id", "supplier.id"],
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("organisation_id", "id"),  # target of the answers' composite key
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    supplier_id: int | None = Field(default=None, index=True)
    # The definition answered: a later version of the file never reinterprets these answers.
    questionnaire_id: str = Field(max_length=64)
    questionnaire_version: int = Field(ge=1)
    language: str = Field(max_length=8)
    status: ResponseStatus = Field(
        sa_column=Column(_enum(ResponseStatus), nullable=False, default=ResponseStatus.IN_PROGRESS)
    )
    respondent_name: str = Field(default="", max_length=200)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = _timestamp(nullable=False)
    updated_at: datetime = _timestamp(nullable=False, onupdate=utcnow)
    submitted_at: datetime | None = _timestamp(nullable=True)


class Answer(SQLModel, table=True):
    """The answer to one question of a response, as JSON (a table answer is a list of rows)."""

    __tablename__ = "answer"
    __table_args__ = (
        sa.UniqueConstraint("response_id", "question_id"),
        sa.ForeignKeyConstraint(
            ["organisation_id", "response_id"],
            ["response.organisation_id", "response.id"],
            ondelete="CASCADE",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    response_id: int = Field(index=True)
    question_id: str = Field(max_length=64)
    value: Any = Field(sa_column=Column(JSON, nullable=False))
    updated_at: datetime = _timestamp(nullable=False)
