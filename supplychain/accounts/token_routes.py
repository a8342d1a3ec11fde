"""Admin pages for API tokens: make one (its secret is shown once), list and revoke them.

They live under /account, not in the API blueprint: these are browser pages behind a session
and CSRF, while the API itself takes tokens only and is exempt from CSRF.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import col

from ..access import requires
from ..api import tokens
from ..db import get_session
from ..forms import EmptyForm, apply_errors
from ..models import ApiToken, Role, utcnow
from ..tenancy import get_or_404, org_select
from ..validation import InvalidInput
from .forms import API_ACCESS, ApiTokenForm
from .routes import bp


def _page(form: ApiTokenForm, secret: str | None = None, status: int = 200) -> Any:
    listed = get_session().exec(org_select(ApiToken).order_by(col(ApiToken.id).desc())).all()
    page = render_template(
        "accounts/api_tokens.html",
        tokens=listed,
        form=form,
        action_form=EmptyForm(),
        secret=secret,
    )
    # A page with a fresh secret must not stay in any cache.
    return page, status, {"Cache-Control": "no-store"}


@bp.route("/api-tokens")
@requires(Role.ADMIN)
def api_tokens() -> Any:
    return _page(ApiTokenForm())


@bp.route("/api-tokens", methods=["POST"])
@requires(Role.ADMIN)
def create_api_token() -> Any:
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    session = get_session()
    try:
        _token, secret = tokens.issue(
            session=session,
            organisation_id=current_user.organisation_id,
            user_id=current_user.id,
            name=form.name.data or "",
            scopes=API_ACCESS[form.access.data],
        )
    except InvalidInput as exc:
        session.rollback()
        apply_errors(form, exc)
        return _page(form, status=422)
    session.commit()
    return _page(ApiTokenForm(formdata=None), secret=secret, status=201)


@bp.route("/api-tokens/<int:api_token_id>/revoke", methods=["POST"])
@requires(Role.ADMIN)
def revoke_api_token(api_token_id: int) -> Any:
    session = get_session()
    token = get_or_404(session, ApiToken, api_token_id)
    if EmptyForm().validate_on_submit():
        tokens.revoke(session=session, token=token, user_id=current_user.id, now=utcnow())
        session.commit()
        flash(_("The token %(name)s no longer works.", name=token.name), "success")
    return redirect(url_for("accounts.api_tokens"))
