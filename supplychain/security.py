"""HTTP security headers, password hashing, and stored text shown without disguise."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, Response, request
from markupsafe import Markup

from .text import FORMAT, visible

# Everything the pages use is served by us: no inline script or style, no third parties.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Argon2id at the OWASP Password Storage Cheat Sheet's first setting: 19 MiB, 2 passes, 1 lane.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    """Hash a password with Argon2id."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if password matches; a missing or malformed hash never matches."""
    if not password_hash:
        # Spend the same time as a real check so that unknown accounts are not revealed.
        _hasher.hash(password)
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _set_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def _shown(value: object) -> object:
    """Every template expression's value, without invisible format characters (see text):
    pages, mails and PDFs never show text stored before input was cleaned, or imported."""
    if isinstance(value, str) and FORMAT.search(value):
        # Taking invisible characters out of safe markup cannot make a tag: it stays safe.
        return Markup(visible(value)) if isinstance(value, Markup) else visible(value)  # noqa: S704
    return value


def init_app(app: Flask) -> None:
    app.after_request(_set_headers)
    app.jinja_env.finalize = _shown  # before any template is compiled
