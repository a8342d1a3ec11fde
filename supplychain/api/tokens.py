"""API tokens: issue, revoke, and look one up from the secret a client presents.

The secret is `sct_` followed by 256 random bits; only its SHA-256 is stored. The prefix lets
secret scanners and people recognise a leaked token; the hash of a 256-bit secret needs no salt
or slow hash, since no one can try enough secrets to find one.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from .. import audit
from ..invitations.services import aware
from ..models import ApiToken
from ..validation import InvalidInput, check_length

PREFIX = "sct_"
SCOPES = ("read", "write")
# last_used_at is written at most this often: a busy script must not turn reads into writes.
USE_RESOLUTION = timedelta(minutes=1)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(
    *,
    session: Session,
    organisation_id: int,
    user_id: int | None,
    name: str,
    scopes: Iterable[str],
) -> tuple[ApiToken, str]:
    """Make a token; return it with its secret, which is not kept and cannot be shown again."""
    name = name.strip()
    wanted = sorted(set(scopes), key=list(SCOPES).index) if set(scopes) <= set(SCOPES) else None
    errors: dict[str, object] = {}
    if not name:
        errors["name"] = _l("Give the token a name, e.g. the script that uses it.")
    check_length(errors, "name", name, 100)
    if not wanted:
        errors["scopes"] = _l("Choose what the token may do.")
    if errors:
        raise InvalidInput(errors)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        organisation_id=organisation_id,
        name=name,
        scopes=wanted,
        token_hash=digest(secret),
        hint=secret[-4:],
        created_by=user_id,
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        organisation_id=organisation_id,
        user_id=user_id,
        action="api_token.created",
        obj=token,
        object_type="api_token",
        name=name,
        scopes=" ".join(wanted or ()),
    )
    return token, secret


def revoke(*, session: Session, token: ApiToken, user_id: int | None, now: datetime) -> None:
    """Stop a token from working at once (revoking twice changes nothing)."""
    if token.revoked_at is not None:
        return
    token.revoked_at = now
    session.add(token)
    audit.record(
        session,
        organisation_id=token.organisation_id,
        user_id=user_id,
        action="api_token.revoked",
        obj=token,
        object_type="api_token",
        name=token.name,
    )
    session.flush()


def authenticate(*, session: Session, secret: str, now: datetime) -> ApiToken | None:
    """The live token with this secret, or None: unknown and revoked look the same."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = session.exec(
        select(ApiToken).where(
            ApiToken.token_hash == digest(secret), col(ApiToken.revoked_at).is_(None)
        )
    ).first()
    if token is None:
        return None
    if token.last_used_at is None or aware(token.last_used_at) < now - USE_RESOLUTION:
        token.last_used_at = now
        session.add(token)
        session.flush()
    return token
