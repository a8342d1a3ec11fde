"""When each of the worker's periodic tasks last ran, shared by every runner (see periodic)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from .base import timestamp


class PeriodicRun(SQLModel, table=True):
    """One periodic task, by name, and when a runner last took it on."""

    __tablename__ = "periodic_run"

    name: str = Field(primary_key=True, max_length=64)
    ran_at: datetime = timestamp(nullable=False)
