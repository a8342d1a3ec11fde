"""Who is calling the API: the organisation of the bearer token, never a session cookie."""

from __future__ import annotations

from flask import abort, g, request
from flask.blueprints import BlueprintSetupState

from ..db import get_session
from ..extensions import login_manager
from ..models import ApiToken, utcnow
from . import tokens
from .errors import error_response


def check_token(scope: str) -> None:
    """Let the request through if it carries a live token holding scope; else 401 or 403."""
    # Flask-Login would find the user in the session cookie. Making current_user anonymous
    # here means nothing later in an API request can act on a browser's session, so a page
    # elsewhere cannot make a signed-in browser call the API (no CSRF through the API).
    g._login_user = login_manager.anonymous_user()
    kind, _, secret = request.headers.get("Authorization", "").partition(" ")
    session = get_session()
    token = None
    if kind.lower() == "bearer":
        token = tokens.authenticate(session=session, secret=secret.strip(), now=utcnow())
    if token is None:
        abort(
            error_response(
                401,
                "Send a valid API token: Authorization: Bearer <token>.",
                headers={"WWW-Authenticate": 'Bearer realm="supplychain"'},
            )
        )
    session.commit()  # the token's last use, kept even if the call then fails
    if scope not in token.scopes:
        abort(error_response(403, f"This token may not do this: it needs the {scope} scope."))
    g.api_token = token


def current_token() -> ApiToken:
    """The token of this API request (set by check_token)."""
    return g.api_token


def org_id() -> int:
    """The organisation the calling token belongs to: every API query is scoped to it."""
    return current_token().organisation_id


def actor_id() -> int | None:
    """Who the audit trail names for an API write: the admin who made the token."""
    return current_token().created_by


def register(state: BlueprintSetupState) -> None:
    state.app.extensions["token_access"] = check_token
