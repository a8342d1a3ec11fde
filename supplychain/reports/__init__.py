"""Reports: the risk report as a PDF made in the background and archived, and exports of a
run's flags as CSV, XLSX and JSON."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from . import routes  # noqa: E402,F401  (registers the views on bp)
