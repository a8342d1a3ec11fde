"""Shared form helpers: putting service errors next to the fields they concern."""

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
    """Return target if it is a path on this site, else default (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
