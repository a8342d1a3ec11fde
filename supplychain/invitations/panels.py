"""What the chain's pages show of the questionnaires sent (see chain.panels): on a supplier's
page its invitations, on the map each supplier's latest state."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlmodel import Session

from ..models import Campaign, Invitation, Supplier, utcnow
from ..tenancy import org_select
from .services import STATUS_NAMES, invitation_statuses, latest_statuses


def questionnaires_of(db: Session, item: Supplier) -> list[dict[str, Any]]:
    """The supplier's invitations, newest first, with their state."""
    rows = db.exec(
        org_select(Invitation)
        .where(Invitation.supplier_id == item.id)
        .order_by(Invitation.id.desc())
    ).all()
    statuses = invitation_statuses(db, list(rows), utcnow())
    titles = dict(
        db.execute(
            org_select(Campaign)
            .where(Campaign.id.in_({i.campaign_id for i in rows}))
            .with_only_columns(Campaign.id, Campaign.title)
        ).all()
    )
    return [
        {
            "campaign_id": i.campaign_id,
            "title": titles.get(i.campaign_id, ""),
            "status": statuses[i.id].value,
            "status_name": STATUS_NAMES[statuses[i.id]],
            "deadline": i.expires_at,
            "response_id": i.response_id if statuses[i.id].value == "submitted" else None,
        }
        for i in rows
    ]


def map_statuses(
    db: Session, organisation_id: int, supplier_ids: Collection[int]
) -> dict[int, tuple[str, str]]:
    """The latest questionnaire state of each supplier drawn: its value and its name."""
    if not supplier_ids:
        return {}
    latest = latest_statuses(db, organisation_id, utcnow(), supplier_ids)
    return {sid: (st.value, STATUS_NAMES[st]) for sid, st in latest.items()}
