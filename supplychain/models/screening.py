"""Screening checks: what an officer found about one item of a supplier's screening pack."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel

from .base import enum_column, same_organisation, timestamp


class ScreeningResult(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_APPLICABLE = "not_applicable"


class ScreeningCheck(SQLModel, table=True):
    """One check of one screening item. Never changed or deleted: a newer check of the same
    item supersedes it, and the history stays (it goes only with its supplier, deleted for
    good)."""

    __tablename__ = "screening_check"
    __table_args__ = (
        same_organisation("supplier_id", "supplier"),
        sa.Index("ix_screening_check_supplier", "organisation_id", "supplier_id", "item_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE")
    supplier_id: int
    pack_id: str = Field(max_length=16)
    item_id: str = Field(max_length=64)
    checked_on: date
    checked_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    checked_by_name: str = Field(default="", max_length=254)  # kept if the account goes
    result: ScreeningResult = Field(sa_column=Column(enum_column(ScreeningResult), nullable=False))
    note: str = Field(default="", max_length=2000)
    valid_until: date
    # The document, if one was uploaded: stored outside the web root under a random name.
    filename: str = Field(default="", max_length=255)
    stored_name: str | None = Field(default=None, max_length=64, sa_column_kwargs={"unique": True})
    content_type: str = Field(default="", max_length=100)
    size: int = Field(default=0, ge=0)
    sha256: str = Field(default="", max_length=64)
    created_at: datetime = timestamp(nullable=False)
