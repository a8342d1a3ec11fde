"""Reading the calling organisation's rows for the API: one by id (or 404), or a page."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import abort
from pydantic import BaseModel
from sqlmodel import Session, col
from sqlmodel.sql.expression import SelectOfScalar

from ..tenancy import get_in_org
from .auth import org_id
from .errors import error_response
from .schemas import MAX_ID, Page, Paged

M = TypeVar("M", bound=Any)


def get_or_404(session: Session, model: type[M], object_id: int) -> M:
    """The row of the token's organisation with this id; any other id is simply not found."""
    # An id beyond PostgreSQL's integer would make the query fail rather than find nothing.
    found = get_in_org(session, model, object_id, org_id()) if object_id <= MAX_ID else None
    if found is None:
        abort(error_response(404, f"No {model.__tablename__.replace('_', ' ')} {object_id}."))
    return found


def page_of(
    session: Session, query: SelectOfScalar[M], page: Page, out: type[BaseModel], model: Any
) -> Paged[Any]:
    """One page of query's rows (in id order) as out models, and where the next page starts."""
    rows = session.exec(
        query.order_by(col(model.id)).offset(page.offset).limit(page.limit + 1)
    ).all()
    more = len(rows) > page.limit
    return Paged[
        out
    ](  # type: ignore[valid-type]
        data=[out.model_validate(r) for r in rows[: page.limit]],
        limit=page.limit,
        offset=page.offset,
        next_offset=page.offset + page.limit if more else None,
    )
