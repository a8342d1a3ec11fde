"""Documents suppliers upload as evidence (register extracts, certificates, contract templates).

Checked by content, not by name; kept outside the web root under random names; only ever
served to the organisation's own users, as downloads.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypedDict

import filetype
from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from ..models import Evidence, Response, utcnow
from ..storage import delete_after_commit, document_path, written
from ..text import visible

# What a supplier may send: documents and scans, nothing that runs or renders as a page.
ALLOWED = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]+")


class RejectedFile(ValueError):
    """An upload that is too large or not an allowed kind of document."""


class QuotaExceeded(RejectedFile):
    """New documents that would take a response over its quota."""


@dataclass(frozen=True)
class Quota:
    """How many documents, and how many bytes of them, one response may hold."""

    max_files: int
    max_bytes: int

    @classmethod
    def of(cls, app: Flask) -> Quota:
        config = app.config
        return cls(config["RESPONSE_UPLOAD_MAX_FILES"], config["RESPONSE_UPLOAD_MAX_BYTES"])

    def allows(self, sizes: Collection[int]) -> bool:
        """Whether documents of these sizes fit, all together."""
        return len(sizes) <= self.max_files and sum(sizes) <= self.max_bytes

    def message(self) -> str:
        return str(
            _l(
                "All the documents together may be at most %(files)d files and %(mb)d MB: "
                "remove one to add another.",
                files=self.max_files,
                mb=self.max_bytes // 2**20,
            )
        )


def sizes(items: Iterable[Any]) -> list[int]:
    """The sizes of the documents in a documents answer, stored ones and new ones alike."""
    return [len(i["new"][1]) if "new" in i else int(i.get("size", 0)) for i in items]


def check(stream: BinaryIO, max_bytes: int) -> tuple[bytes, str]:
    """Read an upload; return its bytes and MIME type, or raise RejectedFile saying why."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise RejectedFile(str(_l("The file is larger than %(mb)d MB.", mb=max_bytes // 2**20)))
    if not data:
        raise RejectedFile(str(_l("The file is empty.")))
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED:
        raise RejectedFile(str(_l("Send a PDF, PNG or JPEG picture, Word or Excel file.")))
    return data, kind.mime


def display_name(raw: str, mime: str) -> str:
    """The supplier's file name, made harmless, with the extension its content deserves."""
    # visible(): U+202E and its kind would make "x<U+202E>fdp.exe" read as "xexe.pdf".
    stem = _UNSAFE.sub("_", visible(Path(raw or "document").name)).strip(" .") or "document"
    stem = stem.rsplit(".", 1)[0][:200]
    return f"{stem}.{ALLOWED[mime]}"


def path_of(folder: Path, evidence: Evidence) -> Path:
    return document_path(folder, evidence.organisation_id, evidence.stored_name)


def store(
    *,
    session: Session,
    folder: Path,
    response: Response,
    question_id: str,
    data: bytes,
    mime: str,
    filename: str,
) -> Evidence:
    """Write a checked upload to disk and record it against the response."""
    stored_name = secrets.token_hex(16)
    own = folder / str(response.organisation_id)
    own.mkdir(parents=True, exist_ok=True)
    (own / stored_name).write_bytes(data)
    written(session, own / stored_name)
    assert response.id is not None  # a response is stored when it is started
    evidence = Evidence(
        organisation_id=response.organisation_id,
        response_id=response.id,
        question_id=question_id,
        filename=display_name(filename, mime),
        stored_name=stored_name,
        content_type=mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        created_at=utcnow(),
    )
    session.add(evidence)
    session.flush()
    return evidence


def delete(session: Session, documents: Iterable[Evidence]) -> None:
    """Delete documents: their rows now, their files once this commits."""
    documents = list(documents)
    for document in documents:
        session.delete(document)
    delete_after_commit(session, documents)
    session.flush()


class DocumentAnswer(TypedDict):
    """A stored document as the answer to its question lists it."""

    id: int | None
    filename: str
    size: int


def as_answer(evidence: Evidence) -> DocumentAnswer:
    """How a stored document appears in the answer to its question."""
    return {"id": evidence.id, "filename": evidence.filename, "size": evidence.size}
