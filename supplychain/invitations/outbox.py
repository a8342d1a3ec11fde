"""The mail outbox: queue a mail in the caller's transaction, then claim, send, retry or give up.

A row is claimed for a lease before it is sent, so a worker killed mid-batch loses nothing: its
rows become claimable again when the lease runs out. Delivery is therefore at least once; the
Message-ID fixed at enqueue time lets mail clients fold a resent copy into the first.
"""

from __future__ import annotations

import smtplib
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, or_, select

from .. import audit, mail
from ..jobstate import aware
from ..mail import DEFAULT_DOMAIN
from ..models import Invitation, OutboxMessage, OutboxStatus, utcnow
from ..tenancy import in_org
from .allowance import LIMITED_KINDS, Allowance, Policy, may_be_sent

MAX_BACKOFF = timedelta(hours=6)


def enqueue(
    *,
    session: Session,
    to: str,
    subject: str,
    text: str,
    html: str,
    kind: str,
    organisation_id: int | None = None,
    invitation_id: int | None = None,
    now: datetime | None = None,
    mail_domain: str = DEFAULT_DOMAIN,
) -> OutboxMessage:
    """Add a pending mail to the caller's transaction; it is sent only if that commits."""
    now = now or utcnow()
    message = OutboxMessage(
        organisation_id=organisation_id,
        invitation_id=invitation_id,
        kind=kind,
        recipient=to,
        subject=subject,
        text_body=text,
        html_body=html,
        message_id=f"<outbox.{uuid.uuid4().hex}@{mail_domain}>",
        status=OutboxStatus.PENDING,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(message)
    session.flush()
    return message


def claim_batch(
    *,
    session: Session,
    now: datetime,
    limit: int,
    lease: timedelta,
    policy: Policy | None = None,
) -> list[OutboxMessage]:
    """Claim up to limit due messages, oldest first, for lease; commits so other workers see it.

    Mail to others from an organisation not yet confirmed is left waiting, and mail over a new
    organisation's daily limit is put off to the next day (see allowance).
    """
    lock_for_writing(session)
    allowance = Allowance(session, policy or Policy.from_config({}), now)
    while True:
        due = session.exec(
            select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
                or_(
                    col(OutboxMessage.claimed_until).is_(None),
                    col(OutboxMessage.claimed_until) < now,
                ),
                may_be_sent(),
            )
            .order_by(col(OutboxMessage.created_at), col(OutboxMessage.id))
            .limit(limit)
            # PostgreSQL: rows another worker is claiming right now are skipped, not waited
            # for. SQLite compiles no FOR UPDATE; the write lock taken above serialises claims.
            .with_for_update(skip_locked=True)
        ).all()
        claimed = [message for message in due if allowance.admit(message)]
        # A batch put off whole is no longer due: look again, or a day's limit of one
        # organisation would hold up everyone's mail behind it.
        if claimed or not due:
            break
    for message in claimed:
        message.claimed_until = now + lease
        session.add(message)
    session.commit()
    return claimed


def next_due(*, session: Session, now: datetime) -> datetime | None:
    """When a pending message may next be claimed: its next try, or the end of another
    worker's lease on it; None when none waits for a time (mail held for an organisation's
    confirmation waits for that, not for a time)."""
    pending = (OutboxMessage.status == OutboxStatus.PENDING, may_be_sent())
    free = session.exec(
        select(OutboxMessage.next_attempt_at)
        .where(
            *pending,
            or_(
                col(OutboxMessage.claimed_until).is_(None),
                col(OutboxMessage.claimed_until) <= now,
            ),
        )
        .order_by(col(OutboxMessage.next_attempt_at))
        .limit(1)
    ).first()
    leased = session.exec(
        select(OutboxMessage.claimed_until)
        .where(*pending, col(OutboxMessage.claimed_until) > now)
        .order_by(col(OutboxMessage.claimed_until))
        .limit(1)
    ).first()
    return min((aware(t) for t in (free, leased) if t is not None), default=None)


def send_now(
    *, session: Session, message: OutboxMessage, config: Mapping[str, Any], now: datetime
) -> bool:
    """Try a just-queued message at once, for mail a person is waiting for (a password reset);
    commits. If another process has claimed it, or the try fails, it stays in the outbox and
    the worker retries it with backoff like any other. True when it was sent.

    Mail to others that must wait (see allowance) is not tried, and False is returned.
    """
    if message.kind in LIMITED_KINDS and not _may_go_now(session, message, config, now):
        session.commit()
        return False
    lease = timedelta(seconds=int(config.get("OUTBOX_LEASE_SECONDS", 300)))
    claimed = session.execute(
        sa.update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == message.id,
            OutboxMessage.status == OutboxStatus.PENDING,
            or_(col(OutboxMessage.claimed_until).is_(None), col(OutboxMessage.claimed_until) < now),
        )
        .values(claimed_until=now + lease)
    )
    session.commit()
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.refresh(message)
    send_one(session=session, message=message, config=config, now=now)
    return message.status == OutboxStatus.SENT


def _may_go_now(
    session: Session, message: OutboxMessage, config: Mapping[str, Any], now: datetime
) -> bool:
    lock_for_writing(session)
    allowed = session.exec(
        select(OutboxMessage.id).where(OutboxMessage.id == message.id, may_be_sent())
    ).first()
    return allowed is not None and Allowance(session, Policy.from_config(config), now).admit(
        message
    )


