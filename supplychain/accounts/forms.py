"""Account forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from ..models import Role

ROLE_CHOICES = [
    SelectChoice(Role.ADMIN.value, _l("Admin")),
    SelectChoice(Role.OFFICER.value, _l("Compliance officer")),
    SelectChoice(Role.VIEWER.value, _l("Viewer")),
]


class SignUpForm(FlaskForm):
    organisation_name = StringField(_l("Organisation name"), [DataRequired(), Length(max=200)])
    slug = StringField(_l("Short name (used in links)"), [DataRequired(), Length(max=64)])
    name = StringField(_l("Your name"), [DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), [DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), [DataRequired(), Length(max=128)])


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), [DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), [DataRequired(), Length(max=128)])


class ConfirmAddressForm(FlaskForm):
    password = PasswordField(_l("Your password"), [DataRequired(), Length(max=128)])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), [DataRequired(), Length(max=254)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), [DataRequired(), Length(max=128)])
    confirm = PasswordField(
        _l("Repeat the password"),
        [DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class InviteUserForm(FlaskForm):
    email = EmailField(_l("Email"), [DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), [Length(max=200)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=Role.OFFICER.value)


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change something."""


API_ACCESS = {"read": ["read"], "write": ["read", "write"]}


class ApiTokenForm(FlaskForm):
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
