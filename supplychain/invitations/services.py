"""Sending questionnaires: campaigns, invitation links, their state, reminders.

A link carries 256 random bits; the database keeps only their SHA-256, so a copy of the
database opens no questionnaire. The link's text exists in the outbox row until the mail is
sent, and in the one-time list an officer sees when no mail server is configured.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, func, select

from .. import audit, events
from ..chain.retire import live_suppliers
from ..models import Campaign, Invitation, Response, ResponseStatus, SendingJob, Supplier
from ..questionnaires.schema import Questionnaire
from ..tenancy import in_org
from ..validation import InvalidInput
from ..vocab import SUPPLIER_LANGUAGES
from . import mails, outbox

INVITE, REMIND = "invite", "remind"  # what a SendingJob does
REMINDER_BEFORE = timedelta(days=3)
MANUAL_REMINDER_GAP = timedelta(days=1)  # an officer's reminders of one invitation, at most


class InvitationStatus(enum.StrEnum):
    """Where an invitation stands, most final first (see status_of)."""

    SUBMITTED = "submitted"
    REVOKED = "revoked"
    BOUNCED = "bounced"
    EXPIRED = "expired"
    IN_PROGRESS = "in_progress"
    OPENED = "opened"
    SENT = "sent"
    QUEUED = "queued"


STATUS_NAMES = {
    InvitationStatus.SUBMITTED: _l("submitted"),
    InvitationStatus.REVOKED: _l("revoked"),
    InvitationStatus.BOUNCED: _l("bounced"),
    InvitationStatus.EXPIRED: _l("expired"),
    InvitationStatus.IN_PROGRESS: _l("in progress"),
    InvitationStatus.OPENED: _l("opened"),
    InvitationStatus.SENT: _l("sent"),
    InvitationStatus.QUEUED: _l("waiting to be sent"),
}


def digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def status_of(
    invitation: Invitation, response_status: ResponseStatus | None, now: datetime
) -> InvitationStatus:
    """The invitation's state from its timestamps and its response: the first that holds, in
    this order, else queued."""
    states = (
        (InvitationStatus.SUBMITTED, response_status == ResponseStatus.SUBMITTED),
        (InvitationStatus.REVOKED, invitation.revoked_at is not None),
        (InvitationStatus.BOUNCED, invitation.bounced_at is not None),
        (InvitationStatus.EXPIRED, aware(invitation.expires_at) <= now),
        (InvitationStatus.IN_PROGRESS, response_status == ResponseStatus.IN_PROGRESS),
        (InvitationStatus.OPENED, invitation.opened_at is not None),
        (InvitationStatus.SENT, invitation.sent_at is not None),
    )
    return next((state for state, holds in states if holds), InvitationStatus.QUEUED)


def language_for(supplier: Supplier) -> str:
    """The language of an invitation the officer left to us: Latvian for a supplier in Latvia,
    else English."""
    return "lv" if supplier.country == "LV" else "en"


@dataclass(frozen=True)
class IssuedLink:
    """A link just made: shown once to the officer, never stored."""

    supplier_id: int
    supplier_name: str
    email: str
    url: str


def _check_campaign(
    questionnaire: Questionnaire,
    ids: Sequence[int],
    suppliers: Sequence[Supplier],
    deadline: datetime,
    title: str,
    language: str | None,
    now: datetime,
) -> None:
    """InvalidInput naming every field of a sending that cannot go out as it is."""
    errors: dict[str, str] = {}
    if questionnaire.answered_by != "supplier":
        errors["questionnaire_id"] = str(_l("This questionnaire is answered inside the app."))
    if not ids:
        errors["suppliers"] = str(_l("Choose at least one supplier."))
    elif len(suppliers) != len(ids):
        errors["suppliers"] = str(_l("Some of the chosen suppliers are not in your chain."))
    without = [s.name for s in suppliers if not s.email]
    if without:
        errors["suppliers"] = str(
            _l("These suppliers have no email address: %(names)s.", names=", ".join(without))
        )
    if aware(deadline) <= now:
        errors["deadline"] = str(_l("The deadline must be in the future."))
    if not title.strip():
        errors["title"] = str(_l("Give the sending a name."))
    if language is not None and language not in SUPPLIER_LANGUAGES:
        errors["language"] = str(_l("Choose one of the languages offered."))
    if errors:
        raise InvalidInput(errors)


def _queue_invitations(
    session: Session,
    campaign: Campaign,
    supplier_ids: list[int],
    language: str | None,
    user_id: int | None,
    now: datetime,
) -> None:
    """Leave the campaign's invitations to the worker (invitations.sending), in batches."""
    session.add(
        SendingJob(
            organisation_id=campaign.organisation_id,
            kind=INVITE,
            campaign_id=campaign.id,
            user_id=user_id,
            language=language or "",
            targets=supplier_ids,
            total=len(supplier_ids),
            created_at=now,
        )
    )
    session.flush()


