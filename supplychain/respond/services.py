"""A supplier answering from a link: starting, progress through the sections, submitting."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from .. import audit, events
from ..invitations import disclosures
from ..models import Invitation, Organisation, Response, ResponseStatus, Supplier
from ..questionnaires import services as responses
from ..questionnaires.schema import Questionnaire


def start(
    *, session: Session, invitation: Invitation, questionnaire: Questionnaire, now: datetime
) -> Response:
    """Open the invitation's response (once) and note that the link was used."""
    if invitation.opened_at is None:
        invitation.opened_at = now
    response = session.get(Response, invitation.response_id) if invitation.response_id else None
    if response is None:
        response = responses.start_response(
            session=session,
            organisation_id=invitation.organisation_id,
            questionnaire=questionnaire,
            language=invitation.language,
            supplier_id=invitation.supplier_id,
        )
        invitation.response_id = response.id
    session.add(invitation)
    session.flush()
    return response


def submit(
    *,
    session: Session,
    invitation: Invitation,
    response: Response,
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    respondent_name: str,
) -> int:
    """Close the response and propose the companies it names as links; return how many.

    The parent is read before the first write: on SQLite, other writers wait from that write
    to the commit.
    """
    parent = session.get(Supplier, invitation.supplier_id)
    assert parent is not None
    responses.submit_response(session=session, response=response, respondent_name=respondent_name)
    proposed = disclosures.propose_links(
        session=session, parent=parent, questionnaire=questionnaire, answers=answers
    )
    events.data_changed(
        session, invitation.organisation_id, "response", suppliers=[invitation.supplier_id]
    )
    audit.record(
        session,
        user_id=None,
        action="response.submitted",
        obj=response,
        supplier_id=invitation.supplier_id,
        respondent=response.respondent_name,
        disclosed=len(proposed),
    )
    return len(proposed)


def invitation_context(session: Session, invitation: Invitation) -> dict[str, Any]:
    """Who asks whom: the names the supplier's pages show."""
    organisation = session.get(Organisation, invitation.organisation_id)
    supplier = session.get(Supplier, invitation.supplier_id)
    assert organisation is not None and supplier is not None
    return {"organisation": organisation.name, "supplier": supplier.name}


@dataclass(frozen=True)
class Respondent:
    """Who is answering in this browser: their invitation and response, and the two names."""

    invitation: Invitation
    response: Response
    organisation: str
    supplier: str

    @property
    def names(self) -> dict[str, str]:
        return {"organisation": self.organisation, "supplier": self.supplier}


# Built once, as every answering page runs it.
_RESPONDENT = (
    select(Invitation, Response, Organisation.name, Supplier.name)
    .join(Response, col(Response.id) == Invitation.response_id)
    .join(Organisation, col(Organisation.id) == Invitation.organisation_id)
    .join(Supplier, col(Supplier.id) == Invitation.supplier_id)
    .where(
        Invitation.id == sa.bindparam("invitation_id"),
        Invitation.link_generation == sa.bindparam("generation"),
    )
)


def load_respondent(session: Session, invitation_id: int, generation: int) -> Respondent | None:
    """One query for everything an answering page needs to know about its respondent; None once
    the officer has sent a new link or revoked the one this session was started with."""
    params = {"invitation_id": invitation_id, "generation": generation}
    row = session.exec(_RESPONDENT, params=params).first()
    return Respondent(*row) if row else None


def is_submitted(response: Response | None) -> bool:
    return response is not None and response.status == ResponseStatus.SUBMITTED
