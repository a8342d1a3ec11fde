"""Account services: plain functions over an explicit session; they flush, callers commit."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, func, select

from .. import audit
from ..models import Organisation, Role, TokenPurpose, User, UserToken, utcnow
from ..reference.codes import normalise_country
from ..security import hash_password, verify_password
from ..tenancy import in_org
from ..validation import InvalidInput, check_length, normalise_email
from . import passwords

MIN_PASSWORD = 12
MAX_PASSWORD = 128
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def check_password(password: str, *, context: Iterable[str] = (), field: str = "password") -> None:
    """Raise InvalidInput unless password has an acceptable length and is hard to guess.

    context: what an attacker may know of its owner (email, names, organisation), whose words
    a password must not be built on.
    """
    if len(password) < MIN_PASSWORD:
        raise InvalidInput({field: _l("Use at least %(n)d characters.", n=MIN_PASSWORD)})
    if len(password) > MAX_PASSWORD:
        raise InvalidInput({field: _l("At most %(n)d characters.", n=MAX_PASSWORD)})
    reason = passwords.weakness(password, passwords.context_words(*context))
    if reason is not None:
        raise InvalidInput({field: reason})


def _context(session: Session, organisation_id: int, *texts: str) -> tuple[str, ...]:
    """What an attacker may know of a user: their own details and their organisation's names."""
    organisation = session.get(Organisation, organisation_id)
    assert organisation is not None
    return (*texts, organisation.name, organisation.slug)


def _check_organisation(
    session: Session, slug: str, name: str
) -> tuple[str, str, dict[str, object]]:
    """The cleaned slug and name of a new organisation, and what is wrong with them."""
    slug = slug.strip().lower()
    name = name.strip()
    errors: dict[str, object] = {}
    if not SLUG_RE.match(slug):
        errors["slug"] = _l("Use lower-case letters, digits and hyphens (at most 64).")
    elif session.exec(select(Organisation).where(Organisation.slug == slug)).first():
        errors["slug"] = _l("This short name is taken.")
    if not name:
        errors["name"] = _l("Enter a name.")
    check_length(errors, "name", name, 200)
    return slug, name, errors


def create_organisation(
    *, session: Session, slug: str, name: str, country: str = ""
) -> Organisation:
    """Add an organisation; the slug names it in URLs and on the command line. country (an
    ISO 3166-1 alpha-2 code, or empty) is where it works: where its chain's work is done unless
    a link names another country.

    It mails no one outside it until one of its admins has a confirmed address.
    """
    slug, name, errors = _check_organisation(session, slug, name)
    code = normalise_country(country) if country.strip() else ""
    if code is None:
        errors["country"] = _l("Enter a two-letter ISO country code, e.g. LV.")
    if errors:
        raise InvalidInput(errors)
    organisation = Organisation(slug=slug, name=name, country=code or "")
    session.add(organisation)
    session.flush()
    return organisation


def create_user(
    *,
    session: Session,
    organisation_id: int,
    email: str,
    role: Role,
    password: str | None = None,
    name: str = "",
    actor_id: int | None = None,
    email_confirmed: bool = True,
) -> User:
    """Add a user; without a password the account waits for an emailed invitation.

    :param email_confirmed: whether whoever makes an account with a password vouches for its
        address (an operator does, a stranger signing up does not). An invited user's address
        is confirmed when they accept the emailed invitation.
    """
    email = normalise_email(email)
    name = name.strip()
    errors: dict[str, object] = {}
    check_length(errors, "name", name, 200)
    check_length(errors, "email", email, 254)
    if find_user(session=session, email=email) is not None:
        errors["email"] = _l("An account with this email address already exists.")
    if errors:
        raise InvalidInput(errors)
    if password is not None:
        check_password(password, context=_context(session, organisation_id, email, name))
    user = User(
        organisation_id=organisation_id,
        email=email,
        name=name,
        role=Role(role),
        password_hash=hash_password(password) if password is not None else None,
        session_token=secrets.token_urlsafe(24),
    )
    session.add(user)
    session.flush()
    if password is not None and email_confirmed:
        confirm_address(session=session, user=user, now=utcnow())
    audit.record(
        session,
        user_id=actor_id or user.id,
        action="user.created",
        obj=user,
        email=email,
        role=user.role.value,
    )
    return user


@dataclass(frozen=True)
class SignUp:
    """What a sign-up did: made an account waiting for its address to be confirmed
    (created), or nothing, because the address already has an account (user is that one)."""

    user: User
    created: bool


