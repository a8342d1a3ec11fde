"""Sending questionnaires to suppliers: campaigns, links, mail, disclosures, evidence."""

from flask import Blueprint

bp = Blueprint("invitations", __name__)

from . import routes  # noqa: E402,F401  (registers the views on bp)
