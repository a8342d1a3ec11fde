"""Account views: thin wrappers over accounts.services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from .. import mail
from ..access import public, requires
from ..db import get_session
from ..extensions import login_manager
from ..forms import EmptyForm, apply_errors, next_target
from ..invitations import outbox
from ..models import OutboxMessage, Role, TokenPurpose, User, utcnow
from ..tenancy import get_or_404, org_select
from ..validation import InvalidInput
from . import services
from .forms import (
    ROLE_CHOICES,
    ConfirmAddressForm,
    ForgotPasswordForm,
    InviteUserForm,
    LoginForm,
    NewPasswordForm,
    RoleForm,
    SignUpForm,
)
from .sessions import load_user

bp = Blueprint("accounts", __name__)
# Flask-Login loads the signed-in user with our loader (extensions sets up the rest of it).
bp.record_once(lambda _state: login_manager.user_loader(load_user))


def _start_session(user: User) -> None:
    # A fresh session at sign-in: nothing from before (bar the language) survives into it.
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)


def _queue_mail(user: User, template: str, subject: str, **context: Any) -> OutboxMessage:
    """Queue an account mail to user in the request's transaction (with the token it carries)."""
    return outbox.enqueue(
        session=get_session(),
        to=user.email,
        subject=subject,
        text=render_template(f"mail/{template}.txt", **context),
        html=render_template(f"mail/{template}.html", **context),
        kind=template,
        organisation_id=user.organisation_id,
        mail_domain=mail.domain_of(current_app.config["MAIL_FROM"]),
    )


def _send_now(message: OutboxMessage) -> bool:
    """Try the committed mail at once: someone is waiting for it. If the mail server does not
    take it, it stays queued and `supplychain worker` tries again later."""
    sent = outbox.send_now(
        session=get_session(), message=message, config=current_app.config, now=utcnow()
    )
    if not sent:
        current_app.logger.warning("mail to %s queued for a later try", message.recipient)
    return sent


def _link(endpoint: str, **values: Any) -> str:
    # Links in mail come from the configured base URL, never from the request's Host header.
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)


@bp.route("/signup", methods=["GET", "POST"])
@public
def signup() -> Any:
    form = SignUpForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            outcome = services.sign_up(
                session=db,
                organisation_name=form.organisation_name.data,
                slug=form.slug.data,
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
            )
        except InvalidInput as exc:
            db.rollback()
            apply_errors(form, exc)
        else:
            if outcome.created:
                message = _queue_confirmation(outcome.user)
            else:
                message = _queue_mail(
                    outcome.user,
                    "signup_attempt",
                    _("Someone tried to sign up to supplychain with your address"),
                    login=_link("accounts.login"),
                    forgot=_link("accounts.forgot_password"),
                )
            db.commit()
            _send_now(message)
            # The same answer whether or not the address had an account: its mail tells which.
            return redirect(url_for("accounts.signup_sent"))
    return render_template("accounts/signup.html", form=form)


@bp.route("/signup/sent")
@public
def signup_sent() -> Any:
    return render_template("accounts/signup_sent.html")


