"""Error pages that look like the rest of the product."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, render_template, request, session
from flask_babel import force_locale
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .db import get_session
from .i18n import page_languages

API_PREFIX = "/api/"


def _http_error(error: HTTPException) -> Any:
    if request.path.startswith(API_PREFIX):  # the API answers in JSON, even for unknown URLs
        from .api.errors import http_error

        return http_error(error)
    code = error.code or 500
    if code == 404 and request.blueprint == "respond":
        # A supplier with a dead link: no sign-in prompt, just what to do next.
        return render_template("respond/invalid.html"), 404
    if code == 413 and request.blueprint == "respond":
        # A supplier attaching too many documents at once (MAX_CONTENT_LENGTH): what to do.
        return render_template("respond/too_large.html"), 413
    if code == 404 and request.blueprint == "voice":
        return render_template("voice/invalid.html"), 404  # in no one language: a worker's page
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


RETRY_AFTER_SECONDS = 5


def _database_unavailable(error: sa.exc.DBAPIError) -> Any:
    """The database cannot be reached (restarting, failing over, locked): a temporary state,
    so 503 with a time to retry rather than an error page that blames the user's input."""
    current_app.logger.warning("database unavailable: %s", error.orig)
    try:
        get_session().rollback()
    except sa.exc.DBAPIError:  # the connection is gone; the pool replaces it on next use
        pass
    retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.path.startswith(API_PREFIX):
        from .api.errors import error_response

        return error_response(503, "The database is unavailable; try again shortly.", headers=retry)
    # The language without the signed-in user's profile, which lives in that database.
    languages = page_languages()
    lang = session.get("lang")
    if lang not in languages:
        lang = request.accept_languages.best_match(languages) or languages[0]
    with force_locale(lang):
        # Straight from the environment: render_template's context processors would load the
        # signed-in user from the database that is down.
        template = current_app.jinja_env.get_template("errors/503.html")
        page = template.render(lang=lang, retry_after=RETRY_AFTER_SECONDS)
    return page, 503, retry


def init_app(app: Flask) -> None:
    for unavailable in (sa.exc.OperationalError, sa.exc.InterfaceError):
        app.register_error_handler(unavailable, _database_unavailable)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(500, _server_error)
