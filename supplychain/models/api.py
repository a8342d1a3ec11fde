"""API tokens: an organisation's keys to the JSON API, kept only as their SHA-256."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import JSON, Column, Field

from .base import OrganisationRow, timestamp


class ApiToken(OrganisationRow, table=True):
    """A revocable bearer token of one organisation with its scopes (`read`, `write`).

    The secret is shown once when made; a copy of the database cannot call the API.
    """

    __tablename__ = "api_token"

    name: str = Field(max_length=100)
    scopes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    # The secret's last characters, so that an admin can tell which token a script holds.
    hint: str = Field(max_length=8)
    created_by: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = timestamp(nullable=False)
    last_used_at: datetime | None = timestamp(nullable=True)
    revoked_at: datetime | None = timestamp(nullable=True)
