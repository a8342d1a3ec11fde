"""Shared form bits: the base form with its text rules, and service errors put next to fields."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.exceptions import BadRequest
from wtforms import Form as PlainForm
from wtforms import PasswordField, StringField
from wtforms.validators import StopValidation

from .text import has_control_characters, visible
from .validation import InvalidInput

CONTROL_CHARACTERS = _l("Remove the control characters (such as NUL) from this text.")


def _visible(value: Any) -> Any:
    return visible(value) if isinstance(value, str) else value


def _no_control_characters(_form: Any, field: Any) -> None:
    if isinstance(field.data, str) and has_control_characters(field.data):
        raise StopValidation(str(CONTROL_CHARACTERS))


class TextRulesMeta:
    """Every text field refuses control characters (before its other checks) and drops invisible
    format characters (see supplychain.text). Passwords are taken as typed."""

    def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
        field = super().bind_field(form, unbound_field, options)  # type: ignore[misc]
        if isinstance(field, StringField) and not isinstance(field, PasswordField):
            field.filters = [*field.filters, _visible]
            field.validators = [_no_control_characters, *field.validators]
        return field


class Form(FlaskForm):
    """Base of the app's forms (with CSRF)."""

    class Meta(TextRulesMeta, FlaskForm.Meta):
        pass


class SubForm(PlainForm):
    """Base of forms nested in another (a table's rows): the same text rules, no CSRF."""

    class Meta(TextRulesMeta, PlainForm.Meta):
        pass


class ControlCharactersInQuery(BadRequest):
    """A query string with a control character: no search or filter holds one."""

    explained = True  # errors/generic.html shows the description
    description = _l("The address holds control characters (such as NUL); remove them and retry.")


def _refuse_control_characters_in_query() -> None:
    # PostgreSQL refuses NUL in any text parameter: a search for "a\0b" was a 500.
    if any(has_control_characters(k + "".join(vs)) for k, vs in request.args.lists()):
        raise ControlCharactersInQuery()


def init_app(app: Flask) -> None:
    app.before_request(_refuse_control_characters_in_query)


def apply_errors(form: FlaskForm, error: InvalidInput) -> None:
    """Attach each service error to its form field; errors for unknown fields go to the form."""
    for name, message in error.errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, str(message)]
        else:
            form.form_errors.append(str(message))


def safe_next(target: str | None, default: str) -> str:
    """Return target if it is a path on this site, else default (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
