"""Rate-limit counters, shared by every server process of a deployment (see ratestore)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class RateLimitCounter(SQLModel, table=True):
    """One fixed-window counter: the hits of one limit and client since the window opened.

    Rows are cache, not records: an expired row is reset by its next hit or swept away.
    """

    __tablename__ = "rate_limit_counter"

    name: str = Field(primary_key=True, max_length=512)
    hits: int
    expires_at: float  # seconds since the epoch, as the limits library counts time