def create_campaign(
    *,
    session: Session,
    organisation_id: int,
    user_id: int | None,
    questionnaire: Questionnaire,
    title: str,
    message: str,
    deadline: datetime,
    supplier_ids: Iterable[int],
    base_url: str,
    now: datetime,
    language: str | None = None,
    in_background: bool = False,
) -> tuple[Campaign, list[IssuedLink]]:
    """Invite each supplier to answer questionnaire by deadline; queue one mail each.

    The mails and the answering pages speak language (one of SUPPLIER_LANGUAGES); without one,
    each supplier's own (see language_for). The questionnaire's texts it lacks are in English.

    :param in_background: check the sending the same way (all or nothing) and record the
        campaign, but leave the invitations to a SendingJob the worker carries out in batches
        (see sending); no link is made here then.
    """
    ids = sorted(set(supplier_ids))
    suppliers = session.exec(  # archived suppliers are out of the chain: none is invited
        live_suppliers(organisation_id).where(col(Supplier.id).in_(ids)).order_by(col(Supplier.id))
    ).all()
    _check_campaign(questionnaire, ids, suppliers, deadline, title, language, now)
    campaign = Campaign(
        organisation_id=organisation_id,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        title=title.strip()[:200],
        message=message.strip()[:2000],
        deadline=deadline,
        created_by=user_id,
    )
    session.add(campaign)
    session.flush()
    audit.record(
        session,
        user_id=user_id,
        action="campaign.created",
        obj=campaign,
        suppliers=len(suppliers),
        questionnaire=f"{questionnaire.id} v{questionnaire.version}",
    )
    if in_background:
        _queue_invitations(session, campaign, [s.id for s in suppliers], language, user_id, now)
        return campaign, []
    events.touched(session, campaign.organisation_id, "invitation", [s.id for s in suppliers])
    return campaign, [
        _invite(session, campaign, supplier, questionnaire, language, base_url, now)
        for supplier in suppliers
    ]


def invite_more(
    *,
    session: Session,
    campaign: Campaign,
    supplier_ids: Sequence[int],
    questionnaire: Questionnaire,
    language: str | None,
    base_url: str,
    now: datetime,
) -> int:
    """Invite those of supplier_ids the campaign has not invited yet (a batch of its job, maybe
    carried out again after its runner died), still in the chain and with an email address;
    flushes. Returns how many were invited."""
    invited = set(
        session.exec(
            select(Invitation.supplier_id).where(
                Invitation.campaign_id == campaign.id,
                col(Invitation.supplier_id).in_(supplier_ids),
            )
        ).all()
    )
    suppliers = session.exec(
        live_suppliers(campaign.organisation_id)
        .where(col(Supplier.id).in_([i for i in supplier_ids if i not in invited]))
        .where(Supplier.email != "")
        .order_by(col(Supplier.id))
    ).all()
    for supplier in suppliers:
        _invite(session, campaign, supplier, questionnaire, language, base_url, now)
    if suppliers:
        events.touched(session, campaign.organisation_id, "invitation", [s.id for s in suppliers])
    return len(suppliers)


