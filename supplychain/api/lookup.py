"""Reading the calling organisation's rows for the API: one by id (or 404), or a page of those
matching a query's filters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort
from pydantic import BaseModel
from sqlmodel import Session, col

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
    session: Session,
    query: Any,
    page: Page,
    model: Any,
    convert: Callable[[list[Any]], list[BaseModel]],
) -> Paged[Any]:
    """One page of query's rows in id order, converted, and where the next page starts."""
    rows = list(
        session.exec(query.order_by(col(model.id)).offset(page.offset).limit(page.limit + 1)).all()
    )
    more = len(rows) > page.limit
    return Paged[Any](
        data=convert(rows[: page.limit]),
        limit=page.limit,
        offset=page.offset,
        next_offset=page.offset + page.limit if more else None,
    )


def matching(query: Any, model: Any, page: BaseModel, *names: str) -> Any:
    """query narrowed to the rows whose columns names equal the page's fields of the same names,
    where those are given (None: any value)."""
    for name in names:
        value = getattr(page, name)
        if value is not None:
            query = query.where(getattr(model, name) == value)
    return query


def each(out: type[BaseModel]) -> Callable[[list[Any]], list[BaseModel]]:
    """Convert rows one by one into out models."""
    return lambda rows: [out.model_validate(row) for row in rows]