def sign_up(
    *, session: Session, organisation_name: str, slug: str, name: str, email: str, password: str
) -> SignUp:
    """Create an organisation with its first user, its admin, who signs in only once the
    address is confirmed; or, when the address has an account already, change nothing.

    The caller answers both cases alike (and mails the address either way), so the form tells
    no one which addresses have accounts. Every problem is reported at once, each under its
    own form field.
    """
    existing = find_user(session=session, email=email)
    if existing is not None and _abandoned_sign_up(session, existing):
        # Nobody proved this address: whoever reads its mail may start afresh (the first
        # mail may be lost, or someone else may have used the address).
        _discard_sign_up(session, existing)
        existing = None
    slug, organisation_name, problems = _check_organisation(session, slug, organisation_name)
    errors = {"organisation_name" if k == "name" else k: v for k, v in problems.items()}
    for check in (
        lambda: normalise_email(email),
        lambda: check_password(password, context=(email, name, organisation_name, slug)),
    ):
        try:
            check()
        except InvalidInput as exc:
            errors.update(exc.errors)
    if errors:
        raise InvalidInput(errors)
    if existing is not None:
        hash_password(password)  # as much work as a new account: the time taken tells nothing
        return SignUp(user=existing, created=False)
    organisation = create_organisation(session=session, slug=slug, name=organisation_name)
    user = create_user(
        session=session,
        organisation_id=organisation.id,  # type: ignore[arg-type]
        email=email,
        role=Role.ADMIN,
        password=password,
        name=name,
        email_confirmed=False,
    )
    return SignUp(user=user, created=True)


def _abandoned_sign_up(session: Session, user: User) -> bool:
    """Whether user is a sign-up never confirmed: the only member of an organisation that
    never confirmed an address (and so could never sign in or hold any data)."""
    if user.email_confirmed_at is not None or user.last_login_at is not None:
        return False
    organisation = session.get(Organisation, user.organisation_id)
    if organisation is None or organisation.confirmed_at is not None:
        return False
    members = session.exec(in_org(User, user.organisation_id)).all()
    return [member.id for member in members] == [user.id]


def _discard_sign_up(session: Session, user: User) -> None:
    organisation = session.get(Organisation, user.organisation_id)
    session.delete(user)
    session.flush()  # the user first: the organisation's delete would cascade to it
    session.delete(organisation)  # its tokens and audit lines go with it (ON DELETE CASCADE)
    session.flush()


def delete_unconfirmed_sign_ups(*, session: Session, now: datetime, days: int) -> int:
    """Delete the sign-ups whose address was not confirmed within days of signing up, each
    with its organisation (see _abandoned_sign_up); return how many went.

    No audit entry: an organisation's trail goes with it, and one that never confirmed an
    address never held anything else to account for."""
    cutoff = now - timedelta(days=days)
    candidates = session.exec(
        select(User)
        .join(Organisation, col(Organisation.id) == col(User.organisation_id))
        .where(col(Organisation.confirmed_at).is_(None))
        .where(col(User.email_confirmed_at).is_(None))
        .where(col(User.last_login_at).is_(None))
        .where(col(User.created_at) < cutoff)
    ).all()
    abandoned = [user for user in candidates if _abandoned_sign_up(session, user)]
    for user in abandoned:
        _discard_sign_up(session, user)
    return len(abandoned)


def confirm_address(*, session: Session, user: User, now: datetime) -> None:
    """Record that user's address is proven theirs; an admin's confirms their organisation."""
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
        session.add(user)
    if user.role == Role.ADMIN:
        organisation = session.get(Organisation, user.organisation_id)
        if organisation is not None and organisation.confirmed_at is None:
            organisation.confirmed_at = now
            session.add(organisation)


def confirm_with_token(*, session: Session, raw: str, password: str, now: datetime) -> User | None:
    """Confirm the address a confirmation link was mailed to; None if the link or the
    password is wrong. The account's password is asked too: a link that reaches the address's
    owner (or their mail scanner) cannot confirm an account someone else made with it."""
    token = peek_token(session=session, raw=raw, purpose=TokenPurpose.EMAIL_CONFIRMATION, now=now)
    user = session.get(User, token.user_id) if token is not None else None
    if token is None or user is None or not user.is_active:
        verify_password(None, password)  # same cost either way
        return None
    if not verify_password(user.password_hash, password):
        return None
    token.used_at = now
    session.add(token)
    confirm_address(session=session, user=user, now=now)
    return user


