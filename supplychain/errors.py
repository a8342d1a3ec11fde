"""Error pages that look like the rest of the product."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .db import get_session

API_PREFIX = "/api/"


def _http_error(error: HTTPException) -> Any:
    if request.path.startswith(API_PREFIX):  # the API answers in JSON, even for unknown URLs
        from .api.errors import http_error

        return http_error(error)
    code = error.code or 500
    if code == 404 and request.blueprint == "respond":
        # A supplier with a dead link: no sign-in prompt, just what to do next.
        return render_template("respond/invalid.html"), 404
    template = f"errors/{code}.html" if code in (403, 404, 429) else "errors/generic.html"
    return render_template(template, error=error), code


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    return render_template("errors/csrf.html", error=error), 400


def _server_error(error: Exception) -> Any:
    get_session().rollback()
    if request.path.startswith(API_PREFIX):
        from .api.errors import server_error

        return server_error()
    return render_template("errors/500.html"), 500


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(500, _server_error)