def lock_for_writing(session: Session) -> None:
    """On SQLite, take the write lock now, before reading what the transaction will change.

    SQLite starts a transaction lazily, at the first write: two workers could both read the
    same due rows before either writes. BEGIN IMMEDIATE waits for the lock instead.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:  # type: ignore[attr-defined]
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def release(*, session: Session, messages: Sequence[OutboxMessage]) -> None:
    """Give back claimed messages that were not tried, so the next worker need not wait."""
    for message in messages:
        if message.status == OutboxStatus.PENDING:
            message.claimed_until = None
            session.add(message)
    session.flush()


def send_one(
    *, session: Session, message: OutboxMessage, config: Mapping[str, Any], now: datetime
) -> None:
    """Try to deliver one claimed message and record the outcome; commits."""
    try:
        mail.deliver(config, _build(config, message))
    except Exception as exc:
        # Any failure is recorded on the row: one bad mail (a header the email package
        # rejects, say) must not stop the batch.
        if is_permanent(exc):
            _give_up(session, message, exc, now, bounced=True)
        else:
            _retry_later(session, message, exc, now, config)
    else:
        _mark_sent(session, message, now)
    session.commit()


def _build(config: Mapping[str, Any], message: OutboxMessage) -> EmailMessage:
    email = mail.compose(
        config,
        to=message.recipient,
        subject=message.subject,
        text=message.text_body,
        html=message.html_body or None,
    )
    email.replace_header("Message-ID", message.message_id)
    return email


def is_permanent(exc: BaseException) -> bool:
    """Whether the receiving server refused this recipient or message for good (5xx).

    A refused login or sender, or a 4xx (greylisting, a full disk), is a problem of the moment
    or of our settings, shared by every message: those are retried, not bounced.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _text in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500


def backoff(attempts: int, base_seconds: float) -> timedelta:
    """The wait before the next try after attempts failures: base, doubling, at most 6 hours."""
    exponent = min(max(attempts - 1, 0), 30)  # 2**30 × base is far past the cap already
    return min(timedelta(seconds=base_seconds * 2**exponent), MAX_BACKOFF)


def _mark_sent(session: Session, message: OutboxMessage, now: datetime) -> None:
    message.status = OutboxStatus.SENT
    message.sent_at = now
    message.claimed_until = None
    message.last_error = ""
    # The bodies hold the invitation link, whose token is secret; the subject and recipient
    # stay as the record of what was sent to whom.
    message.text_body = ""
    message.html_body = ""
    session.add(message)
    invitation = _invitation(session, message)
    if invitation is not None and invitation.sent_at is None:
        invitation.sent_at = now
        session.add(invitation)


def _retry_later(
    session: Session,
    message: OutboxMessage,
    exc: BaseException,
    now: datetime,
    config: Mapping[str, Any],
) -> None:
    message.attempts += 1
    if message.attempts >= int(config.get("OUTBOX_MAX_ATTEMPTS", 8)):
        _give_up(session, message, exc, now, bounced=False)
        return
    message.last_error = _describe(exc)
    message.next_attempt_at = now + backoff(
        message.attempts, float(config.get("OUTBOX_RETRY_SECONDS", 30))
    )
    message.claimed_until = None
    session.add(message)


def _give_up(
    session: Session, message: OutboxMessage, exc: BaseException, now: datetime, *, bounced: bool
) -> None:
    message.status = OutboxStatus.DEAD
    message.last_error = _describe(exc)
    message.claimed_until = None
    session.add(message)
    invitation = _invitation(session, message) if bounced else None
    if invitation is not None:
        invitation.bounced_at = now
        session.add(invitation)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:1000]


def _invitation(session: Session, message: OutboxMessage) -> Invitation | None:
    if message.invitation_id is None:
        return None
    return session.get(Invitation, message.invitation_id)


def withdraw(*, session: Session, invitation_id: int) -> None:
    """Drop an invitation's unsent mail once its link is revoked or replaced: it holds a dead
    (and secret) link, and the supplier must not get it."""
    unsent = session.exec(
        select(OutboxMessage).where(
            OutboxMessage.invitation_id == invitation_id,
            OutboxMessage.status != OutboxStatus.SENT,
        )
    ).all()
    for message in unsent:
        session.delete(message)
    session.flush()


def dead_letters(*, session: Session, organisation_id: int) -> list[OutboxMessage]:
    """The organisation's mail that was given up on, newest first, for its admins."""
    return list(
        session.exec(
            in_org(OutboxMessage, organisation_id)
            .where(OutboxMessage.status == OutboxStatus.DEAD)
            .order_by(col(OutboxMessage.created_at).desc(), col(OutboxMessage.id).desc())
        ).all()
    )


def retry(
    *,
    session: Session,
    message: OutboxMessage,
    now: datetime | None = None,
    user_id: int | None = None,
) -> None:
    """Put a dead message back in the queue with a fresh count of attempts (flushes)."""
    if message.status != OutboxStatus.DEAD:
        raise ValueError(f"outbox message {message.id} is {message.status.value}, not dead")
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    invitation = _invitation(session, message)
    if invitation is not None and invitation.bounced_at is not None:
        invitation.bounced_at = None  # tried again: no longer known to bounce
        session.add(invitation)
    message.next_attempt_at = now or utcnow()
    message.claimed_until = None
    session.add(message)
    if message.organisation_id is not None:
        audit.record(
            session, user_id=user_id, action="outbox.retried", obj=message, kind=message.kind
        )
    session.flush()
