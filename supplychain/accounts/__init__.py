"""Accounts: organisations signing up, users signing in, colleagues, password resets."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from . import routes, token_routes  # noqa: E402,F401  (registers the views on bp)
