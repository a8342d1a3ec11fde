"""Shared form helpers: bounded number fields, service errors next to their fields, safe `next`
targets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField

from .numbers import NotANumber, NumberError, parse_decimal, parse_integer
from .validation import InvalidInput


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