def _invite(
    session: Session,
    campaign: Campaign,
    supplier: Supplier,
    questionnaire: Questionnaire,
    language: str | None,
    base_url: str,
    now: datetime,
) -> IssuedLink:
    raw = secrets.token_urlsafe(32)  # 256 bits
    invitation = Invitation(
        organisation_id=campaign.organisation_id,
        campaign_id=campaign.id,
        supplier_id=supplier.id,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        email=supplier.email,
        language=language or language_for(supplier),
        token_hash=digest(raw),
        expires_at=campaign.deadline,
        created_at=now,
    )
    session.add(invitation)
    session.flush()
    url = _queue_link(session, invitation, campaign, supplier, questionnaire, raw, base_url, now)
    return IssuedLink(supplier.id, supplier.name, supplier.email, url)


def _queue_link(
    session: Session,
    invitation: Invitation,
    campaign: Campaign,
    supplier: Supplier,
    questionnaire: Questionnaire,
    raw: str,
    base_url: str,
    now: datetime,
) -> str:
    """Queue the mail that carries an invitation's link; return the link."""
    url = f"{base_url}/r/{raw}"
    mails.queue_invitation(
        session=session,
        invitation=invitation,
        campaign=campaign,
        supplier=supplier,
        questionnaire=questionnaire,
        url=url,
        now=now,
    )
    return url


def resend(
    *,
    session: Session,
    invitation: Invitation,
    questionnaire: Questionnaire,
    base_url: str,
    now: datetime,
    user_id: int | None,
    deadline: datetime | None = None,
    language: str | None = None,
) -> IssuedLink:
    """Send a fresh link until deadline if given; without one, an expired link gets a week more.
    The mail and the pages speak language if given, else the invitation's language as it was.

    The old link stops working, and so does every browser session opened with it or before a
    revoke: the supplier starts again from the new link (their answers are kept).
    """
    supplier = session.get(Supplier, invitation.supplier_id)
    campaign = session.get(Campaign, invitation.campaign_id)
    assert supplier is not None and campaign is not None
    if _response_status(session, invitation) == ResponseStatus.SUBMITTED:
        raise InvalidInput({"invitation": str(_l("This questionnaire is already submitted."))})
    if supplier.archived:
        raise InvalidInput(
            {"invitation": str(_l("The supplier is archived: restore it to send it a new link."))}
        )
    if deadline is not None and aware(deadline) <= now:
        raise InvalidInput({"deadline": str(_l("The deadline must be in the future."))})
    if language is not None and language not in SUPPLIER_LANGUAGES:
        raise InvalidInput({"language": str(_l("Choose one of the languages offered."))})
    outbox.withdraw(session=session, invitation_id=invitation.id)  # type: ignore[arg-type]
    raw = secrets.token_urlsafe(32)
    invitation.token_hash = digest(raw)
    invitation.link_generation += 1
    invitation.revoked_at = None
    invitation.bounced_at = None
    invitation.sent_at = None
    invitation.reminded_at = None
    invitation.email = supplier.email or invitation.email
    invitation.language = language or invitation.language
    if deadline is not None:
        invitation.expires_at = deadline
    elif aware(invitation.expires_at) <= now + timedelta(days=1):
        invitation.expires_at = now + timedelta(days=7)
    session.add(invitation)
    url = _queue_link(session, invitation, campaign, supplier, questionnaire, raw, base_url, now)
    audit.record(session, user_id=user_id, action="invitation.resent", obj=invitation)
    events.touched(session, invitation.organisation_id, "invitation", [invitation.supplier_id])
    session.flush()
    return IssuedLink(supplier.id, supplier.name, invitation.email, url)


def revoke(*, session: Session, invitation: Invitation, now: datetime, user_id: int | None) -> None:
    """Stop the link and the sessions opened with it from working, and any mail with it from
    going out (revoking twice changes nothing: a retried call must not move the time or add to
    the audit trail). A later resend does not bring those sessions back."""
    if invitation.revoked_at is not None:
        return
    outbox.withdraw(session=session, invitation_id=invitation.id)  # type: ignore[arg-type]
    invitation.revoked_at = now
    invitation.link_generation += 1
    session.add(invitation)
    audit.record(session, user_id=user_id, action="invitation.revoked", obj=invitation)
    events.touched(session, invitation.organisation_id, "invitation", [invitation.supplier_id])
    session.flush()


