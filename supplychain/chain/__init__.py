"""The supply-chain map: suppliers and the links between them."""

from flask import Blueprint

bp = Blueprint("chain", __name__)

from . import archive_routes, import_routes, map_routes, routes  # noqa: E402,F401  (registers the views on bp)
