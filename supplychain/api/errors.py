"""The API's one error body, {"error": {"code", "message", "fields"}}, for every failure.

Clients branch on `code`; `fields` names each bad field of the query or the body, so that a
script can say what to fix. Messages are plain text in JSON, never HTML.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from .schemas import ErrorBody, ErrorDetail

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    413: "too_large",
    422: "invalid_input",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}


def error_response(
    status: int,
    message: str,
    fields: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A JSON error response; field messages may be lazy (translated) strings."""
    body = ErrorBody(
        error=ErrorDetail(
            code=CODES.get(status, "error"),
            message=message,
            fields={k: str(v) for k, v in (fields or {}).items()},
        )
    )
    return Response(
        body.model_dump_json(), status, headers=dict(headers or {}), mimetype="application/json"
    )


def validation_fields(error: ValidationError, root: str) -> dict[str, str]:
    """Pydantic's errors keyed by the dotted path of the field (root for the whole document)."""
    fields: dict[str, str] = {}
    for problem in error.errors(include_url=False, include_input=False):
        name = ".".join(str(part) for part in problem["loc"]) or root
        fields.setdefault(name, problem["msg"])
    return fields


def http_error(error: HTTPException) -> Response:
    """Any HTTP error inside /api/ (unknown URLs, wrong methods, rate limits) as JSON."""
    code = error.code or 500
    headers = {}
    if code == 405 and error.valid_methods:  # type: ignore[attr-defined]
        headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
    return error_response(code, error.name + ".", headers=headers)


def server_error() -> Response:
    return error_response(500, "Something went wrong on our side; nothing was saved.")
