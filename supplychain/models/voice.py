"""Worker voice: what workers on a site tell the buyer, anonymously.

Nothing here identifies a worker unless the worker chose to leave a contact: no address, user
agent or cookie is kept, a report is found again only through its tracking code (stored as a
SHA-256 hash, shown once to the worker), and a check-in keeps the day, not the time, it was
given.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from ..vocab import CaseStatus
from .base import OrganisationRow, enum_column, same_organisation, timestamp


class WorkerCase(OrganisationRow, table=True):
    """A worker's report about a site, handled as a case by the organisation's officers."""

    __tablename__ = "worker_case"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "id"),  # target of its messages' composite key
        same_organisation("site_id", "site"),
    )

    site_id: int
    code_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    language: str = Field(max_length=8)
    text: str = Field(max_length=4000)
    # Optional, given by the worker; shown only to the officer who handles the case.
    contact: str = Field(default="", max_length=300)
    status: CaseStatus = Field(sa_column=Column(enum_column(CaseStatus), nullable=False))
    owner_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    acknowledge_by: date  # the day the acknowledgement is due (configurable days after receipt)
    acknowledged_at: datetime | None = timestamp(nullable=True)
    closed_at: datetime | None = timestamp(nullable=True)
    # The ILO indicator ids the officer confirmed, and the suppliers the case concerns.
    indicators: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    supplier_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = timestamp(nullable=False)
    # Written by the officer, redacted: the only words of a case a risk report may print.
    report_excerpt: str = Field(
        default="", max_length=1000, sa_column_kwargs={"server_default": ""}
    )


class CaseMessage(SQLModel, table=True):
    """One message of a case: from the worker (through the tracking code) or to the worker."""

    __tablename__ = "case_message"
    __table_args__ = (same_organisation("case_id", "worker_case"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE")
    case_id: int = Field(index=True)
    from_worker: bool
    text: str = Field(max_length=4000)
    author_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = timestamp(nullable=False)


class CasePhoto(SQLModel, table=True):
    """The photo a worker sent with a report, as kept: re-encoded as a JPEG without any
    metadata (voice.photo), in the upload folder under a random name. It goes only with its
    case (cases.services.purge_closed)."""

    __tablename__ = "case_photo"
    __table_args__ = (same_organisation("case_id", "worker_case"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE")
    case_id: int = Field(sa_column_kwargs={"unique": True})  # one photo a report
    stored_name: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    size: int = Field(ge=0)
    width: int
    height: int
    sha256: str = Field(max_length=64)


class CheckIn(OrganisationRow, table=True):
    """One worker's answers to a site's short check-in. supplier_id is the employer the worker
    named, or None for "I don't know" (itself a signal)."""

    __tablename__ = "check_in"
    __table_args__ = (same_organisation("site_id", "site"),)

    site_id: int
    supplier_id: int | None = Field(default=None)
    language: str = Field(max_length=8)
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    given_on: date
