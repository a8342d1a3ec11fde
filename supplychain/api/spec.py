"""Declaring an API operation once: its route, scope, query, body and response models.

`operation` registers the Flask view and records the operation; `openapi_document` builds the
OpenAPI 3.1 document from those records and the models' JSON schemas. What is validated and
what is documented are the same models, so the document cannot drift from the code.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, request
from flask import Response as FlaskResponse
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from ..access import token_scope
from .errors import CODES, error_response, validation_fields
from .schemas import MAX_ID, ErrorBody

PATH_PARAM = re.compile(r"<(?:[^:<>]+:)?(\w+)>")
REF = "#/components/schemas/{model}"
ERROR_TEXT = {
    400: "The body is not a JSON object.",
    401: "No API token, or an unknown or revoked one.",
    403: "The token lacks the scope this operation needs.",
    404: "No such object in the token's organisation.",
    409: "The object is not in a state that allows this.",
    410: "The archived file is missing or no longer matches its SHA-256.",
    422: "A field of the query or the body is invalid; `fields` names it.",
    429: "Too many requests with this token; wait a minute.",
}


@dataclass(frozen=True)
class Operation:
    rule: str
    method: str
    endpoint: str
    tag: str
    summary: str
    description: str
    scope: str
    query: type[BaseModel] | None
    body: type[BaseModel] | None
    body_required: bool
    response: type[BaseModel] | None
    status: int
    media_type: str
    errors: tuple[int, ...]


OPERATIONS: list[Operation] = []


def operation(
    bp: Blueprint,
    rule: str,
    *,
    method: str = "GET",
    tag: str,
    scope: str,
    query: type[BaseModel] | None = None,
    body: type[BaseModel] | None = None,
    body_required: bool = True,
    response: type[BaseModel] | None = None,
    status: int = 200,
    media_type: str = "application/json",
    errors: tuple[int, ...] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register view as an API operation; it gets `query`/`body` as validated models and
    returns a model of `response` (sent with `status`) or a finished Flask response.

    With body_required False, a call without a body is taken as the empty object `{}`."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        doc = (view.__doc__ or "").strip()
        summary, _, description = doc.partition("\n")
        OPERATIONS.append(
            Operation(
                rule=rule,
                method=method,
                endpoint=f"{bp.name}.{view.__name__}",
                tag=tag,
                summary=summary,
                description=description.strip(),
                scope=scope,
                query=query,
                body=body,
                body_required=body_required,
                response=response,
                status=status,
                media_type=media_type,
                errors=errors,
            )
        )

        @functools.wraps(view)
        def handle(**path: Any) -> Any:
            if query is not None:
                path["query"] = _parse(query, request.args.to_dict(), "query")
            if body is not None:
                path["body"] = _parse(body, _json_body(body_required), "body")
            result = view(**path)
            if isinstance(result, FlaskResponse):
                return result
            return FlaskResponse(result.model_dump_json(), status, mimetype="application/json")

        bp.add_url_rule(rule, view.__name__, token_scope(scope)(handle), methods=[method])
        return handle

    return decorate


def _json_body(required: bool) -> dict[str, Any]:
    """The request's JSON object (an absent body is {} where none is required), or a 400."""
    data = request.get_json(silent=True)
    if data is None and not required and not request.get_data():
        data = {}
    if not isinstance(data, dict):
        message = "Send a JSON object with Content-Type: application/json."
        abort(error_response(400, message, {"body": message}))
    return data


def _parse(model: type[BaseModel], data: Any, root: str) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = validation_fields(exc, root)
        abort(error_response(422, "Invalid " + ", ".join(sorted(fields)) + ".", fields))


def openapi_document(prefix: str, operations: list[Operation] = OPERATIONS) -> dict[str, Any]:
    """The OpenAPI 3.1 document of operations, mounted under prefix."""
    wanted: list[tuple[type[BaseModel], Any]] = [(ErrorBody, "serialization")]
    for op in operations:
        wanted += [(m, "validation") for m in (op.query, op.body) if m is not None]
        if op.response is not None:
            wanted.append((op.response, "serialization"))
    refs, defs = models_json_schema(wanted, ref_template=REF)
    components = defs.get("$defs", {})
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        path = prefix + PATH_PARAM.sub(r"{\1}", op.rule)
        paths.setdefault(path, {})[op.method.lower()] = _operation(op, refs, components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "supplychain API",
            "version": "1",
            "description": "Suppliers, links, sites, questionnaires, assessments, flags and "
            "reports of one organisation. Authenticate with `Authorization: Bearer <token>`; "
            "tokens are made by an admin under Account → API tokens.",
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearerAuth": []}],
    }


def _operation(op: Operation, refs: dict, components: dict) -> dict[str, Any]:
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        }
        for name in PATH_PARAM.findall(op.rule)
    ]
    if op.query is not None:
        schema = _resolve(refs[(op.query, "validation")], components)
        for name, prop in schema.get("properties", {}).items():
            parameters.append(
                {
                    "name": name,
                    "in": "query",
                    "required": name in schema.get("required", ()),
                    "description": prop.get("description", ""),
                    "schema": _not_null(prop),
                }
            )
    success: dict[str, Any] = {"description": "No content" if op.status == 204 else "OK"}
    if op.response is not None:
        success["content"] = {op.media_type: {"schema": refs[(op.response, "serialization")]}}
    elif op.status != 204:  # 204 No Content has no body to describe
        success["content"] = {op.media_type: {"schema": {"type": "string", "format": "binary"}}}
    codes = {401, 403, 429, *op.errors}
    if parameters and any(p["in"] == "path" for p in parameters):
        codes.add(404)
    if op.query is not None or op.body is not None:
        codes.add(422)
    if op.body is not None:
        codes.add(400)
    error = {"application/json": {"schema": refs[(ErrorBody, "serialization")]}}
    responses: dict[str, Any] = {str(op.status): success}
    for code in sorted(codes):
        responses[str(code)] = {"description": ERROR_TEXT.get(code, CODES[code]), "content": error}
    item: dict[str, Any] = {
        "operationId": op.endpoint.replace(".", "_"),
        "summary": op.summary,
        "tags": [op.tag],
        "description": f"{op.description}\n\nNeeds a token with the `{op.scope}` scope.".strip(),
        "parameters": parameters,
        "responses": responses,
    }
    if op.body is not None:
        item["requestBody"] = {
            "required": op.body_required,
            "content": {"application/json": {"schema": refs[(op.body, "validation")]}},
        }
    return item


def _not_null(schema: dict) -> dict:
    """A query parameter's schema without its null: a query string cannot carry one (leaving
    the parameter out is what None means)."""
    choices = [c for c in schema.get("anyOf", ()) if c != {"type": "null"}]
    if "anyOf" not in schema or not choices:
        return schema
    rest = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
    return {**rest, **choices[0]} if len(choices) == 1 else {**rest, "anyOf": choices}


def _resolve(schema: dict, components: dict) -> dict:
    ref = schema.get("$ref", "")
    return components[ref.rsplit("/", 1)[-1]] if ref else schema