def find_by_token(session: Session, raw_token: str, now: datetime) -> Invitation | None:
    """The live invitation for a link, or None: unknown, expired and revoked look the same."""
    if not raw_token or len(raw_token) > 100:
        return None
    invitation = session.exec(
        select(Invitation).where(Invitation.token_hash == digest(raw_token))
    ).first()
    if invitation is None or not is_live(invitation, now):
        return None
    return invitation


def is_live(invitation: Invitation, now: datetime) -> bool:
    return invitation.revoked_at is None and aware(invitation.expires_at) > now


def _response_status(session: Session, invitation: Invitation) -> ResponseStatus | None:
    if invitation.response_id is None:
        return None
    response = session.get(Response, invitation.response_id)
    return response.status if response else None


def invitation_statuses(
    session: Session, invitations: list[Invitation], now: datetime
) -> dict[int, InvitationStatus]:
    """The status of each invitation by id, with one query for their responses."""
    response_ids = [i.response_id for i in invitations if i.response_id is not None]
    states = dict(
        session.exec(
            select(Response.id, Response.status).where(col(Response.id).in_(response_ids))
        ).all()
    )
    return {i.id: status_of(i, states.get(i.response_id), now) for i in invitations}  # type: ignore[misc]


def campaign_statuses(
    session: Session, organisation_id: int, now: datetime
) -> list[tuple[Campaign, list[InvitationStatus]]]:
    """The organisation's campaigns, newest first, each with its invitations' statuses: three
    queries however many campaigns there are."""
    campaigns = session.exec(
        in_org(Campaign, organisation_id).order_by(col(Campaign.id).desc())
    ).all()
    invitations = list(session.exec(in_org(Invitation, organisation_id)).all())
    by_id = invitation_statuses(session, invitations, now)
    statuses: dict[int | None, list[InvitationStatus]] = {c.id: [] for c in campaigns}
    for invitation in invitations:
        statuses.setdefault(invitation.campaign_id, []).append(by_id[invitation.id])  # type: ignore[index]
    return [(c, statuses[c.id]) for c in campaigns]


def latest_statuses(
    session: Session,
    organisation_id: int,
    now: datetime,
    supplier_ids: Collection[int] | None = None,
) -> dict[int, InvitationStatus]:
    """Each invited supplier's (of supplier_ids, or all) newest invitation's status, by id."""
    newest = (
        select(func.max(Invitation.id))
        .where(Invitation.organisation_id == organisation_id)
        .group_by(Invitation.supplier_id)
    )
    if supplier_ids is not None:
        newest = newest.where(col(Invitation.supplier_id).in_(supplier_ids))
    invitations = session.exec(
        in_org(Invitation, organisation_id).where(col(Invitation.id).in_(newest))
    ).all()
    by_id = invitation_statuses(session, list(invitations), now)
    return {i.supplier_id: by_id[i.id] for i in invitations}  # type: ignore[index]


def send_due_reminders(*, session: Session, now: datetime) -> int:
    """Queue one reminder for each unanswered live invitation whose deadline is near."""
    due = session.exec(
        select(Invitation).where(
            col(Invitation.revoked_at).is_(None),
            col(Invitation.bounced_at).is_(None),
            col(Invitation.reminded_at).is_(None),
            col(Invitation.sent_at).is_not(None),
            Invitation.expires_at > now,
            Invitation.expires_at <= now + REMINDER_BEFORE,
        )
    ).all()
    count = 0
    for invitation in due:
        if _response_status(session, invitation) == ResponseStatus.SUBMITTED:
            continue
        count += _remind(session, invitation, now, col(Invitation.reminded_at).is_(None))
    session.flush()
    return count


