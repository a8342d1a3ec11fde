"""The JSON API (/api/v1): token-authenticated, per organisation, described by OpenAPI.

CSRF protection is off for this blueprint: its calls carry a bearer token, and a session
cookie never authenticates them (see auth.check_token), so a forged cross-site request has
nothing to ride on.
"""

from flask import Blueprint

from ..extensions import csrf
from . import auth

bp = Blueprint("api", __name__)
csrf.exempt(bp)
bp.record_once(auth.register)

from . import risk_routes, routes  # noqa: E402,F401  (registers the views on bp)
