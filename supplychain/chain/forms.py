"""Supplier and link forms. Domain checks (codes, countries, NACE, link ends) live in services."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..forms import BoundedDecimalField, Form, WholeNumberField
from ..models import Relation, SupplierKind
from ..numbers import row_id

KIND_CHOICES = [
    SelectChoice(SupplierKind.COMPANY.value, _l("Company")),
    SelectChoice(SupplierKind.AGENCY.value, _l("Temporary-work agency or labour intermediary")),
]
RELATION_CHOICES = [
    SelectChoice(Relation.SUBCONTRACT.value, _l("Subcontract (work passed on)")),
    SelectChoice(Relation.LABOUR_HIRE.value, _l("Labour hire (workers supplied)")),
    SelectChoice(Relation.SUPPLY.value, _l("Supply of goods")),
]
ROOT = 0  # the organisation itself as the buyer


class SupplierForm(Form):
    code = StringField(
        _l("Code"),
        [DataRequired(), Length(max=32)],
        description=_l("Your own short identifier, unique in your organisation."),
    )
    name = StringField(_l("Legal name"), [DataRequired(), Length(max=200)])
    registration_no = StringField(_l("Registration number"), [Optional(), Length(max=32)])
    country = StringField(
        _l("Country"),
        [DataRequired(), Length(max=100)],
        description=_l("A name (Latvija, Latvia, Латвия) or an ISO code (LV)."),
    )
    sector = StringField(
        _l("Sector (NACE code)"),
        [Optional(), Length(max=8)],
        description=_l("e.g. F41.2 building construction, N81.2 cleaning."),
    )
    email = EmailField(_l("Contact email"), [Optional(), Length(max=254)])
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES)
    employees = WholeNumberField(_l("Own employees"), [Optional(), NumberRange(min=0)], digits=9)


def _amount(label: Any, *, digits: int, places: int) -> BoundedDecimalField:
    """An optional amount of a link, not negative, with up to places decimals after a point:
    a comma is never read as one ("400,000" is a thousands separator here, never 400)."""
    return BoundedDecimalField(
        label,
        [Optional(), NumberRange(min=0)],
        digits=digits,
        max_places=places,
        places=places,
        comma=False,
    )


class LinkForm(Form):
    # Choices are filled per request; membership is checked by the service, with a clear message.
    parent_id = SelectField(_l("Buyer"), coerce=row_id, validate_choice=False)
    child_id = SelectField(_l("Supplier"), coerce=row_id, validate_choice=False)
    relation = SelectField(_l("Relation"), choices=RELATION_CHOICES)
    workers = WholeNumberField(
        _l("Workers on the contract"), [Optional(), NumberRange(min=0)], digits=9
    )
    contract_value_eur = _amount(_l("Contract value (EUR)"), digits=12, places=2)
    labour_hours = _amount(_l("Labour hours"), digits=11, places=1)
    start_date = DateField(_l("Start date"), [Optional()])
    end_date = DateField(_l("End date"), [Optional()])
    work_country = StringField(
        _l("Country where the work is done"),
        [Optional(), Length(max=100)],
        description=_l(
            "A name or an ISO code, e.g. Finland or FI. Leave empty if the work is done in your"
            " own country."
        ),
    )


class DeleteForGoodForm(Form):
    """Deleting an archived supplier for good: the admin types its code to confirm."""

    code = StringField(
        _l("Type the supplier's code to confirm"),
        [Length(max=64)],
        description=_l("Its answers, documents and questionnaires are deleted with it."),
    )
