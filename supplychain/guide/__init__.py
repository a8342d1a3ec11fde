"""The prevention guide: what to do about each risk, inside the product."""

from flask import Blueprint

bp = Blueprint("guide", __name__)

from . import routes  # noqa: E402,F401  (registers the views on bp)
