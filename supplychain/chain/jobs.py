"""Chain imports as background jobs: the upload is stored and queued at once; checking it (the
preview) and, once the officer confirms, applying it run outside the web request, with
progress. A 200k-row file takes about 15 s to parse: no request may wait for that.

Applying stays all or nothing: the chain's changes and the job's "done" are one transaction,
and a runner only writes while the job is still its own (see Claim).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from .. import leases
from ..jobstate import aware
from ..models import ChainImport, RunStatus, utcnow
from . import importer
from .tabular import FileFormatError, read_table

Progress = Callable[[int, str], None]
CHECK, APPLY = "check", "apply"
LEASE = timedelta(minutes=5)  # renewed at every step, and a step takes seconds
MAX_ATTEMPTS = 3  # a file that kills its runner this often is given up, not tried forever
PREVIEW_LIMIT = 200  # entries kept of each list of the difference; the counts are whole
PROBLEM_LIMIT = 200  # rows' problems kept to show; their number is whole


class ImportBusy(Exception):  # noqa: N818 (reads as the state it reports)
    """Another import of the organisation is waiting or running."""


class TakenOver(Exception):  # noqa: N818
    """Another runner holds the job now: this one must write nothing more."""


@dataclass(frozen=True)
class Claim:
    """A runner's hold on a job: a stage is claimed afresh each time, so (stage, attempts)
    tells whether the job is still this runner's."""

    id: int
    stage: str
    attempts: int


def _quiet(_percent: int, _step: str) -> None:
    return None


def read_plan(
    filename: str,
    content: bytes,
    progress: Progress = _quiet,
    *,
    session: Session | None = None,
    organisation_id: int | None = None,
) -> importer.ChainPlan:
    """Read and check a chain file; raises FileFormatError, or ImportRejected naming every
    row's problem, with (given the organisation) the rows whose site it does not have.
    Shared by the jobs and `supplychain import-chain`."""
    progress(10, "reading")
    table = read_table(filename, content)
    progress(30, "checking")
    try:
        return importer.parse_chain(table)
    except importer.ImportRejected as exc:
        if session is None or organisation_id is None or not exc.placements:
            raise
        raise exc.adding(importer.site_problems(session, organisation_id, exc.placements)) from None


def unfinished(session: Session, organisation_id: int) -> int | None:
    """The id of the organisation's import that is waiting or running, if any."""
    return session.exec(
        select(ChainImport.id).where(
            ChainImport.organisation_id == organisation_id,
            col(ChainImport.status).in_([RunStatus.QUEUED, RunStatus.RUNNING]),
        )
    ).first()


def queue_check(
    *,
    session: Session,
    organisation_id: int,
    user_id: int | None,
    filename: str,
    content: bytes,
    lang: str,
) -> ChainImport:
    """Store an uploaded file and queue its check; flushes, the caller commits.

    One import per organisation at a time: the queue is shared, and a flood of big files from
    one organisation must not hold back everyone else's.
    """
    if unfinished(session, organisation_id) is not None:
        raise ImportBusy
    record = ChainImport(
        organisation_id=organisation_id,
        user_id=user_id,
        filename=filename[-255:],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        lang=lang,
    )
    session.add(record)
    session.flush()
    return record


def load(session: Session, organisation_id: int, import_id: int) -> ChainImport | None:
    """One import of the organisation, without its file (pages poll it every second)."""
    return session.exec(
        select(ChainImport)
        .options(defer(ChainImport.content))  # type: ignore[arg-type]
        .where(ChainImport.organisation_id == organisation_id, ChainImport.id == import_id)
    ).first()


def can_apply(record: ChainImport) -> bool:
    """Checked without a problem, and not applied nor being applied."""
    return record.stage == CHECK and record.status == RunStatus.DONE


def can_prune(record: ChainImport) -> bool:
    """The preview showed something a prune would take out (and so offered the choice)."""
    counts = (record.outcome or {}).get("counts", {})
    return bool(counts.get("prunable_suppliers") or counts.get("prunable_links"))


