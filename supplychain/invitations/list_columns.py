"""The supplier list's questionnaire column (see chain.panels.ListColumn): where each supplier's
newest invitation stands, whether its answers are out of date, and the filters by both.

- never asked: no invitation at all;
- waiting: the newest invitation is open (queued, sent, opened or being answered);
- overdue: its deadline passed without an answer;
- stopped: its link was revoked or its mail bounced, without an answer;
- answered: its questionnaire was submitted.

Out of date: the supplier's newest submitted answers are to an older version of the
questionnaire than the current one, or were submitted more than ANSWERS_OUT_OF_DATE_MONTHS
months ago (12 by default).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, and_, col, func, or_

from ..chain.panels import ListColumn, ListFilter, Part
from ..chain.retire import live_suppliers
from ..models import Invitation, Response, ResponseStatus, Supplier, utcnow
from ..questionnaires.catalogue import get_catalogue

# A supplier's questionnaire states on the list, in the order the list sorts them.
OVERDUE, STOPPED, NEVER, WAITING, ANSWERED = "overdue", "stopped", "never", "waiting", "answered"
ASKED_NAMES = dict(
    zip(
        (OVERDUE, STOPPED, NEVER, WAITING, ANSWERED),
        (_l("overdue"), _l("link stopped"), _l("never asked"), _l("waiting"), _l("answered")),
        strict=True,
    )
)
ORDER = {state: rank for rank, state in enumerate(ASKED_NAMES)}


def _states(
    organisation_id: int, now: datetime, ids: Sequence[int] | None = None
) -> sa.Select[Any]:
    """SELECT (supplier_id, state) of the suppliers ever invited (of ids only, if given), by
    their newest invitation."""
    newest = (
        sa.select(
            col(Invitation.supplier_id).label("supplier_id"),
            func.max(Invitation.id).label("invitation_id"),
        )
        .where(Invitation.organisation_id == organisation_id)
        .group_by(col(Invitation.supplier_id))
    )
    if ids is not None:
        newest = newest.where(col(Invitation.supplier_id).in_(ids))
    newest = newest.subquery()
    state = sa.case(
        (col(Response.status) == ResponseStatus.SUBMITTED, ANSWERED),
        (
            or_(col(Invitation.revoked_at).is_not(None), col(Invitation.bounced_at).is_not(None)),
            STOPPED,
        ),
        (col(Invitation.expires_at) <= now, OVERDUE),
        else_=WAITING,
    )
    return (
        sa.select(newest.c.supplier_id, state.label("state"))
        .select_from(newest)
        .join(Invitation, col(Invitation.id) == newest.c.invitation_id)
        .outerjoin(Response, col(Response.id) == col(Invitation.response_id))
    )


def _sort(session: Session, organisation_id: int) -> sa.Select[Any]:
    rows = _states(organisation_id, utcnow()).subquery()
    return sa.select(
        rows.c.supplier_id, sa.case(ORDER, value=rows.c.state).label("key")
    ).select_from(rows)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day months calendar months earlier (the month's last day if it is shorter)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = moment.day
    while True:
        try:
            return moment.replace(year=year, month=month + 1, day=day)
        except ValueError:
            day -= 1


def out_of_date(
    organisation_id: int, now: datetime, ids: Sequence[int] | None = None
) -> sa.Select[Any]:
    """SELECT the ids of the suppliers whose newest submitted answers are out of date (of ids
    only, if given)."""
    newest = (
        sa.select(func.max(Response.id))
        .where(
            Response.organisation_id == organisation_id,
            col(Response.status) == ResponseStatus.SUBMITTED,
            col(Response.supplier_id).is_not(None),
        )
        .group_by(col(Response.supplier_id))
    )
    if ids is not None:
        newest = newest.where(col(Response.supplier_id).in_(ids))
    older = [
        and_(col(Response.questionnaire_id) == qid, col(Response.questionnaire_version) < q.version)
        for qid, q in get_catalogue().current.items()
    ]
    limit = months_before(now, current_app.config["ANSWERS_OUT_OF_DATE_MONTHS"])
    return sa.select(col(Response.supplier_id)).where(
        col(Response.id).in_(newest), or_(col(Response.submitted_at) < limit, *older)
    )


def _cells(
    session: Session, organisation_id: int, ids: Sequence[int]
) -> Mapping[int, Sequence[Part]]:
    now = utcnow()
    states = {sid: state for sid, state in session.execute(_states(organisation_id, now, ids))}
    stale = set(session.execute(out_of_date(organisation_id, now, ids)).scalars())
    found: dict[int, list[Part]] = {}
    for sid in ids:
        state = states.get(sid, NEVER)
        found[sid] = [Part(str(ASKED_NAMES[state]), f"asked {state}")]
        if sid in stale:
            found[sid].append(Part(str(_l("out of date")), "badge warn"))
    return found


def _state_is(session: Session, organisation_id: int, value: str) -> sa.Select[Any] | None:
    if value not in ORDER:
        return None
    rows = _states(organisation_id, utcnow()).subquery()
    if value == NEVER:
        invited = sa.select(col(Invitation.supplier_id)).where(
            Invitation.organisation_id == organisation_id
        )
        return (
            live_suppliers(organisation_id)
            .with_only_columns(col(Supplier.id))
            .where(col(Supplier.id).not_in(invited))
        )
    return sa.select(rows.c.supplier_id).where(rows.c.state == value)


def _stale(session: Session, organisation_id: int, value: str) -> sa.Select[Any] | None:
    return out_of_date(organisation_id, utcnow()) if value == "1" else None


COLUMN = ListColumn(
    "asked",
    _l("Questionnaire"),
    _cells,
    _sort,
    missing=ORDER[NEVER],
    filters=(
        ListFilter("asked", _l("Questionnaire"), _state_is, tuple(ASKED_NAMES.items())),
        ListFilter("outdated", _l("Answers out of date"), _stale, check=True),
    ),
    note=lambda: _(
        "Questionnaire: where the newest questionnaire sent stands (overdue: its deadline "
        "passed unanswered; link stopped: revoked or bounced). Answers are out of date when "
        "the newest ones answered an older version of the questionnaire or are older than "
        "%(months)d months.",
        months=current_app.config["ANSWERS_OUT_OF_DATE_MONTHS"],
    ),
)
