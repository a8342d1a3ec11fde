"""The forms of a case's page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, TextAreaField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..forms import Form
from ..reference.ilo import NAMES as ILO_NAMES
from .services import MAX_EXCERPT, MAX_MESSAGE


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ReplyForm(Form):
    text = TextAreaField(
        _l("Message to the worker"),
        [DataRequired(message=_l("Write the message.")), Length(max=MAX_MESSAGE)],
        description=_l("The worker reads it with the tracking code. Use plain words."),
    )


class ConfirmForm(Form):
    indicators = CheckboxesField(
        _l("ILO indicators you confirm"),
        choices=[SelectChoice(i.value, name) for i, name in ILO_NAMES.items()],
        validate_choice=True,
    )
    supplier_ids = CheckboxesField(_l("Suppliers the case concerns"), coerce=int)


class ExcerptForm(Form):
    report_excerpt = TextAreaField(
        _l("Excerpt for the risk report"),
        [Length(max=MAX_EXCERPT)],
        description=_l(
            "Optional. Written by you and redacted: no names, places, dates or details that "
            "could identify the worker. The risk report prints it under the case's number; "
            "leave it empty and the report prints no words of this case."
        ),
    )