def _queue_confirmation(user: User) -> OutboxMessage:
    hours = current_app.config["EMAIL_CONFIRMATION_HOURS"]
    raw = services.issue_token(
        session=get_session(),
        user=user,
        purpose=TokenPurpose.EMAIL_CONFIRMATION,
        lifetime=timedelta(hours=hours),
    )
    return _queue_mail(
        user,
        "confirm_address",
        _("Confirm your address for supplychain"),
        link=_link("accounts.confirm", token=raw),
        hours=hours,
    )


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@public
def confirm(token: str) -> Any:
    """Confirm a new account's address; the password too, so that only its maker can."""
    db = get_session()
    purpose = TokenPurpose.EMAIL_CONFIRMATION
    if services.peek_token(session=db, raw=token, purpose=purpose, now=utcnow()) is None:
        abort(404)
    form = ConfirmAddressForm()
    if form.validate_on_submit():
        user = services.confirm_with_token(
            session=db, raw=token, password=form.password.data, now=utcnow()
        )
        if user is None:
            form.password.errors = [_("Wrong password.")]
        else:
            services.record_login(session=db, user=user)
            db.commit()
            _start_session(user)
            flash(_("Your address is confirmed. Start by adding your direct suppliers."), "success")
            return redirect(url_for("dashboard.index"))
    return render_template("accounts/confirm.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Any:
    form = LoginForm()
    if form.validate_on_submit():
        db = get_session()
        user = services.authenticate(session=db, email=form.email.data, password=form.password.data)
        if user is None:
            form.form_errors.append(_("Wrong email or password."))
        elif user.email_confirmed_at is None:
            # Only the account's maker knows the password: telling them reveals nothing.
            message = _queue_confirmation(user)
            db.commit()
            _send_now(message)
            form.form_errors.append(
                _("First confirm your address: we have sent you a new link to it.")
            )
        else:
            services.record_login(session=db, user=user)
            db.commit()
            _start_session(user)
            return redirect(next_target(url_for("dashboard.index")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@requires(Role.VIEWER)
def logout() -> Any:
    if EmptyForm().validate_on_submit():
        db = get_session()
        # Rotating the session token ends the session on the server: a copy of the cookie
        # taken before sign-out no longer signs anyone in (it ends the user's other sessions too).
        services.end_sessions(session=db, user=db.get(User, current_user.id))
        db.commit()
        logout_user()
        session.clear()
        flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot_password() -> Any:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        db = get_session()
        user = services.find_user(session=db, email=form.email.data)
        if user is not None and user.is_active:
            hours = current_app.config["PASSWORD_RESET_HOURS"]
            raw = services.issue_token(
                session=db,
                user=user,
                purpose=TokenPurpose.PASSWORD_RESET,
                lifetime=timedelta(hours=hours),
            )
            message = _queue_mail(
                user,
                "password_reset",
                _("Reset your supplychain password"),
                link=_link("accounts.reset_password", token=raw),
                hours=hours,
            )
            db.commit()
            _send_now(message)
        # The same answer whether or not the address has an account.
        flash(_("If this address has an account, a reset link is on its way."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form)


def _set_password_page(token: str, purpose: TokenPurpose, template: str) -> Any:
    db = get_session()
    if services.peek_token(session=db, raw=token, purpose=purpose, now=utcnow()) is None:
        abort(404)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.redeem_token(
                session=db, raw=token, purpose=purpose, password=form.password.data, now=utcnow()
            )
        except InvalidInput as exc:
            db.rollback()
            apply_errors(form, exc)
        else:
            assert user is not None
            services.confirm_address(session=db, user=user, now=utcnow())  # the link proved it
            db.commit()
            _start_session(user)
            flash(_("Your password is set."), "success")
            return redirect(url_for("dashboard.index"))
    return render_template(template, form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str) -> Any:
    return _set_password_page(token, TokenPurpose.PASSWORD_RESET, "accounts/reset.html")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str) -> Any:
    return _set_password_page(token, TokenPurpose.USER_INVITATION, "accounts/accept.html")


@bp.route("/users")
@requires(Role.ADMIN)
def users() -> Any:
    members = get_session().exec(org_select(User).order_by(User.email)).all()
    return render_template(
        "accounts/users.html",
        users=members,
        invite_form=InviteUserForm(),
        role_choices=ROLE_CHOICES,
        action_form=EmptyForm(),
    )


def _say_how_the_invitation_went(message: OutboxMessage, email: str) -> None:
    """Send the invitation now if the mail server takes it, and tell the admin how it went."""
    if _send_now(message):
        flash(_("Invitation sent to %(email)s.", email=email), "success")
    elif message.attempts == 0:  # not tried: a new organisation's day of mail is used up
        flash(
            _(
                "New organisations send at most %(limit)d mails a day: the invitation "
                "to %(email)s waits in the outbox and goes out tomorrow.",
                limit=current_app.config["NEW_ORG_DAILY_MAIL_LIMIT"],
                email=email,
            ),
            "warning",
        )
    else:
        flash(
            _(
                "The mail server did not take the invitation to %(email)s just now; "
                "it will be tried again shortly.",
                email=email,
            ),
            "warning",
        )


@bp.route("/users/invite", methods=["POST"])
@requires(Role.ADMIN)
def invite_user() -> Any:
    form = InviteUserForm()
    db = get_session()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                session=db,
                organisation_id=current_user.organisation_id,
                email=form.email.data,
                name=form.name.data,
                role=Role(form.role.data),
                actor_id=current_user.id,
            )
            days = current_app.config["USER_INVITATION_DAYS"]
            raw = services.issue_token(
                session=db,
                user=user,
                purpose=TokenPurpose.USER_INVITATION,
                lifetime=timedelta(days=days),
            )
        except InvalidInput as exc:
            db.rollback()
            apply_errors(form, exc)
        else:
            message = _queue_mail(
                user,
                "user_invitation",
                _("You are invited to supplychain"),
                link=_link("accounts.accept_invitation", token=raw),
                days=days,
                inviter=mail.defang(current_user.name or current_user.email),
            )
            db.commit()
            _say_how_the_invitation_went(message, user.email)
            return redirect(url_for("accounts.users"))
    members = db.exec(org_select(User).order_by(User.email)).all()
    return render_template(
        "accounts/users.html",
        users=members,
        invite_form=form,
        role_choices=ROLE_CHOICES,
        action_form=EmptyForm(),
    ), 422


def _change_user(change: Callable[..., None], done: str, **values: Any) -> None:
    """Make an admin's change to an account and say how it went: the service refuses one that
    would leave the organisation without an active admin."""
    db = get_session()
    try:
        change(session=db, actor=current_user, **values)
    except InvalidInput as exc:
        db.rollback()
        flash(" ".join(str(m) for m in exc.errors.values()), "error")
    else:
        db.commit()
        flash(done, "success")


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@requires(Role.ADMIN)
def change_role(user_id: int) -> Any:
    user = get_or_404(get_session(), User, user_id)
    form = RoleForm()
    if form.validate_on_submit():
        done = _("Role of %(email)s changed.", email=user.email)
        _change_user(services.change_role, done, user=user, role=Role(form.role.data))
    return redirect(url_for("accounts.users"))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@requires(Role.ADMIN)
def toggle_active(user_id: int) -> Any:
    user = get_or_404(get_session(), User, user_id)
    if EmptyForm().validate_on_submit():
        done = _("Account of %(email)s updated.", email=user.email)
        _change_user(services.set_active, done, user=user, active=not user.is_active)
    return redirect(url_for("accounts.users"))


@bp.route("/language/<code>")
@public
def language(code: str) -> Any:
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = code
    return redirect(next_target(url_for("dashboard.index")))


from . import token_routes  # noqa: E402,F401  (they add their views to bp)