def queue_apply(
    *, session: Session, record: ChainImport, user_id: int | None, prune: bool = False
) -> bool:
    """Queue applying a checked file; False if it cannot be (applied, or not checked). The
    caller commits. A conditional UPDATE: two clicks, or a click racing the runner, can never
    queue a file twice.

    :param prune: the officer confirmed taking out what the preview listed as missing from
        the file; the apply then takes out exactly that, or shows a new preview.
    """
    queued = session.execute(
        sa.update(ChainImport)
        .where(
            col(ChainImport.id) == record.id,
            col(ChainImport.stage) == CHECK,
            col(ChainImport.status) == RunStatus.DONE,
        )
        .values(
            stage=APPLY,
            status=RunStatus.QUEUED,
            progress=0,
            step="",
            attempts=0,
            user_id=user_id,
            prune=prune,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(queued.rowcount)  # type: ignore[attr-defined]


def stalled(record: ChainImport, now: datetime) -> bool:
    """Running, but its runner has not reported within the lease: it died and awaits a
    new one."""
    until = aware(record.claimed_until)
    return record.status == RunStatus.RUNNING and (until is None or until < now)


def claim_queued(session: Session, now: datetime) -> ChainImport | None:
    """Take the oldest waiting job, or one whose runner died, for this runner; commits.

    The claim is an UPDATE on the attempts seen, so two runners (the worker, an app's
    thread) never both take a job, on SQLite as on PostgreSQL. A job already taken
    MAX_ATTEMPTS times is given up as failed instead.
    """
    return leases.claim_counted(
        session,
        ChainImport,
        now,
        defer(ChainImport.content),  # type: ignore[arg-type]
        lease=LEASE,
        max_attempts=MAX_ATTEMPTS,
        give_up=_give_up,
        progress=0,
        step="claimed",
    )


def _give_up(record: ChainImport) -> dict[str, Any]:
    with force_locale(record.lang):
        error = _l(
            "The work on this file stopped %(n)d times without finishing. Nothing was changed.",
            n=record.attempts,
        )
        return {"error": str(error), "content": b""}


def execute(*, session: Session, record: ChainImport) -> ChainImport:
    """Carry out the stage a claimed job is at; commits at each step.

    A rejected or unreadable file is an outcome, kept for the page, not an error. Anything
    else fails the job with a plain message and is raised for the log; nothing of the chain
    has changed then either. A failed job drops its file: the officer uploads it again.
    """
    mine = Claim(record.id or 0, record.stage, record.attempts)

    def step(percent: int, name: str) -> None:
        renewed = _update(
            session, mine, progress=percent, step=name, claimed_until=utcnow() + LEASE
        )
        session.commit()
        if not renewed:
            raise TakenOver(f"chain import {mine.id} was taken over")

    with force_locale(record.lang):
        try:
            if mine.stage == APPLY:
                _apply(session, record, mine, step)
            else:
                _check(session, record, mine, step)
        except TakenOver:
            session.rollback()
            raise
        except FileFormatError as exc:
            session.rollback()
            _finish(session, record, mine, status=RunStatus.FAILED, error=str(exc), content=b"")
        except importer.ImportRejected as exc:
            session.rollback()
            _finish(
                session, record, mine, status=RunStatus.FAILED, outcome=_problems(exc), content=b""
            )
        except Exception:
            session.rollback()
            if mine.stage == APPLY:
                error = _l("The changes could not be applied. Nothing was changed.")
            else:
                error = _l("The file could not be checked. Nothing was changed.")
            _finish(session, record, mine, status=RunStatus.FAILED, error=str(error), content=b"")
            raise
    return record


def _check(session: Session, record: ChainImport, mine: Claim, step: Progress) -> None:
    plan = read_plan(
        record.filename,
        _content(session, record),
        step,
        session=session,
        organisation_id=record.organisation_id,
    )
    step(70, "comparing")
    changes = importer.diff(session, record.organisation_id, plan)
    session.rollback()  # the comparison only read
    _finish(session, record, mine, status=RunStatus.DONE, outcome=summary(changes))


def _apply(session: Session, record: ChainImport, mine: Claim, step: Progress) -> None:
    content = _content(session, record)
    plan = read_plan(record.filename, content, step)
    step(60, "applying")
    # From here on one transaction: the job is held (on PostgreSQL its row stays locked, so
    # no other runner can take it over), the chain changes, and the job is marked done.
    if not _update(session, mine, step="applying"):
        raise TakenOver(f"chain import {mine.id} was taken over")
    try:
        changes = importer.apply(
            session,
            record.organisation_id,
            plan,
            filename=record.filename,
            content=content,
            actor_id=record.user_id,
            prune=record.prune,
            # What the officer saw; a preview without it (made before prunes were offered)
            # matches nothing, so such a prune is shown afresh rather than carried out.
            confirmed=(record.outcome or {}).get("prune_digest", "") if record.prune else None,
        )
    except importer.PruneChanged:
        # The chain changed since the preview: what the prune would take out is not what the
        # officer confirmed. Nothing was written; show the new preview to confirm again.
        session.rollback()
        preview = importer.diff(session, record.organisation_id, plan)
        session.rollback()
        _finish(
            session,
            record,
            mine,
            status=RunStatus.DONE,
            stage=CHECK,
            prune=False,
            outcome={**summary(preview), "rechecked": True},
        )
        return
    _finish(
        session,
        record,
        mine,
        status=RunStatus.DONE,
        outcome=summary(changes),
        content=b"",  # the audit event keeps the file's hash; the upload is not kept
        applied_at=utcnow(),
    )


def _content(session: Session, record: ChainImport) -> bytes:
    found = session.exec(select(ChainImport.content).where(ChainImport.id == record.id)).one()
    session.rollback()  # no transaction held open while the file is parsed
    return found


def _update(session: Session, mine: Claim, **values: Any) -> bool:
    """Write to the job if this runner still holds it (it has not been claimed since)."""
    result = session.execute(
        sa.update(ChainImport)
        .where(
            col(ChainImport.id) == mine.id,
            col(ChainImport.stage) == mine.stage,
            col(ChainImport.attempts) == mine.attempts,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _finish(
    session: Session, record: ChainImport, mine: Claim, *, status: RunStatus, **values: Any
) -> None:
    done = {"progress": 100, "step": "done"} if status == RunStatus.DONE else {}
    if not _update(
        session,
        mine,
        status=status,
        claimed_until=None,
        finished_at=utcnow(),
        **done,
        **values,
    ):
        session.rollback()
        raise TakenOver(f"chain import {mine.id} was taken over")
    session.commit()
    session.refresh(record)


def summary(changes: importer.ImportDiff) -> dict[str, Any]:
    """The difference as JSON: every count, and the first PREVIEW_LIMIT entries of each list.

    The suppliers a prune would take out (or took out) are listed as [code, name, evidence],
    those holding evidence first: the officer must see what would be archived.
    """
    lists: dict[str, Any] = {
        name: list(getattr(changes, name)[:PREVIEW_LIMIT]) for name in changes.LISTS
    }
    for name in ("prunable_suppliers", "removed_suppliers"):
        codes = sorted(getattr(changes, name), key=lambda c: (c not in changes.evidence, c))
        lists[name] = [
            [code, changes.names.get(code, ""), changes.evidence.get(code, {})]
            for code in codes[:PREVIEW_LIMIT]
        ]
    return {
        "counts": changes.counts(),
        "lists": lists,
        "prune": changes.prune,
        "prune_digest": changes.prune_digest,
    }


def _problems(exc: importer.ImportRejected) -> dict[str, Any]:
    return {
        "problem_count": exc.total,
        "problems": [[e.row, e.column, e.message, e.typed] for e in exc.errors[:PROBLEM_LIMIT]],
    }


def run_waiting(app: Flask, stop_event: threading.Event | None = None) -> int:
    """Carry out every waiting job, one at a time, in a session of its own; return how many.

    :param stop_event: when set, stop after the job in hand.
    """

    def carry_out(session: Session, record: ChainImport) -> None:
        try:
            execute(session=session, record=record)
        except TakenOver:
            app.logger.warning("chain import %s was taken over by another runner", record.id)

    return leases.drain(app, claim_queued, carry_out, "chain import", stop_event)[0]
