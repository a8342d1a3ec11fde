"""Shared form helpers: service errors next to the fields they concern, safe `next` targets."""

from __future__ import annotations

from flask_wtf import FlaskForm

from .validation import InvalidInput


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
