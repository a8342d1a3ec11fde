"""Writing the audit trail."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from .models import AuditEvent, utcnow

# Built once; an audit row is never read back in the transaction that writes it, so it goes
# in as a plain INSERT instead of an ORM object (no identity map, no RETURNING of its id).
_INSERT = AuditEvent.__table__.insert()  # type: ignore[attr-defined]


def record(
    session: Session,
    *,
    organisation_id: int | None = None,
    user_id: int | None,
    action: str,
    obj: Any = None,
    object_type: str | None = None,
    object_id: int | None = None,
    **details: Any,
) -> None:
    """Write an audit event for action on obj (or on the object named by object_type and
    object_id, for bulk changes that load no objects), in the caller's transaction.

    The event belongs to organisation_id, by default obj's own organisation."""
    session.execute(
        _INSERT,
        {
            "organisation_id": obj.organisation_id if organisation_id is None else organisation_id,
            "user_id": user_id,
            "action": action,
            "object_type": object_type or (type(obj).__name__.lower() if obj is not None else ""),
            "object_id": object_id if object_id is not None else getattr(obj, "id", None),
            "details": {k: _plain(v) for k, v in details.items()},
            "created_at": utcnow(),
        },
    )


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
