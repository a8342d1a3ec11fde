"""Recording screening checks and reading them back, one organisation at a time.

Checks are only ever added: a newer check of an item supersedes the older ones, which stay as
its history. Services flush; the request commits.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from .. import audit, events
from ..models import ScreeningCheck, ScreeningResult, Supplier, SupplierKind, User
from ..questionnaires.evidence import RejectedFile, display_name
from ..questionnaires.evidence import check as check_upload
from ..storage import document_path, written
from ..tenancy import in_org
from .packs import Item, Pack, pack_for
from .state import ItemState, Summary, item_states, summarise

RECORDED = "screening.recorded"  # the audit action (risk.freshness reads it as a change)
DOCUMENT_TYPES = {"application/pdf", "image/png", "image/jpeg"}


@dataclass(frozen=True)
class Document:
    filename: str
    data: bytes
    mime: str


def read_document(stream: BinaryIO, filename: str, max_bytes: int) -> Document:
    """A checked upload (a PDF or a picture within max_bytes), or RejectedFile saying why."""
    data, mime = check_upload(stream, max_bytes)
    if mime not in DOCUMENT_TYPES:
        raise RejectedFile(str(_l("Send a PDF, PNG or JPEG picture.")))
    return Document(filename, data, mime)


def items_of(pack: Pack, supplier: Supplier) -> tuple[Item, ...]:
    return pack.items_for(is_agency=supplier.kind == SupplierKind.AGENCY, sector=supplier.sector)


def record_check(
    *,
    session: Session,
    folder: Path,
    supplier: Supplier,
    user: User,
    item: Item,
    pack: Pack,
    checked_on: date,
    result: ScreeningResult,
    note: str,
    valid_until: date | None,
    document: Document | None,
) -> ScreeningCheck:
    """Add a check of item for supplier (valid_until defaults from the item's validity) and
    write it to the audit trail; a document is written to disk, kept only if this commits."""
    found = ScreeningCheck(
        organisation_id=supplier.organisation_id,
        supplier_id=supplier.id,  # type: ignore[arg-type]
        pack_id=pack.id,
        item_id=item.id,
        checked_on=checked_on,
        checked_by_id=user.id,
        checked_by_name=user.name or user.email,
        result=result,
        note=note,
        valid_until=valid_until or item.valid_until(checked_on),
    )
    if document is not None:
        stored_name = secrets.token_hex(16)
        path = document_path(folder, supplier.organisation_id, stored_name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(document.data)
        written(session, path)
        found.filename = display_name(document.filename, document.mime)
        found.stored_name = stored_name
        found.content_type = document.mime
        found.size = len(document.data)
        found.sha256 = hashlib.sha256(document.data).hexdigest()
    session.add(found)
    session.flush()
    audit.record(
        session,
        organisation_id=supplier.organisation_id,
        user_id=user.id,
        action=RECORDED,
        obj=found,
        supplier_id=supplier.id,
        pack=pack.id,
        item=item.id,
        result=result.value,
        checked_on=checked_on.isoformat(),
        valid_until=found.valid_until.isoformat(),
    )
    events.touched(session, supplier.organisation_id, "screening", [found.supplier_id])
    return found


def history(session: Session, organisation_id: int, supplier_id: int) -> list[ScreeningCheck]:
    """Every check of the supplier, newest first."""
    return list(
        session.exec(
            in_org(ScreeningCheck, organisation_id)
            .where(ScreeningCheck.supplier_id == supplier_id)
            .order_by(col(ScreeningCheck.id).desc())
        )
    )


def newest_checks(organisation_id: int, supplier_ids: Iterable[int] | None = None) -> Any:
    """The query for the newest check of each (supplier, pack, item): a newer check of an item
    supersedes the older ones."""
    newest = select(sa.func.max(ScreeningCheck.id)).where(
        ScreeningCheck.organisation_id == organisation_id
    )
    if supplier_ids is not None:
        newest = newest.where(col(ScreeningCheck.supplier_id).in_(list(supplier_ids)))
    newest = newest.group_by(
        ScreeningCheck.supplier_id, ScreeningCheck.pack_id, ScreeningCheck.item_id
    )
    return in_org(ScreeningCheck, organisation_id).where(col(ScreeningCheck.id).in_(newest))


def latest_by_supplier(
    session: Session, organisation_id: int, supplier_ids: Iterable[int] | None = None
) -> dict[int, dict[tuple[str, str], ScreeningCheck]]:
    """The newest check of each (pack, item), by supplier, in one query."""
    found: dict[int, dict[tuple[str, str], ScreeningCheck]] = {}
    rows = session.exec(newest_checks(organisation_id, supplier_ids))
    for row in rows:
        found.setdefault(row.supplier_id, {})[(row.pack_id, row.item_id)] = row
    return found


@dataclass(frozen=True)
class SupplierScreening:
    pack: Pack
    states: list[ItemState]
    summary: Summary


def screening_of(
    session: Session, supplier: Supplier, today: date, *, checks: list[ScreeningCheck] | None = None
) -> SupplierScreening:
    """The supplier's pack (by its country), each item's state today, and their summary."""
    pack = pack_for(supplier.country)
    if checks is None:
        newest = latest_by_supplier(session, supplier.organisation_id, [supplier.id])
        latest = {i: c for (p, i), c in newest.get(supplier.id, {}).items() if p == pack.id}
    else:  # newest first: the first of each item is its latest
        latest = {}
        for found in checks:
            if found.pack_id == pack.id:
                latest.setdefault(found.item_id, found)
    states = item_states(items_of(pack, supplier), latest, today)
    return SupplierScreening(pack, states, summarise(states))
