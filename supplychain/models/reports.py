"""Risk reports: PDFs generated in the background and archived with their digest.

A report is written once and never again: the file is kept under a generated name and its
SHA-256 is stored, so a download months later can be checked to be the bytes first handed out.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Column, Field

from ..vocab import RunStatus
from .base import OrganisationRow, enum_column, same_organisation, timestamp


class Report(OrganisationRow, table=True):
    __tablename__ = "report"
    __table_args__ = (same_organisation("run_id", "assessment_run"),)

    run_id: int
    # Scope: the whole chain, one tier, or one supplier and everything below it.
    scope: str = Field(default="chain", max_length=16)
    tier: int | None = None
    supplier_id: int | None = None
    title: str = Field(default="", max_length=300)  # what the scope was, in words, when made
    lang: str = Field(default="en", max_length=8)
    # summary: the board's view (graver flags, the most exposed suppliers, no answers);
    # full: every flagged supplier's section and the answers appendix.
    kind: str = Field(default="full", max_length=16, sa_column_kwargs={"server_default": "full"})
    status: RunStatus = Field(
        sa_column=Column(enum_column(RunStatus), nullable=False, default=RunStatus.QUEUED)
    )
    progress: int = Field(default=0, ge=0, le=100)
    step: str = Field(default="", max_length=64)
    error: str = Field(default="", max_length=1000)
    filename: str = Field(default="", max_length=100)  # generated; never supplier text
    sha256: str = Field(default="", max_length=64)
    size: int = Field(default=0, ge=0)
    pages: int = Field(default=0, ge=0)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = timestamp(nullable=False)
    started_at: datetime | None = timestamp(nullable=True)
    finished_at: datetime | None = timestamp(nullable=True)
    claimed_until: datetime | None = timestamp(nullable=True)
