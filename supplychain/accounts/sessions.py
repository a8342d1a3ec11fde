"""Loading the signed-in user from the session cookie."""

from __future__ import annotations

import hmac

from ..db import get_session
from ..models import User


def load_user(user_key: str) -> User | None:
    """Flask-Login's loader: the key is 'id:session_token' (see User.get_id)."""
    user_id, _, token = user_key.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = get_session().get(User, int(user_id))
    if user is None or not user.is_active:
        return None
    if not hmac.compare_digest(user.session_token, token):
        return None  # the password changed since this session began
    return user
