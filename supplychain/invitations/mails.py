"""The mails a supplier receives, rendered in the supplier's language and put in the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import Session

from ..mail import defang, domain_of
from ..models import Campaign, Invitation, Organisation, Supplier
from ..questionnaires.catalogue import get_catalogue
from ..questionnaires.schema import Questionnaire
from . import outbox


def queue_invitation(
    *,
    session: Session,
    invitation: Invitation,
    campaign: Campaign,
    supplier: Supplier,
    questionnaire: Questionnaire,
    url: str,
    now: datetime,
) -> None:
    """The first mail: who asks, why, by when, and the link."""
    _queue(session, invitation, supplier, questionnaire, url, campaign.message, now, reminder=False)


def queue_reminder(
    *, session: Session, invitation: Invitation, raw_token: str, now: datetime
) -> None:
    """A reminder before the deadline, with a new link that replaces the first."""
    supplier = session.get(Supplier, invitation.supplier_id)
    questionnaire = get_catalogue().get(
        invitation.questionnaire_id, invitation.questionnaire_version
    )
    assert supplier is not None and questionnaire is not None
    url = f"{current_app.config['BASE_URL']}/r/{raw_token}"
    _queue(session, invitation, supplier, questionnaire, url, "", now, reminder=True)


def _queue(
    session: Session,
    invitation: Invitation,
    supplier: Supplier,
    questionnaire: Questionnaire,
    url: str,
    message: str,
    now: datetime,
    *,
    reminder: bool,
) -> None:
    organisation = session.get(Organisation, invitation.organisation_id)
    assert organisation is not None
    # The organisation's own words (its name too) are quoted as theirs, with no live links:
    # the subject and the frame of the mail are ours.
    context: dict[str, Any] = {
        "organisation": defang(organisation.name),
        "supplier": defang(supplier.name),
        "title": questionnaire.title.get(invitation.language),
        "message_lines": defang(message).splitlines(),
        "deadline": invitation.expires_at,
        "url": url,
        "reminder": reminder,
    }
    with force_locale(invitation.language):
        if reminder:
            subject = _(
                "supplychain: reminder from “%(organisation)s” to answer “%(title)s”", **context
            )
        else:
            subject = _("supplychain: “%(organisation)s” asks you to answer “%(title)s”", **context)
        text = render_template("mail/invitation.txt", **context)
        html = render_template("mail/invitation.html", **context)
    outbox.enqueue(
        session=session,
        to=invitation.email,
        subject=subject,
        text=text,
        html=html,
        kind="reminder" if reminder else "invitation",
        organisation_id=invitation.organisation_id,
        invitation_id=invitation.id,
        now=now,
        mail_domain=domain_of(current_app.config["MAIL_FROM"]),
    )
