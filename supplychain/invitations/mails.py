"""The mails a supplier receives, rendered in the supplier's language and put in the outbox."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import Session

from ..mail import domain_of
from ..models import Campaign, Invitation, Organisation, Supplier
from ..questionnaires.catalogue import get_catalogue
from ..questionnaires.schema import Questionnaire
from . import outbox


def _domain() -> str:
    return domain_of(current_app.config["MAIL_FROM"])


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
    organisation = session.get(Organisation, invitation.organisation_id)
    assert organisation is not None
    context = {
        "organisation": organisation.name,
        "supplier": supplier.name,
        "title": questionnaire.title.get(invitation.language),
        "message": campaign.message,
        "deadline": invitation.expires_at,
        "url": url,
        "reminder": False,
    }
    with force_locale(invitation.language):
        subject = _("%(organisation)s asks you to answer: %(title)s", **context)
        text = render_template("mail/invitation.txt", **context)
        html = render_template("mail/invitation.html", **context)
    outbox.enqueue(
        session=session,
        to=invitation.email,
        subject=subject,
        text=text,
        html=html,
        kind="invitation",
        organisation_id=invitation.organisation_id,
        invitation_id=invitation.id,
        now=now,
        mail_domain=_domain(),
    )


def queue_reminder(
    *, session: Session, invitation: Invitation, raw_token: str, now: datetime
) -> None:
    organisation = session.get(Organisation, invitation.organisation_id)
    supplier = session.get(Supplier, invitation.supplier_id)
    questionnaire = get_catalogue().get(
        invitation.questionnaire_id, invitation.questionnaire_version
    )
    assert organisation is not None and supplier is not None and questionnaire is not None
    context = {
        "organisation": organisation.name,
        "supplier": supplier.name,
        "title": questionnaire.title.get(invitation.language),
        "message": "",
        "deadline": invitation.expires_at,
        "url": f"{current_app.config['BASE_URL']}/r/{raw_token}",
        "reminder": True,
    }
    with force_locale(invitation.language):
        subject = _("Reminder: %(title)s", **context)
        text = render_template("mail/invitation.txt", **context)
        html = render_template("mail/invitation.html", **context)
    outbox.enqueue(
        session=session,
        to=invitation.email,
        subject=subject,
        text=text,
        html=html,
        kind="reminder",
        organisation_id=invitation.organisation_id,
        invitation_id=invitation.id,
        now=now,
        mail_domain=_domain(),
    )
