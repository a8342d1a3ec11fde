"""The site form and the form placing a supplier on a site. Domain checks live in services."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import Form
from ..i18n import language_name
from ..numbers import row_id

# Named in the officer's language ("angļu" on a Latvian page).
LANGUAGE_CHOICES = [
    SelectChoice(code, LazyString(language_name, code)) for code in ("lv", "ru", "uk", "en")
]


class SiteForm(Form):
    # Required and bounded in services (clean_site), which name the field on error.
    name = StringField(_l("Name"), [Length(max=200)])
    address = StringField(_l("Address"), [Length(max=300)])
    country = StringField(
        _l("Country"),
        [Length(max=100)],
        description=_l("A name (Latvija, Latvia, Латвия) or an ISO code (LV)."),
    )
    starts_on = DateField(_l("Starts on"), [Optional()])
    ends_on = DateField(_l("Ends on"), [Optional()])
    languages = SelectMultipleField(
        _l("Languages of its poster"),
        choices=LANGUAGE_CHOICES,
        validate_choice=False,  # services name the field with a clear message
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


class PlaceForm(Form):
    # Choices are filled per request; membership is checked by the service.
    supplier_id = SelectField(_l("Supplier"), coerce=row_id, validate_choice=False)
