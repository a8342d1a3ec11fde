"""Assessments: runs with what they were based on, flags kept across runs, decisions on them.

A flag is stored once for as long as runs keep raising it: from first_run_id to last_run_id,
which stays empty while the latest run raises it. Repeated runs therefore add rows only for new
flags and write nothing for the flags they raise again. The officer's decision is keyed by the
flag's fingerprint, not by the row, so it carries over to the next run that raises the same flag.

What a run read of the chain is kept the same way (RunSupplier, RunLink), so that a past run's
flags are always shown with the names, codes, tiers and paths the run saw. Neither flags nor
these rows point at the supplier table: deleting a supplier leaves past runs whole.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from ..vocab import FlagStatus, RunStatus, Severity
from .base import OrganisationRow, enum_column, timestamp


class AssessmentRun(OrganisationRow, table=True):
    __tablename__ = "assessment_run"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "id"),)

    status: RunStatus = Field(
        sa_column=Column(enum_column(RunStatus), nullable=False, default=RunStatus.QUEUED)
    )
    trigger: str = Field(default="manual", max_length=32)
    progress: int = Field(default=0, ge=0, le=100)
    step: str = Field(default="", max_length=64)
    # What the run was based on, so that a report can always say so.
    rules_version: str = Field(default="", max_length=16)
    thresholds: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    questionnaires: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    chain_hash: str = Field(default="", max_length=64)
    summary: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str = Field(default="", max_length=1000)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = timestamp(nullable=False)
    started_at: datetime | None = timestamp(nullable=True)
    finished_at: datetime | None = timestamp(nullable=True)
    claimed_until: datetime | None = timestamp(nullable=True)
    # The run kept what it read of the chain (RunSupplier, RunLink); runs made before that
    # was kept are shown with the suppliers' current facts.
    has_snapshot: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class Flag(SQLModel, table=True):
    """A flag, kept from the first run that raised it to the last.

    supplier_id is the id the supplier had when the run read it, with no foreign key: a
    supplier deleted for good leaves its past flags in place (the run's RunSupplier rows still
    name it). See risk.snapshot.same_suppliers for why a page links such a flag to a supplier
    page only when the live supplier is the one the run read.

    No foreign keys: see RUN_RECORDS_GO_WITH_ORGANISATION.
    """

    __tablename__ = "flag"
    __table_args__ = (
        sa.Index("ix_flag_org_last_run", "organisation_id", "last_run_id"),
        sa.Index("ix_flag_org_supplier", "organisation_id", "supplier_id"),  # a supplier's flags
        # the list's order within a severity, paged by key (risk.listing.page_after)
        sa.Index("ix_flag_org_severity_rule", "organisation_id", "severity", "rule", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int
    fingerprint: str = Field(max_length=64)
    rule: str = Field(max_length=64)
    indicator: str = Field(max_length=64)
    supplier_id: int | None = None
    severity: Severity = Field(sa_column=Column(enum_column(Severity), nullable=False))
    # {"evidence": ..., "params": ..., "ilo": [...], "guide": [...]} as JSON text, written once
    # per flag by Finding.stored_json (a JSON column would encode it again, row by row).
    data: str = Field(sa_column=Column(sa.Text, nullable=False))

    @property
    def content(self) -> dict[str, Any]:
        return json.loads(self.data)

    first_run_id: int
    # None: raised by the latest finished run (and every run since first_run_id).
    last_run_id: int | None = None


class FlagDecision(OrganisationRow, table=True):
    """What an officer decided about a flag; found again by fingerprint in later runs.

    A critical flag is dismissed by two people: an officer or admin proposes it with the
    reason (proposed_*), and it takes effect when another admin confirms it (confirmed_*).
    Until then the status stays what it was. Both stay recorded while the flag is dismissed.
    """

    __tablename__ = "flag_decision"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "fingerprint"),)

    fingerprint: str = Field(max_length=64)
    # The flag's supplier (a fingerprint names one): the flags with a decision are found along
    # the flags' index of suppliers, since flags keep no index of fingerprints (migration 0031).
    supplier_id: int | None = None
    status: FlagStatus = Field(sa_column=Column(enum_column(FlagStatus), nullable=False))
    note: str = Field(default="", max_length=2000)
    owner: str = Field(default="", max_length=200)
    due_date: date | None = None
    user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    updated_at: datetime = timestamp(nullable=False)
    proposed_by: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    proposed_at: datetime | None = timestamp(nullable=True)
    proposed_note: str = Field(default="", max_length=2000)
    confirmed_by: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    confirmed_at: datetime | None = timestamp(nullable=True)

    @property
    def dismissal_pending(self) -> bool:
        """A dismissal proposed and not yet confirmed."""
        return self.proposed_at is not None and self.confirmed_at is None


class SupplierExposure(SQLModel, table=True):
    """Each supplier's exposure from the latest finished run (replaced by every run), with
    its flags by severity: the flags grouped by supplier page along ix_supplier_exposure_gravest
    instead of counting every flag of the run."""

    __tablename__ = "supplier_exposure"
    __table_args__ = (
        sa.Index(
            "ix_supplier_exposure_gravest",
            "organisation_id",
            "critical",
            "high",
            "medium",
            "low",
            "supplier_id",
        ),
    )

    # No foreign keys: see RUN_RECORDS_GO_WITH_ORGANISATION.
    organisation_id: int = Field(primary_key=True)
    supplier_id: int = Field(primary_key=True)
    own: int = Field(ge=0, le=100)
    carried: int = Field(ge=0, le=100)
    flags: int = Field(default=0, ge=0)
    critical: int = Field(default=0, ge=0, sa_column_kwargs={"server_default": "0"})
    high: int = Field(default=0, ge=0, sa_column_kwargs={"server_default": "0"})
    medium: int = Field(default=0, ge=0, sa_column_kwargs={"server_default": "0"})
    low: int = Field(default=0, ge=0, sa_column_kwargs={"server_default": "0"})
    run_id: int


class RunSupplier(SQLModel, table=True):
    """A supplier as runs first_run_id to last_run_id read it (last_run_id empty: as the latest
    finished run read it too). A run that reads the same facts writes nothing; a changed
    supplier closes its row and opens a new one. No foreign key to the supplier: it is a record.

    Nor to the runs or the organisation: see RUN_RECORDS_GO_WITH_ORGANISATION.
    """

    __tablename__ = "run_supplier"
    __table_args__ = (
        sa.Index("ix_run_supplier_org_last_run", "organisation_id", "last_run_id"),
        sa.Index("ix_run_supplier_org_supplier", "organisation_id", "supplier_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int
    supplier_id: int
    code: str = Field(max_length=32)
    name: str = Field(max_length=200)
    registration_no: str = Field(default="", max_length=32)
    country: str = Field(default="", max_length=2)
    sector: str = Field(default="", max_length=8)
    is_agency: bool = False
    employees: int | None = None
    tier: int | None = None  # None: not reachable from the organisation
    first_run_id: int
    last_run_id: int | None = None


class RunLink(SQLModel, table=True):
    """A confirmed link as runs first_run_id to last_run_id read it (kept like RunSupplier)."""

    __tablename__ = "run_link"
    __table_args__ = (sa.Index("ix_run_link_org_last_run", "organisation_id", "last_run_id"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int
    parent_id: int | None = None  # None: a direct supplier of the organisation
    child_id: int
    relation: str = Field(max_length=16)
    workers: int | None = None
    contract_value_eur: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    labour_hours: Decimal | None = Field(default=None, max_digits=12, decimal_places=1)
    work_country: str = Field(default="", max_length=2, sa_column_kwargs={"server_default": ""})
    first_run_id: int
    last_run_id: int | None = None


# A run's records (its flags, the suppliers' exposure, its snapshot of the chain) carry no
# foreign keys. PostgreSQL checks a key with a trigger on every row, and a full run at 100k
# suppliers writes about 620k of these rows: the flags' two keys to their runs cost 2.6 s,
# the exposure's three 1.75 s, and the snapshot's key to the organisation doubled its time
# (issue 24). Runs are only ever deleted with their organisation, and this trigger on the
# organisation's delete takes their records, as the keys' cascades did. Migration 0031 made it.
RUN_RECORDS = ("flag", "supplier_exposure", "run_supplier", "run_link")
# The tables' names are the models' own.
_DELETES = " ".join(
    f"DELETE FROM {t} WHERE organisation_id = OLD.id;"  # noqa: S608
    for t in RUN_RECORDS
)
RUN_RECORDS_GO_WITH_ORGANISATION = {
    "sqlite": (
        "CREATE TRIGGER IF NOT EXISTS run_records_go_with_organisation"
        f" AFTER DELETE ON organisation BEGIN {_DELETES} END",
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION run_records_go_with_organisation() RETURNS trigger"
        f" LANGUAGE plpgsql AS $$ BEGIN {_DELETES} RETURN OLD; END $$",
        "DROP TRIGGER IF EXISTS run_records_go_with_organisation ON organisation",
        "CREATE TRIGGER run_records_go_with_organisation AFTER DELETE ON organisation"
        " FOR EACH ROW EXECUTE FUNCTION run_records_go_with_organisation()",
    ),
}


@sa.event.listens_for(SQLModel.metadata, "after_create")
def _run_records_go_with_organisation(_: Any, connection: sa.Connection, **__: Any) -> None:
    """create_all makes the trigger too (throwaway databases: the tests' SQLite)."""
    for statement in RUN_RECORDS_GO_WITH_ORGANISATION[connection.dialect.name]:
        connection.execute(sa.text(statement))


class RiskMark(OrganisationRow, table=True):
    """A change to what the rules read, naming the supplier it touched (supplier_id empty:
    everything, which asks for a full run). Written in the change's transaction; the next run
    re-evaluates the marked suppliers and deletes the marks it read."""

    __tablename__ = "risk_mark"

    supplier_id: int | None = None
    reason: str = Field(default="", max_length=32)
    created_at: datetime = timestamp(nullable=False)
