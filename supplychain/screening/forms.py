"""The form to record a screening check."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..forms import Form
from ..models import ScreeningResult

RESULT_NAMES = {
    ScreeningResult.PASSED.value: _l("Passed"),
    ScreeningResult.FAILED.value: _l("Failed"),
    ScreeningResult.NOT_APPLICABLE.value: _l("Does not apply"),
}


class CheckForm(Form):
    item_id = SelectField(_l("Item"), validators=[DataRequired(message=_l("Choose the item."))])
    checked_on = DateField(
        _l("Checked on"), [DataRequired(message=_l("Enter the day of the check."))]
    )
    result = RadioField(
        _l("Result"),
        choices=[SelectChoice(k, v) for k, v in RESULT_NAMES.items()],
        validators=[DataRequired(message=_l("Choose the result."))],
    )
    valid_until = DateField(
        _l("Valid until"),
        [Optional()],
        description=_l("Leave empty for the item's usual validity from the day of the check."),
    )
    note = TextAreaField(_l("Note"), [Length(max=2000)])
    document = FileField(_l("Document (PDF or picture, optional)"))

    def validate_valid_until(self, field: DateField) -> None:
        if field.data and self.checked_on.data and field.data < self.checked_on.data:
            raise ValidationError(str(_l("The check cannot end before the day it was made.")))
