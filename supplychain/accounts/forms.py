"""Account forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from ..forms import Form
from ..models import Role

ROLE_CHOICES = [
    SelectChoice(Role.ADMIN.value, _l("Admin")),
    SelectChoice(Role.OFFICER.value, _l("Compliance officer")),
    SelectChoice(Role.VIEWER.value, _l("Viewer")),
]


class SignUpForm(Form):
    organisation_name = StringField(_l("Organisation name"), [DataRequired(), Length(max=200)])
    slug = StringField(_l("Short name (used in links)"), [DataRequired(), Length(max=64)])
    name = StringField(_l("Your name"), [DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), [DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), [DataRequired(), Length(max=128)])


class LoginForm(Form):
    email = EmailField(_l("Email"), [DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), [DataRequired(), Length(max=128)])


class ConfirmAddressForm(Form):
    password = PasswordField(_l("Your password"), [DataRequired(), Length(max=128)])


class ForgotPasswordForm(Form):
    email = EmailField(_l("Email"), [DataRequired(), Length(max=254)])


class NewPasswordForm(Form):
    password = PasswordField(_l("New password"), [DataRequired(), Length(max=128)])
    confirm = PasswordField(
        _l("Repeat the password"),
        [DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class InviteUserForm(Form):
    email = EmailField(_l("Email"), [DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), [Length(max=200)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=Role.OFFICER.value)


class RoleForm(Form):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)


API_ACCESS = {"read": ["read"], "write": ["read", "write"]}


class ApiTokenForm(Form):
    name = StringField(
        _l("Name"),
        [DataRequired(), Length(max=100)],
        description=_l("What uses the token, e.g. the ERP export."),
    )
    access = SelectField(
        _l("Access"),
        choices=[
            SelectChoice("read", _l("Read only")),
            SelectChoice("write", _l("Read and write")),
        ],
        default="read",
    )
