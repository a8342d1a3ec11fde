"""Shared form bits: the base form with its text rules, bounded number fields, service errors put
next to their fields, and safe `next` targets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.exceptions import BadRequest
from wtforms import DecimalField, IntegerField, PasswordField, StringField
from wtforms import Form as PlainForm
from wtforms.validators import StopValidation

from .numbers import NotANumber, NumberError, parse_decimal, parse_integer
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


class EmptyForm(Form):
    """A form with only the CSRF token, for buttons that change something."""


class SubForm(PlainForm):
    """Base of forms nested in another (a table's rows): the same text rules, no CSRF."""

    class Meta(TextRulesMeta, PlainForm.Meta):
        pass


class ControlCharactersInQuery(BadRequest):
    """A query string with a control character: no search or filter holds one."""

    explained = True  # errors/generic.html shows the description
    description = _l("The address holds control characters (such as NUL); remove them and retry.")


def _refuse_control_characters_in_query() -> None:
    # PostgreSQL refuses NUL in any text parameter: a search for "a\0b" was a 500. The API is
    # left to its own schemas, which refuse such values with the documented 422 (and an
    # unknown API URL is a 404 whatever its query: it matched no route, so has no blueprint).
    if request.path.startswith("/api/"):  # errors.API_PREFIX (importing it would load the API)
        return
    if any(has_control_characters(k + "".join(vs)) for k, vs in request.args.lists()):
        raise ControlCharactersInQuery()


def init_app(app: Flask) -> None:
    app.before_request(_refuse_control_characters_in_query)


def _read(field: Any, parse: Callable[..., Any], text: Any, **bounds: Any) -> None:
    """Set field.data from text read within bounds, or raise ValueError as WTForms expects."""
    try:
        field.data = parse(str(text).strip(), **bounds)
    except NotANumber as exc:
        field.data = None
        raise ValueError(field.invalid_value_message or exc.message) from None
    except NumberError as exc:
        field.data = None
        raise ValueError(exc.message) from None


class WholeNumberField(IntegerField):
    """An IntegerField that refuses more than digits digits before converting anything."""

    def __init__(self, label: Any = None, validators: Any = None, *, digits: int, **kwargs: Any):
        super().__init__(label, validators, **kwargs)
        self.digits = digits

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist:
            _read(self, parse_integer, valuelist[0], digits=self.digits)


class BoundedDecimalField(DecimalField):
    """A DecimalField read within digits before the point and max_places after it.

    With comma, a decimal comma is read as a point, as Latvian (and most European) keyboards
    type it.
    """

    def __init__(
        self,
        label: Any = None,
        validators: Any = None,
        *,
        digits: int,
        max_places: int,
        comma: bool = True,
        **kwargs: Any,
    ):
        super().__init__(label, validators, **kwargs)
        self.digits, self.max_places, self.comma = digits, max_places, comma

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist:
            bounds = {"digits": self.digits, "places": self.max_places}
            _read(self, parse_decimal, valuelist[0], comma=self.comma, **bounds)


def apply_errors(form: FlaskForm, error: InvalidInput) -> None:
    """Attach each service error to its form field; errors for unknown fields go to the form."""
    for name, message in error.errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, str(message)]
        else:
            form.form_errors.append(str(message))


def next_target(default: str) -> str:
    """The request's `next` parameter where it is safe (see safe_next), else default."""
    return safe_next(request.args.get("next"), default)


def safe_next(target: str | None, default: str) -> str:
    """Return target if it is a path on this site, else default (no open redirects).

    Every `next` parameter goes through here. Browsers drop tab, CR and LF anywhere in a URL
    and read a backslash as a slash, so `/<tab>/evil.example` and `/\\evil.example` lead off-site;
    and Werkzeug refuses a header holding a newline. So any control character or backslash is
    refused, and what remains must be a path starting with a single slash.
    """
    if not target or any(ord(c) < 32 or ord(c) == 127 or c == "\\" for c in target):
        return default
    if not target.startswith("/") or target.startswith("//"):
        return default  # a scheme ("https:", "javascript:") or a host ("//evil.example")
    return target
