"""Who may call which view: every endpoint declares a rule, and undeclared ones are refused.

Deny-by-default means a new route cannot leak data just because someone forgot a decorator:
it answers 403 until it says who it is for, and the tenant-isolation test names it.
API endpoints declare a token scope instead of a role: there the session cookie never counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request
from flask_login import current_user

from .extensions import login_manager
from .models import Role

F = TypeVar("F", bound=Callable[..., Any])

_RANK = {Role.VIEWER: 1, Role.OFFICER: 2, Role.ADMIN: 3}


@dataclass(frozen=True)
class AccessRule:
    """public: anyone, no account; scope: an API token holding it; otherwise a signed-in member
    with at least `role`."""

    public: bool
    role: Role | None = None
    scope: str | None = None


PUBLIC = AccessRule(public=True)


def public(view: F) -> F:
    """Open to anyone, signed in or not (sign-in pages, token links, static files)."""
    view.access_rule = PUBLIC  # type: ignore[attr-defined]
    return view


def requires(role: Role) -> Callable[[F], F]:
    """Open to signed-in members of an organisation with at least `role`."""

    def decorate(view: F) -> F:
        view.access_rule = AccessRule(public=False, role=role)  # type: ignore[attr-defined]
        return view

    return decorate


def token_scope(scope: str) -> Callable[[F], F]:
    """Open to callers presenting an API token that holds scope (never to a session cookie)."""

    def decorate(view: F) -> F:
        view.access_rule = AccessRule(public=False, scope=scope)  # type: ignore[attr-defined]
        return view

    return decorate


def can(role: Role) -> bool:
    """True if the signed-in user holds at least `role` (for showing or hiding actions)."""
    return bool(current_user.is_authenticated) and _RANK[current_user.role] >= _RANK[role]


def rule_for(app: Flask, endpoint: str) -> AccessRule | None:
    """The access rule declared for endpoint, or None if it has none."""
    special = app.extensions["access_rules"].get(endpoint)
    if special is not None:
        return special
    return getattr(app.view_functions.get(endpoint), "access_rule", None)


def _enforce() -> Any:
    if request.endpoint is None:  # no route matched: let the 404/405 handlers answer
        return None
    rule = rule_for(current_app, request.endpoint)
    if rule is None:
        current_app.logger.error("endpoint %s declares no access rule", request.endpoint)
        abort(403)
    if rule.public:
        return None
    if rule.scope is not None:
        # The API registers the token check; without it, a scoped endpoint is closed.
        check = current_app.extensions.get("token_access")
        if check is None:
            abort(403)
        return check(rule.scope)
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    assert rule.role is not None
    if _RANK[current_user.role] < _RANK[rule.role]:
        abort(403)
    return None


def init_app(app: Flask) -> None:
    app.extensions["access_rules"] = {"static": PUBLIC}
    app.before_request(_enforce)
    app.jinja_env.globals["can"] = can
    app.jinja_env.globals["Role"] = Role
