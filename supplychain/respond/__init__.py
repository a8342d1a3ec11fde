"""The supplier's answering pages, reached from an emailed link, with no account."""

from flask import Blueprint

bp = Blueprint("respond", __name__)

from . import routes  # noqa: E402,F401  (registers the views on bp)