def find_user(*, session: Session, email: str) -> User | None:
    return session.exec(select(User).where(func.lower(User.email) == email.strip().lower())).first()


def authenticate(*, session: Session, email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None."""
    user = find_user(session=session, email=email)
    if user is None or not user.is_active:
        verify_password(None, password)  # same cost either way
        return None
    return user if verify_password(user.password_hash, password) else None


def record_login(*, session: Session, user: User) -> None:
    user.last_login_at = utcnow()
    audit.record(session, user_id=user.id, action="user.login", obj=user)


def set_password(*, session: Session, user: User, password: str) -> None:
    """Set a new password, end every session of this user and void their emailed links.

    It never switches an account on: a link mailed before an admin switched someone off must
    not bring them back.
    """
    check_password(password, context=_context(session, user.organisation_id, user.email, user.name))
    user.password_hash = hash_password(password)
    end_sessions(session=session, user=user)
    void_tokens(session=session, user=user)
    audit.record(session, user_id=user.id, action="user.password_set", obj=user)


def end_sessions(*, session: Session, user: User) -> None:
    """End every session of user, on every device and in every copied cookie.

    The session cookie names the user's session token (User.get_id) and the loader checks it,
    so a new token makes every cookie issued so far worthless.
    """
    user.session_token = secrets.token_urlsafe(24)
    session.add(user)


def void_tokens(*, session: Session, user: User) -> None:
    """Delete user's unused emailed tokens: their links then answer as unknown ones."""
    session.flush()  # a token marked used in this transaction is kept as a record
    session.execute(
        sa.delete(UserToken).where(
            col(UserToken.user_id) == user.id, col(UserToken.used_at).is_(None)
        )
    )


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(*, session: Session, user: User, purpose: TokenPurpose, lifetime: timedelta) -> str:
    """Store the hash of a new single-use token for user and return the token itself.

    Any earlier link of the user stops working: only the newest one mailed is live.
    """
    void_tokens(session=session, user=user)
    raw = secrets.token_urlsafe(32)
    session.add(
        UserToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=_digest(raw),
            expires_at=utcnow() + lifetime,
        )
    )
    session.flush()
    return raw


def peek_token(
    *, session: Session, raw: str, purpose: TokenPurpose, now: datetime
) -> UserToken | None:
    """The live token matching raw for purpose, or None if unknown, used, expired or its user
    is switched off."""
    token = session.exec(select(UserToken).where(UserToken.token_hash == _digest(raw))).first()
    if token is None or token.purpose != purpose or token.used_at is not None:
        return None
    user = session.get(User, token.user_id)
    if user is None or not user.is_active:
        return None
    if _aware(token.expires_at) <= now:
        return None
    return token


def redeem_token(
    *, session: Session, raw: str, purpose: TokenPurpose, password: str, now: datetime
) -> User | None:
    """Use a token to set the user's password; the token then stops working."""
    token = peek_token(session=session, raw=raw, purpose=purpose, now=now)
    if token is None:
        return None
    user = session.get(User, token.user_id)
    assert user is not None
    token.used_at = now
    session.add(token)
    set_password(session=session, user=user, password=password)
    return user


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes even for timezone-aware columns; they were stored as UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def change_role(*, session: Session, user: User, role: Role, actor: User) -> None:
    """Give user a new role; an organisation always keeps at least one active admin."""
    if user.role == Role.ADMIN and role != Role.ADMIN and _active_admins(session, user) <= 1:
        raise InvalidInput({"role": _l("The organisation needs at least one admin.")})
    user.role = Role(role)
    session.add(user)
    audit.record(
        session, user_id=actor.id, action="user.role_changed", obj=user, role=user.role.value
    )


def set_active(*, session: Session, user: User, active: bool, actor: User) -> None:
    """Switch an account off (it can no longer sign in, its sessions end and its emailed links
    stop working) or back on."""
    if not active and user.role == Role.ADMIN and _active_admins(session, user) <= 1:
        raise InvalidInput({"active": _l("The organisation needs at least one admin.")})
    user.is_active = active
    end_sessions(session=session, user=user)
    if not active:
        void_tokens(session=session, user=user)
    audit.record(
        session,
        user_id=actor.id,
        action="user.activated" if active else "user.deactivated",
        obj=user,
    )


def _active_admins(session: Session, user: User) -> int:
    admins = in_org(User, user.organisation_id).where(User.role == Role.ADMIN, User.is_active)
    return len(session.exec(admins).all())
