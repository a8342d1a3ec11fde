"""Writing the audit trail."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from .models import AuditEvent


def record(
    session: Session,
    *,
    organisation_id: int,
    user_id: int | None,
    action: str,
    obj: Any = None,
    object_type: str | None = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event for action on obj (flushed with the caller's transaction)."""
    event = AuditEvent(
        organisation_id=organisation_id,
        user_id=user_id,
        action=action,
        object_type=object_type or (type(obj).__name__.lower() if obj is not None else ""),
        object_id=getattr(obj, "id", None),
        details={k: _plain(v) for k, v in details.items()},
    )
    session.add(event)
    return event


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
