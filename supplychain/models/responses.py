"""Answers to questionnaires: one response per respondent and version, one row per answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field

from ..vocab import ResponseStatus
from .base import OrganisationRow, enum_column, same_organisation, timestamp, utcnow


class Response(OrganisationRow, table=True):
    """One set of answers to one version of a questionnaire, by a supplier or, with no supplier,
    by the organisation itself (its own risk assessment)."""

    __tablename__ = "response"
    __table_args__ = (
        same_organisation("supplier_id", "supplier"),
        sa.UniqueConstraint("organisation_id", "id"),  # target of the answers' composite key
        sa.Index("ix_response_org_supplier", "organisation_id", "supplier_id"),  # the cascade's
    )

    supplier_id: int | None = None
    # The definition answered: a later version of the file never reinterprets these answers.
    questionnaire_id: str = Field(max_length=64)
    questionnaire_version: int = Field(ge=1)
    language: str = Field(max_length=8)
    status: ResponseStatus = Field(
        sa_column=Column(
            enum_column(ResponseStatus), nullable=False, default=ResponseStatus.IN_PROGRESS
        )
    )
    respondent_name: str = Field(default="", max_length=200)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = timestamp(nullable=False)
    updated_at: datetime = timestamp(nullable=False, onupdate=utcnow)
    submitted_at: datetime | None = timestamp(nullable=True)


class Answer(OrganisationRow, table=True):
    """The answer to one question of a response, as JSON (a table answer is a list of rows)."""

    __tablename__ = "answer"
    __table_args__ = (
        sa.UniqueConstraint("response_id", "question_id"),
        same_organisation("response_id", "response"),
    )

    response_id: int = Field(index=True)
    question_id: str = Field(max_length=64)
    value: Any = Field(sa_column=Column(JSON, nullable=False))
    updated_at: datetime = timestamp(nullable=False)
