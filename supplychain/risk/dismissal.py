"""Dismissing a critical flag takes two people: one proposes it with the reason, another admin
confirms it. The decision keeps both, with the times and the reason, and so does the audit trail.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from .. import audit
from ..models import Flag, FlagDecision, FlagStatus, utcnow
from ..tenancy import in_org
from ..validation import InvalidInput

# Audit actions of the two-person dismissal (other decisions are flag.<status>).
DISMISSAL_PROPOSED = "flag.dismissal_proposed"
DISMISSAL_CONFIRMED = "flag.dismissal_confirmed"
DISMISSAL_DECLINED = "flag.dismissal_declined"


def decision_of(session: Session, flag: Flag) -> FlagDecision:
    """The flag's decision, or a new open one (not yet added to the session)."""
    return session.exec(
        in_org(FlagDecision, flag.organisation_id).where(
            FlagDecision.fingerprint == flag.fingerprint
        )
    ).first() or FlagDecision(
        organisation_id=flag.organisation_id,
        fingerprint=flag.fingerprint,
        supplier_id=flag.supplier_id,
        status=FlagStatus.OPEN,
    )


def clear_proposal(decision: FlagDecision) -> None:
    decision.proposed_by = decision.proposed_at = None
    decision.confirmed_by = decision.confirmed_at = None
    decision.proposed_note = ""


def propose_dismissal(
    *, session: Session, flag: Flag, user_id: int | None, note: str
) -> FlagDecision:
    """Propose dismissing a critical flag, with the reason: the flag keeps its status until
    another admin confirms (confirm_dismissal). A new proposal replaces one still waiting."""
    if not note.strip():
        raise InvalidInput({"note": _l("Say why this flag is a false positive.")})
    decision = decision_of(session, flag)
    if decision.status == FlagStatus.DISMISSED:
        raise InvalidInput({"status": _l("This flag is dismissed already.")})
    decision.proposed_by, decision.proposed_at = user_id, utcnow()
    decision.proposed_note = note.strip()[:2000]
    decision.confirmed_by = decision.confirmed_at = None
    return _kept(session, flag, decision, user_id, DISMISSAL_PROPOSED, reason=note.strip()[:2000])


def _waiting(session: Session, flag: Flag) -> FlagDecision:
    decision = decision_of(session, flag)
    if not decision.dismissal_pending:
        raise InvalidInput({"dismissal": _l("No dismissal of this flag is waiting.")})
    return decision


def confirm_dismissal(*, session: Session, flag: Flag, user_id: int) -> FlagDecision:
    """Dismiss a critical flag as proposed, by an admin (the caller checks the role) other
    than the one who proposed it. The decision keeps both people, the times and the reason."""
    decision = _waiting(session, flag)
    if decision.proposed_by == user_id:
        raise InvalidInput(
            {"dismissal": _l("Another admin must confirm the dismissal you proposed.")}
        )
    now = utcnow()
    decision.status, decision.note = FlagStatus.DISMISSED, decision.proposed_note
    decision.owner, decision.due_date = "", None
    decision.user_id, decision.updated_at = user_id, now
    decision.confirmed_by, decision.confirmed_at = user_id, now
    return _kept(
        session,
        flag,
        decision,
        user_id,
        DISMISSAL_CONFIRMED,
        proposed_by=decision.proposed_by,
        reason=decision.proposed_note,
    )


def decline_dismissal(*, session: Session, flag: Flag, user_id: int) -> FlagDecision:
    """Take back a proposed dismissal (the proposer) or refuse it (an admin): the flag stays
    as it was."""
    decision = _waiting(session, flag)
    proposed_by, reason = decision.proposed_by, decision.proposed_note
    clear_proposal(decision)
    return _kept(
        session, flag, decision, user_id, DISMISSAL_DECLINED, proposed_by=proposed_by, reason=reason
    )


def _kept(
    session: Session,
    flag: Flag,
    decision: FlagDecision,
    user_id: int | None,
    action: str,
    **details: Any,  # audit.record's free-form details, as it takes them
) -> FlagDecision:
    """Keep the decision as changed and audit the step (action, with details)."""
    session.add(decision)
    audit.record(
        session,
        user_id=user_id,
        action=action,
        obj=flag,
        rule=flag.rule,
        supplier_id=flag.supplier_id,
        **details,
    )
    session.flush()
    return decision
