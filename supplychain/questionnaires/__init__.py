"""Questionnaires as data: the file format, the catalogue, forms generated from it, answers."""

from flask import Blueprint

bp = Blueprint("questionnaires", __name__)

from . import routes  # noqa: E402,F401  (registers the views on bp)
