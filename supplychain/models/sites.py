"""Sites: the worksites or projects where suppliers' workers are, and which supplier is where.

A site's code is the short public address of its workers' pages (/w/<code>, printed on its
poster): random, so that one site's address does not lead to another's.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import OrganisationRow, same_organisation, timestamp


class Site(OrganisationRow, table=True):
    """A worksite or project of the organisation. Archived, never deleted while workers may
    still hold its poster."""

    __tablename__ = "site"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "id"),)

    name: str = Field(max_length=200)
    address: str = Field(default="", max_length=300)
    country: str = Field(default="LV", max_length=2)
    starts_on: date | None = None
    ends_on: date | None = None
    code: str = Field(max_length=16, sa_column_kwargs={"unique": True})
    # The languages of its poster and pages, comma-separated (e.g. "lv,ru,uk,en").
    languages: str = Field(default="lv,ru,uk,en", max_length=100)
    archived: bool = False
    created_at: datetime = timestamp(nullable=False)


class SiteSupplier(SQLModel, table=True):
    """A supplier whose workers are on a site."""

    __tablename__ = "site_supplier"
    __table_args__ = (
        same_organisation("site_id", "site"),
        same_organisation("supplier_id", "supplier"),
        sa.Index("ix_site_supplier_supplier", "organisation_id", "supplier_id"),
    )

    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE")
    site_id: int = Field(primary_key=True)
    supplier_id: int = Field(primary_key=True)
    created_at: datetime = timestamp(nullable=False)