def _remind(session: Session, invitation: Invitation, now: datetime, claim: Any) -> int:
    """Queue a reminder of invitation if the claim still holds of it; 1 if queued, else 0.

    Only the hash of the first link is known: the reminder brings a new link that replaces it.
    Someone already answering keeps going, their session does not need the link."""
    raw = secrets.token_urlsafe(32)
    claimed = session.execute(  # claimed once, whoever else is reminding at the same time
        sa.update(Invitation)
        .where(col(Invitation.id) == invitation.id, claim)
        .values(reminded_at=now, token_hash=digest(raw))
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return 0
    session.refresh(invitation)
    mails.queue_reminder(session=session, invitation=invitation, raw_token=raw, now=now)
    return 1


def open_invitations(organisation_id: int, supplier_ids: Any, now: datetime) -> Any:
    """SELECT the open invitations of the suppliers supplier_ids (a SELECT of ids): sent, live,
    not bounced and not answered; the ones an officer can remind."""
    submitted = select(Response.id).where(
        Response.organisation_id == organisation_id,
        col(Response.status) == ResponseStatus.SUBMITTED,
    )
    return in_org(Invitation, organisation_id).where(
        col(Invitation.supplier_id).in_(supplier_ids),
        col(Invitation.revoked_at).is_(None),
        col(Invitation.bounced_at).is_(None),
        col(Invitation.sent_at).is_not(None),
        Invitation.expires_at > now,
        col(Invitation.response_id).is_(None) | col(Invitation.response_id).not_in(submitted),
    )


def remind_open(
    *,
    session: Session,
    organisation_id: int,
    supplier_ids: Any,
    now: datetime,
    user_id: int | None,
) -> int:
    """Remind, now, the open invitations of the suppliers supplier_ids (a SELECT of ids), as
    the reminder before the deadline does; one reminded less than MANUAL_REMINDER_GAP ago is
    left alone (a second click sends nothing). Returns how many reminders were queued."""
    due = session.exec(open_invitations(organisation_id, supplier_ids, now)).all()
    count = sum(_remind(session, invitation, now, _not_reminded_since(now)) for invitation in due)
    if count:
        _audit_reminders(session, organisation_id, user_id, count)
    session.flush()
    return count


def _not_reminded_since(moment: datetime) -> Any:
    """The claim of a manual reminder asked for at moment: not reminded in the
    MANUAL_REMINDER_GAP before it."""
    recent = moment - MANUAL_REMINDER_GAP
    return col(Invitation.reminded_at).is_(None) | (col(Invitation.reminded_at) < recent)


def _audit_reminders(session: Session, organisation_id: int, user_id: int | None, n: int) -> None:
    audit.record(
        session,
        organisation_id=organisation_id,
        user_id=user_id,
        action="invitations.reminded",
        reminders=n,
    )


def queue_reminders(
    *,
    session: Session,
    organisation_id: int,
    supplier_ids: Any,
    now: datetime,
    user_id: int | None,
) -> SendingJob:
    """As remind_open, but the reminders are left to a job the worker carries out in batches
    (see sending); flushes, the caller commits."""
    due = session.exec(
        open_invitations(organisation_id, supplier_ids, now)
        .with_only_columns(col(Invitation.id))
        .order_by(col(Invitation.id))
    ).all()
    job = SendingJob(
        organisation_id=organisation_id,
        kind=REMIND,
        user_id=user_id,
        targets=list(due),
        total=len(due),
        created_at=now,
    )
    session.add(job)
    _audit_reminders(session, organisation_id, user_id, len(due))
    session.flush()
    return job


def remind_more(
    *,
    session: Session,
    organisation_id: int,
    invitation_ids: Sequence[int],
    asked_at: datetime,
    now: datetime,
) -> int:
    """Remind those of invitation_ids still open (a batch of a job asked for at asked_at,
    maybe carried out again after its runner died): one reminded since asked_at, or in the
    MANUAL_REMINDER_GAP before, is left alone. Flushes; returns how many were queued."""
    suppliers = select(Invitation.supplier_id).where(col(Invitation.id).in_(invitation_ids))
    due = session.exec(
        open_invitations(organisation_id, suppliers, now).where(
            col(Invitation.id).in_(invitation_ids)
        )
    ).all()
    count = sum(_remind(session, i, now, _not_reminded_since(asked_at)) for i in due)
    session.flush()
    return count
