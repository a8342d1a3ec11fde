"""The error services raise for bad input, naming each field, and shared field checks."""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Mapping
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from .reference.codes import normalise_country
from .text import CONTROL, visible

TYPED_LIMIT = 40  # characters of a refused value shown back in its error
_WORD_BREAKS = re.compile(r"[\s_\-\u2010-\u2015]+")


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


def typed(value: object, limit: int = TYPED_LIMIT) -> str:
    """What someone typed, to show back in an error: invisible characters taken out, control
    characters replaced, at most limit characters (then "…"). Templates escape it."""
    text = CONTROL.sub("\ufffd", visible(str(value))).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def enum_value(value: object) -> str:
    """A choice as typed, in the form of our enum values: "Labour hire", "labour-hire" and
    " LABOUR_HIRE " all read as "labour_hire"."""
    if isinstance(value, enum.Enum):
        return str(value.value)
    return _enum_text(str(value))


@functools.lru_cache(maxsize=256)  # a file repeats a handful of spellings on every row
def _enum_text(text: str) -> str:
    return _WORD_BREAKS.sub("_", text.strip().casefold())


def unknown_country(value: str) -> Any:
    """The error for a country that cannot be resolved, showing what was typed. Put it in a
    page as str(): Jinja takes a lazy string for safe markup, and this one holds input."""
    return _l(
        '"%(typed)s" is not a country we know: type its ISO code (LV) or its name in English,'
        " Latvian or Russian (Latvia, Latvija, Латвия).",
        typed=typed(value),
    )


def check_country(errors: dict[str, Any], field: str, value: str, *, required: bool) -> str:
    """The alpha-2 code of the country typed in field (a code or a name, see
    reference.codes.normalise_country), or "" with an error recorded for field."""
    text = value.strip()
    if not text:
        if required:
            errors[field] = _l("Enter the country.")
        return ""
    code = normalise_country(text)
    if code is None:
        errors[field] = unknown_country(text)
    return code or ""
