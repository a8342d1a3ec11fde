"""The web side of the field types: WTForms fields with our messages, for fields.py to build with.

A field type's `field` and `check` get this module as `ui`, so that fields.py itself imports
neither Flask nor WTForms. Every field is Optional(): whether an answer is required depends on
show_if, which the answer form decides after reading every field (see formgen.AnswerForm.validate).
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    EmailField,
    FieldList,
    FormField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, Length, NumberRange, Optional, ValidationError

from ..forms import BoundedDecimalField, SubForm, WholeNumberField
from ..numbers import row_id
from ..reference.codes import normalise_country
from ..validation import unknown_country

YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]
YES_NO_LABELS = {c.value: c.label for c in YES_NO}
REQUIRED_CELL = _l("Fill this in, or clear the whole row.")


def yes_no() -> list[SelectChoice]:
    # Translated once, when the form class of a language is built: a lazy label would be
    # looked up again on every page that draws it.
    return [SelectChoice(c.value, str(c.label)) for c in YES_NO]


def plain(value: Any) -> str:
    """One stored value as a person reads it (yes and no in the current language)."""
    if value in ("yes", "no"):
        return str(YES_NO_LABELS[value])
    return str(value)


# WTForms has no Latvian catalogue: every message a respondent can see is ours.
NOT_A_CHOICE = {"invalid_choice_message": _l("Choose one of the answers offered.")}
NOT_WHOLE = {"invalid_value_message": _l("Enter a whole number, e.g. 12.")}
NOT_NUMBER = {"invalid_value_message": _l("Enter a number, e.g. 12.5.")}
NOT_DATE = {"invalid_value_message": _l("Enter a date as YYYY-MM-DD.")}
TOO_LONG = _l("At most %(max)d characters.")
# How large and how fine an answered number may be: more than any count, sum or share a
# supplier reports, and few enough digits that the answer is stored and compared exactly.
DIGITS, PLACES = 15, 6


def radio(label: Any, choices: list[SelectChoice]) -> Any:
    return RadioField(label, choices=choices, validators=[Optional()], **NOT_A_CHOICE)


def checkboxes(label: Any, choices: list[SelectChoice]) -> Any:
    return SelectMultipleField(label, choices=choices, validators=[Optional()], **NOT_A_CHOICE)


def options(question: Any, lang: str) -> list[SelectChoice]:
    return [SelectChoice(o.value, o.text.get(lang)) for o in question.options]


def whole(label: Any, minimum: Any = None, maximum: Any = None) -> Any:
    validators = [Optional(), *_range(minimum, maximum)]
    return WholeNumberField(label, validators, digits=DIGITS, **NOT_WHOLE)


def decimal(label: Any, minimum: Any = None, maximum: Any = None) -> Any:
    validators = [Optional(), *_range(minimum, maximum)]
    return BoundedDecimalField(
        label, validators, digits=DIGITS, max_places=PLACES, places=None, **NOT_NUMBER
    )


def text(label: Any, max_length: int, multiline: bool = False) -> Any:
    field = TextAreaField if multiline else StringField
    return field(label, [Optional(), Length(max=max_length, message=TOO_LONG)])


def date(label: Any) -> Any:
    return DateField(label, [Optional()], **NOT_DATE)


def _range(minimum: Any, maximum: Any) -> list[Any]:
    if minimum is not None and maximum is not None:
        message = _l("Enter a number from %(min)s to %(max)s.")
    elif minimum is not None:
        message = _l("Enter a number of at least %(min)s.")
    elif maximum is not None:
        message = _l("Enter a number of at most %(max)s.")
    else:
        return []
    return [NumberRange(min=minimum, max=maximum, message=message)]


def _country(_form: Any, field: Any) -> None:
    if field.data and normalise_country(field.data) is None:
        # str(): a lazy string counts as safe markup in a template, and this one holds what
        # the supplier typed.
        raise ValidationError(str(unknown_country(field.data)))


def line(label: Any, max_length: int) -> Any:
    return StringField(label, [Optional(), Length(max=max_length, message=TOO_LONG)])


def email(label: Any, max_length: int) -> Any:
    return EmailField(
        label,
        [
            Optional(),
            Length(max=max_length, message=TOO_LONG),
            Email(message=_l("Enter a valid email address.")),
        ],
    )


def country(label: Any) -> Any:
    return StringField(label, [Optional(), _country])


def yes_no_select(label: Any) -> Any:
    """Yes or no from a drop-down that can be left blank (a table cell)."""
    return SelectField(
        label,
        choices=[SelectChoice("", "—"), *yes_no()],
        validators=[Optional()],
        **NOT_A_CHOICE,
    )


def table(question: Any, label: str, cells: dict[str, Any]) -> Any:
    """Rows of the question's columns, one sub-form a row with the given cell fields."""
    row_form = type(f"{question.id}_row", (SubForm,), cells)
    return FieldList(FormField(row_form), label, min_entries=1, max_entries=question.max_rows)


class DocumentsField(MultipleFileField):  # type: ignore[misc]  # WTForms ships no types
    """New files, plus the ids of earlier files the respondent ticked for removal.

    Each file is checked by its content (see evidence.check); the checked bytes are
    kept on the field so that the page can store them without reading the upload twice.
    """

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        super().process(formdata, data, extra_filters)
        raw = formdata.getlist(f"{self.name}-remove") if formdata else []
        self.removed: set[int] = set()
        for value in raw:
            with suppress(ValueError):  # no id of ours: nothing to remove
                self.removed.add(row_id(str(value)))
        self.checked: list[tuple[str, bytes, str]] = []

    def pre_validate(self, form: Any) -> None:
        from flask import current_app

        from .evidence import RejectedFile, check

        limit = current_app.config["UPLOAD_MAX_BYTES"]
        for upload in self.data or []:
            if not getattr(upload, "filename", None):
                continue
            try:
                data, mime = check(upload.stream, limit)
            except RejectedFile as exc:
                raise ValidationError(f"{upload.filename}: {exc}") from None
            self.checked.append((upload.filename, data, mime))


def documents(label: Any) -> Any:
    return DocumentsField(label)
