"""Tenants and people: organisations, users, their emailed tokens, the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from ..vocab import Role, TokenPurpose
from .base import OrganisationRow, enum_column, timestamp


class Organisation(SQLModel, table=True):
    """The business doing due diligence: the tenant that owns all other data."""

    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    name: str = Field(max_length=200)
    # Where the organisation itself works: its direct suppliers from elsewhere work across a border.
    country: str = Field(default="", max_length=2, sa_column_kwargs={"server_default": ""})
    # Thresholds the organisation set for risk rules: {rule id: {threshold: value}}.
    risk_thresholds: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )
    # Invite a disclosed subcontractor or agency as soon as an officer confirms it.
    auto_invite_disclosed: bool = Field(
        default=False, sa_column_kwargs={"server_default": sa.false()}
    )
    created_at: datetime = timestamp(nullable=False)
    # When an admin's address was first confirmed. Until then it mails no one but its own
    # people, and for a while after (NEW_ORG_DAYS) its mail to others has a daily limit.
    confirmed_at: datetime | None = timestamp(nullable=True)


class User(OrganisationRow, table=True):
    """A person who signs in; belongs to exactly one organisation."""

    __tablename__ = "app_user"

    email: str = Field(max_length=254, sa_column_kwargs={"unique": True})
    name: str = Field(default="", max_length=200)
    password_hash: str | None = Field(default=None, max_length=255)
    role: Role = Field(sa_column=Column(enum_column(Role), nullable=False))
    is_active: bool = Field(default=True)
    # Rotated on sign-out, password change and switch-off: sessions naming the old value end.
    session_token: str = Field(max_length=64)
    locale: str | None = Field(default=None, max_length=8)
    created_at: datetime = timestamp(nullable=False)
    # None until the person proved the address is theirs (an emailed link, or an operator
    # made the account); a self-made account cannot sign in before.
    email_confirmed_at: datetime | None = timestamp(nullable=True)
    last_login_at: datetime | None = timestamp(nullable=True)

    # Flask-Login's user protocol (is_active is the column above).
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """Identify the user and the session generation: a new session token ends old sessions."""
        return f"{self.id}:{self.session_token}"


class UserToken(SQLModel, table=True):
    """A single-use emailed token (password reset, colleague invitation); only its hash is kept."""

    __tablename__ = "user_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    purpose: TokenPurpose = Field(sa_column=Column(enum_column(TokenPurpose), nullable=False))
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    created_at: datetime = timestamp(nullable=False)
    expires_at: datetime = timestamp(nullable=False)
    used_at: datetime | None = timestamp(nullable=True)


class AuditEvent(SQLModel, table=True):
    """Who did what to which object, and when: the due-diligence paper trail."""

    __tablename__ = "audit_event"
    # By organisation and time: the trail's pages, and risk.freshness.
    __table_args__ = (
        sa.Index("ix_audit_event_organisation_id_created_at", "organisation_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    action: str = Field(max_length=64)
    object_type: str = Field(max_length=32)
    object_id: int | None = None
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = timestamp(nullable=False, index=True)
