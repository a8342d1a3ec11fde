"""The chain: suppliers, the links between them, and uploaded chain files."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field

from ..vocab import LinkSource, LinkStatus, Relation, RunStatus, SupplierKind
from .base import OrganisationRow, enum_column, same_organisation, timestamp, utcnow


class Supplier(OrganisationRow, table=True):
    """A company or agency somewhere in an organisation's chain."""

    __tablename__ = "supplier"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "code"),
        # Target of the links' composite foreign keys: a link can only join suppliers
        # of its own organisation, whatever the code above the database does.
        sa.UniqueConstraint("organisation_id", "id"),
    )

    code: str = Field(max_length=32)
    name: str = Field(max_length=200)
    registration_no: str = Field(default="", max_length=32)
    country: str = Field(max_length=2)  # ISO 3166-1 alpha-2
    sector: str = Field(default="", max_length=8)  # NACE Rev. 2 code, e.g. F41.2
    email: str = Field(default="", max_length=254)
    kind: SupplierKind = Field(
        sa_column=Column(enum_column(SupplierKind), nullable=False, default=SupplierKind.COMPANY)
    )
    employees: int | None = Field(default=None, ge=0)
    # How it came into the chain: entered by an officer (a form, the API, the demo), from a
    # chain file, or from another supplier's disclosure. An import's --prune only ever touches
    # suppliers that came from a file; a disclosed one is removed again if the officer rejects
    # the only link that brought it in.
    source: LinkSource = Field(
        default=LinkSource.ENTERED,
        sa_column=Column(
            enum_column(LinkSource),
            nullable=False,
            default=LinkSource.ENTERED,
            server_default=LinkSource.ENTERED.value,
        ),
    )
    # Set when the supplier was archived: out of the map, the lists, sendings and new
    # assessments, kept with all its evidence, and restorable (see chain.retire).
    archived_at: datetime | None = timestamp(nullable=True)
    created_at: datetime = timestamp(nullable=False)
    updated_at: datetime = timestamp(nullable=False, onupdate=utcnow)

    @property
    def disclosed(self) -> bool:
        return self.source == LinkSource.DISCLOSED

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


def unique_where(name: str, where: str, *columns: str) -> sa.Index:
    """A unique index on the organisation and columns, over the rows where the condition holds
    (a partial index, written out for SQLite and PostgreSQL alike)."""
    return sa.Index(
        name,
        "organisation_id",
        *columns,
        unique=True,
        sqlite_where=sa.text(where),
        postgresql_where=sa.text(where),
    )


class Link(OrganisationRow, table=True):
    """A contractual relation: the parent buys work, labour or goods from the child.

    A link without a parent is a direct supplier of the organisation (tier 1).
    """

    __tablename__ = "link"
    __table_args__ = (
        sa.CheckConstraint("parent_id IS NULL OR parent_id <> child_id", name="no_self_link"),
        same_organisation("parent_id", "supplier"),
        same_organisation("child_id", "supplier"),
        unique_where("uq_link_edge", "parent_id IS NOT NULL", "parent_id", "child_id"),
        unique_where("uq_link_root_edge", "parent_id IS NULL", "child_id"),
        # The lookup behind every supplier's delete (ON DELETE CASCADE): with the child alone
        # indexed, SQLite chose the organisation's index and scanned all its links per supplier.
        sa.Index("ix_link_org_child", "organisation_id", "child_id"),
    )

    parent_id: int | None = Field(default=None, index=True)
    child_id: int
    relation: Relation = Field(sa_column=Column(enum_column(Relation), nullable=False))
    workers: int | None = Field(default=None, ge=0)
    contract_value_eur: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    labour_hours: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=1)
    start_date: date | None = None
    end_date: date | None = None
    # Where the work is done (ISO 3166-1 alpha-2) when not in the organisation's own country:
    # its legal floors apply to the work (a posted worker is owed the host country's minimum).
    work_country: str = Field(default="", max_length=2, sa_column_kwargs={"server_default": ""})
    source: LinkSource = Field(
        sa_column=Column(enum_column(LinkSource), nullable=False, default=LinkSource.ENTERED)
    )
    status: LinkStatus = Field(
        sa_column=Column(enum_column(LinkStatus), nullable=False, default=LinkStatus.CONFIRMED)
    )
    created_at: datetime = timestamp(nullable=False)
    # Set when either end was archived: the link is kept for a restore, out of the live chain.
    archived_at: datetime | None = timestamp(nullable=True)


class ChainImport(OrganisationRow, table=True):
    """An uploaded chain file and the job that checks it (the preview) and, once the officer
    confirms, applies it: both run outside the web request, with progress.

    stage is what was asked last ("check", then "apply"); status, progress and step follow
    that stage. A runner holds the job until claimed_until and renews it at each step; one
    that died is taken over when it runs out, and attempts counts the claims of the stage in
    hand, so that a file that kills its runner is given up instead of killing the next one.
    """

    __tablename__ = "chain_import"

    # Who asked for the stage in hand: the upload, then the confirmation.
    user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    filename: str = Field(max_length=255)
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=Column(sa.LargeBinary, nullable=False))
    lang: str = Field(default="en", max_length=8)  # of the problems and the preview
    stage: str = Field(default="check", max_length=8)
    # Whether the officer confirmed taking out what came from earlier files and is missing
    # from this one; set only by the confirmation, never by default.
    prune: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    status: RunStatus = Field(
        sa_column=Column(enum_column(RunStatus), nullable=False, default=RunStatus.QUEUED)
    )
    progress: int = Field(default=0, ge=0, le=100)
    step: str = Field(default="", max_length=64)
    error: str = Field(default="", max_length=1000)  # why it stopped, as the officer reads it
    # The preview, or the rows' problems, or what applying did; see chain.jobs.
    outcome: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    attempts: int = Field(default=0, ge=0)
    created_at: datetime = timestamp(nullable=False)
    claimed_until: datetime | None = timestamp(nullable=True)
    finished_at: datetime | None = timestamp(nullable=True)
    applied_at: datetime | None = timestamp(nullable=True)
