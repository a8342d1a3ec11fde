"""The error services raise for bad input, naming each field, and shared field checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l


class InvalidInput(Exception):  # noqa: N818 (reads better at the raise site than ...Error)
    """Input rejected by a service; errors maps a field name to a message for that field."""

    def __init__(self, errors: Mapping[str, Any]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


def normalise_email(value: str, *, field: str = "email") -> str:
    """Return the address in normal form, or raise InvalidInput for field."""
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidInput({field: _l("Enter a valid email address.")}) from None


def check_length(errors: dict[str, Any], field: str, value: str, maximum: int) -> None:
    """Record an error for field if value is longer than maximum characters."""
    if len(value) > maximum:
        errors[field] = _l("At most %(n)d characters.", n=maximum)
