"""Risk flags from the chain's structure and from answers."""

from flask import Blueprint

bp = Blueprint("risk", __name__)

from . import routes  # noqa: E402,F401  (registers the views on bp)
