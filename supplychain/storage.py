"""Suppliers' documents on disk: where they live, and their files kept in step with their rows.

A file is deleted only after the transaction that deletes its row commits, and a file written
for a row that is never committed (rolled back, or the session closed first) is deleted when
that transaction ends. A crash in between leaves a file without a row (harmless), never a row
without its file. The session knows the upload folder (see db.get_session), so a service that
deletes rows never needs the app to remove their files.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from .models import Evidence, Response, ScreeningCheck

if TYPE_CHECKING:
    from flask import Flask

FOLDER = "upload_dir"  # the session.info key of the upload folder
_DOOMED = "files_to_delete"  # the session.info key of the files to delete at commit
_WRITTEN = "files_written"  # the session.info key of the files to delete unless it commits


def upload_dir(app: Flask) -> Path:
    return Path(app.config.get("UPLOAD_DIR") or Path(app.instance_path) / "uploads")


def document_path(folder: Path, organisation_id: int, stored_name: str) -> Path:
    return folder / str(organisation_id) / stored_name


def keep(session: Session, folder: Path, organisation_id: int, data: bytes) -> str:
    """Write data to the organisation's part of folder under a new random name, deleted again
    unless session's transaction commits; return the name."""
    stored_name = secrets.token_hex(16)
    path = document_path(folder, organisation_id, stored_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    written(session, path)
    return stored_name


def delete_after_commit(session: Session, documents: Iterable[Any]) -> None:
    """Delete the files of documents (rows with organisation_id and stored_name) once the
    session's transaction commits."""
    documents = list(documents)
    if not documents:
        return
    folder = Path(session.info[FOLDER])  # a session from db.get_session
    paths = {document_path(folder, d.organisation_id, d.stored_name) for d in documents}
    session.info.setdefault(_DOOMED, set()).update(paths)


def delete_suppliers_documents(
    session: Session, organisation_id: int, supplier_ids: Iterable[int]
) -> None:
    """Delete the files of the suppliers' documents (answers' and screening checks') once their
    deletion commits (the rows go by ON DELETE CASCADE with the suppliers)."""
    supplier_ids = list(supplier_ids)
    responses = select(Response.id).where(
        Response.organisation_id == organisation_id,
        col(Response.supplier_id).in_(list(supplier_ids)),
    )
    documents = session.exec(
        select(Evidence.organisation_id, Evidence.stored_name).where(
            Evidence.organisation_id == organisation_id,
            col(Evidence.response_id).in_(responses),
        )
    ).all()
    delete_after_commit(session, documents)
    screening = session.exec(
        select(ScreeningCheck.organisation_id, ScreeningCheck.stored_name).where(
            ScreeningCheck.organisation_id == organisation_id,
            col(ScreeningCheck.supplier_id).in_(list(supplier_ids)),
            col(ScreeningCheck.stored_name).is_not(None),
        )
    ).all()
    delete_after_commit(session, screening)


def written(session: Session, path: Path) -> None:
    """Note a file written for a row of this transaction: deleted unless the row commits."""
    session.info.setdefault(_WRITTEN, set()).add(path)


@sa.event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    for path in session.info.pop(_DOOMED, ()):
        path.unlink(missing_ok=True)


@sa.event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: Any) -> None:
    if transaction.parent is not None:  # a savepoint: the outer transaction decides
        return
    # After a commit, _committed has emptied both; anything left was never committed.
    session.info.pop(_DOOMED, None)
    for path in session.info.pop(_WRITTEN, ()):
        path.unlink(missing_ok=True)
