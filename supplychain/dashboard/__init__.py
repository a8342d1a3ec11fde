"""The home page: a welcome for visitors, an overview for signed-in members."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from . import routes  # noqa: E402,F401  (registers the views on bp)
