"""Officer forms for sending questionnaires."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..forms import Form, WholeNumberField
from ..i18n import language_name
from ..numbers import row_id
from ..vocab import SUPPLIER_LANGUAGES

# The language of the mails and the answering pages: the supplier can switch on the pages.
LANGUAGE_CHOICES = [
    SelectChoice("", _l("Each supplier's own: Latvian in Latvia, else English")),
    # named in the officer's language ("krievu" on a Latvian page)
    *(SelectChoice(code, LazyString(language_name, code)) for code in SUPPLIER_LANGUAGES),
]

RECIPIENTS = [
    SelectChoice("chosen", _l("The suppliers ticked below")),
    SelectChoice("tier", _l("Every supplier of one tier")),
    # Only offered when the page came from the supplier list with a selection (see routes.new).
    SelectChoice("matching", _l("The suppliers selected on the supplier list")),
]


class CampaignForm(Form):
    questionnaire_id = SelectField(_l("Questionnaire"), validators=[DataRequired()])
    title = StringField(_l("Name of this sending"), [DataRequired(), Length(max=200)])
    deadline = DateField(
        _l("Deadline"),
        [DataRequired(message=_l("Enter the date by which suppliers should answer."))],
    )
    message = TextAreaField(
        _l("Message to the suppliers (optional)"),
        [Length(max=2000)],
        description=_l("Shown in the email above the link."),
    )
    language = SelectField(
        _l("Language of the invitation"),
        choices=LANGUAGE_CHOICES,
        default="",
        description=_l("Of the mail and the questionnaire; the supplier can switch."),
        invalid_choice_message=_l("Choose one of the languages offered."),
    )
    recipients = RadioField(_l("Send to"), choices=RECIPIENTS, default="chosen")
    tier = WholeNumberField(_l("Tier"), [Optional(), NumberRange(min=1, max=99)], digits=4)
    supplier_ids = SelectMultipleField(_l("Suppliers"), coerce=row_id, validate_choice=False)
