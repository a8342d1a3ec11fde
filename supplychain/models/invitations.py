"""Questionnaires sent out: campaigns, one invitation per supplier, the mail outbox, evidence."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from ..vocab import OutboxStatus, RunStatus
from .base import OrganisationRow, enum_column, same_organisation, timestamp


class Campaign(OrganisationRow, table=True):
    """One sending of a questionnaire to a set of suppliers, with a deadline and a message."""

    __tablename__ = "campaign"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "id"),)

    questionnaire_id: str = Field(max_length=64)
    questionnaire_version: int = Field(ge=1)
    title: str = Field(max_length=200)
    message: str = Field(default="", max_length=2000)
    deadline: datetime = timestamp(nullable=False)
    created_by: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = timestamp(nullable=False)


class SendingJob(SQLModel, table=True):
    """A large sending carried out by the worker in batches (see invitations.sending): a
    campaign's invitations (kind "invite", targets: supplier ids) or an officer's reminders
    (kind "remind", targets: invitation ids), and how far it got.

    done counts the targets handled so far (in their order); each batch's invitations or
    reminders, their mails and the new done are one transaction. A runner holds the job until
    claimed_until; attempts counts the claims, so a runner only writes while the job is its own.
    """

    __tablename__ = "sending_job"
    __table_args__ = (same_organisation("campaign_id", "campaign"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE")
    kind: str = Field(default="invite", max_length=8)
    campaign_id: int | None = Field(default=None, sa_column_kwargs={"unique": True})
    user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    language: str = Field(default="", max_length=8)  # "": each supplier's own
    targets: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    total: int = Field(default=0, ge=0)
    done: int = Field(default=0, ge=0)
    status: RunStatus = Field(
        sa_column=Column(enum_column(RunStatus), nullable=False, default=RunStatus.QUEUED)
    )
    attempts: int = Field(default=0, ge=0)
    error: str = Field(default="", max_length=1000)
    created_at: datetime = timestamp(nullable=False)
    claimed_until: datetime | None = timestamp(nullable=True)
    finished_at: datetime | None = timestamp(nullable=True)


class Invitation(OrganisationRow, table=True):
    """A supplier's link to one questionnaire version. Only the token's SHA-256 is kept."""

    __tablename__ = "invitation"
    __table_args__ = (
        same_organisation("campaign_id", "campaign"),
        same_organisation("supplier_id", "supplier"),
        sa.Index("ix_invitation_org_supplier", "organisation_id", "supplier_id"),  # the cascade's
        # the deadlines that passed since an assessment (risk.freshness.deadline_passed)
        sa.Index("ix_invitation_org_expires", "organisation_id", "expires_at"),
    )

    campaign_id: int = Field(index=True)
    supplier_id: int
    questionnaire_id: str = Field(max_length=64)
    questionnaire_version: int = Field(ge=1)
    email: str = Field(max_length=254)
    language: str = Field(max_length=8)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    expires_at: datetime = timestamp(nullable=False)
    response_id: int | None = Field(
        default=None, foreign_key="response.id", ondelete="SET NULL", index=True
    )
    created_at: datetime = timestamp(nullable=False)
    sent_at: datetime | None = timestamp(nullable=True)
    opened_at: datetime | None = timestamp(nullable=True)
    reminded_at: datetime | None = timestamp(nullable=True)
    bounced_at: datetime | None = timestamp(nullable=True)
    revoked_at: datetime | None = timestamp(nullable=True)
    # Counts the officer's "Send a new link" and "Revoke": a supplier's browser session holds
    # the number it started under and ends when it changes (a reminder's new link keeps it).
    link_generation: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class OutboxMessage(SQLModel, table=True):
    """A mail to send, written in the same transaction as what it announces.

    The worker claims rows for a short lease, so a killed worker's mail is sent by the next one;
    the Message-ID is fixed when the row is written, so a resent mail is recognisably the same.
    The bodies are blanked once sent: they hold the invitation link, whose token is secret.
    """

    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", index=True, ondelete="CASCADE"
    )
    invitation_id: int | None = Field(
        default=None, foreign_key="invitation.id", index=True, ondelete="SET NULL"
    )
    kind: str = Field(max_length=32)
    recipient: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    text_body: str = Field(sa_column=Column(sa.Text, nullable=False))
    html_body: str = Field(sa_column=Column(sa.Text, nullable=False))
    message_id: str = Field(max_length=255, sa_column_kwargs={"unique": True})
    status: OutboxStatus = Field(
        sa_column=Column(
            enum_column(OutboxStatus), nullable=False, default=OutboxStatus.PENDING, index=True
        )
    )
    attempts: int = Field(default=0)
    next_attempt_at: datetime = timestamp(nullable=False)
    claimed_until: datetime | None = timestamp(nullable=True)
    last_error: str = Field(default="", max_length=1000)
    created_at: datetime = timestamp(nullable=False)
    sent_at: datetime | None = timestamp(nullable=True)


class Evidence(OrganisationRow, table=True):
    """A document a supplier uploaded with an answer, stored outside the web root."""

    __tablename__ = "evidence"
    __table_args__ = (same_organisation("response_id", "response"),)

    response_id: int = Field(index=True)
    question_id: str = Field(max_length=64)
    filename: str = Field(max_length=255)  # as the supplier named it, for display only
    stored_name: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    content_type: str = Field(max_length=100)
    size: int = Field(ge=0)
    sha256: str = Field(max_length=64)
    created_at: datetime = timestamp(nullable=False)
