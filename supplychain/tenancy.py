"""The one way to read organisation data: every query goes through in_org().

Routes use org_select()/get_or_404(), which scope to the signed-in user's organisation;
services receive the organisation id explicitly and call in_org() themselves.
"""

from __future__ import annotations

from typing import Any, TypeVar

from flask import abort
from flask_login import current_user
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

M = TypeVar("M", bound=Any)


def in_org(model: type[M], organisation_id: int) -> SelectOfScalar[M]:
    """SELECT rows of model that belong to organisation_id."""
    return select(model).where(model.organisation_id == organisation_id)


def current_org_id() -> int:
    """The signed-in user's organisation id."""
    return int(current_user.organisation_id)


def org_select(model: type[M]) -> SelectOfScalar[M]:
    """SELECT rows of model that belong to the signed-in user's organisation."""
    return in_org(model, current_org_id())


def get_in_org(session: Session, model: type[M], object_id: int, organisation_id: int) -> M | None:
    """Load one row by id if it belongs to organisation_id, else None."""
    return session.exec(in_org(model, organisation_id).where(model.id == object_id)).first()


def get_or_404(session: Session, model: type[M], object_id: int) -> M:
    """Load one row of the signed-in organisation by id, or answer 404 (never 403: no hints)."""
    found = get_in_org(session, model, object_id, current_org_id())
    if found is None:
        abort(404)
    return found
