"""Flask extensions that are created once and bound to each app in create_app."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    """Bind the extensions to app; the accounts blueprint gives Flask-Login its user loader."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Sign in to see this page.")
    login_manager.login_message_category = "info"
    # The session is bound to the user's session token (see accounts.sessions), so Flask-Login's
    # own IP/agent fingerprinting is not needed and would log out people on mobile networks.
    login_manager.session_protection = None
    csrf.init_app(app)
