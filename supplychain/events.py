"""Signals that a feature sends when something it keeps has changed, for the features above it
to act on without being imported by it (the layers contract in pyproject.toml).

Receivers are connected by create_app, which every way into the app goes through (the web
app, the `supplychain` command, the worker, the tests): see risk.services.queue_after_change.
They run in the sender's transaction, so what they write is committed or rolled back with it.
"""

from __future__ import annotations

from collections.abc import Collection

from blinker import Namespace
from sqlmodel import Session

_signals = Namespace()

#: What an assessment reads of an organisation changed: a chain import was applied, a link a
#: supplier disclosed was confirmed, a link was added, changed or deleted, a supplier submitted
#: its answers, or an officer confirmed what a worker's report shows. Risk queues an
#: assessment (the change names the run's trigger: import, disclosure, link, response,
#: worker-report).
supplier_data_changed = _signals.signal("supplier-data-changed")

#: What an assessment reads of some suppliers changed, without asking for a run of its own (a
#: screening check recorded, an invitation revoked or resent): risk marks them, so that the
#: next run re-evaluates them.
suppliers_touched = _signals.signal("suppliers-touched")


def data_changed(
    session: Session,
    organisation_id: int,
    change: str,
    user_id: int | None = None,
    suppliers: Collection[int] | None = None,
) -> None:
    """Send supplier_data_changed: the change is "import", "disclosure", "link", "response" or
    "worker-report"; user_id is the user who made it (None for a supplier); suppliers are the
    ones whose own facts it changed (None: it may change anything, such as the chain's links;
    for "link", the changed links' children, which moved with everything below them).
    """
    supplier_data_changed.send(
        session,
        organisation_id=organisation_id,
        change=change,
        user_id=user_id,
        suppliers=suppliers,
    )


def touched(
    session: Session, organisation_id: int, change: str, suppliers: Collection[int] | None
) -> None:
    """Send suppliers_touched: change names it (such as "screening")."""
    suppliers_touched.send(
        session, organisation_id=organisation_id, change=change, suppliers=suppliers
    )
