"""Responses and answers: start, save as the respondent goes, submit, read back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from .. import audit
from ..models import Answer, Evidence, Response, ResponseStatus, utcnow
from ..tenancy import get_in_org, in_org
from . import evidence
from .evaluation import RiskProfile, risk_profile
from .loader import Catalogue
from .schema import Questionnaire

COMPANY_RISK_ASSESSMENT = "company-risk-assessment"


class ResponseClosed(Exception):  # noqa: N818 (a state, not a programming error)
    """The response was submitted and can no longer change."""


def start_response(
    *,
    session: Session,
    organisation_id: int,
    questionnaire: Questionnaire,
    language: str,
    supplier_id: int | None = None,
    user_id: int | None = None,
) -> Response:
    """Open a response to this version of questionnaire."""
    response = Response(
        organisation_id=organisation_id,
        supplier_id=supplier_id,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        language=language,
        user_id=user_id,
        status=ResponseStatus.IN_PROGRESS,
    )
    session.add(response)
    session.flush()
    return response


# Statements built once (a page save runs two of them); on the table, not the ORM entity,
# as no Answer object is ever loaded that would need updating.
# (SQLModel's stubs don't declare the __table__ SQLAlchemy's mapping gives every table model.)
_TABLE: sa.Table = Answer.__table__  # type: ignore[attr-defined]
_ANSWER = _TABLE.c
_STALE = sa.delete(_TABLE).where(
    _ANSWER.response_id == sa.bindparam("response_id"),
    _ANSWER.question_id.not_in(sa.bindparam("kept", expanding=True)),
)
_STALE_IN_SCOPE = _STALE.where(_ANSWER.question_id.in_(sa.bindparam("scope", expanding=True)))


def _upsert(insert: postgresql.Insert | sqlite.Insert) -> postgresql.Insert | sqlite.Insert:
    return insert.on_conflict_do_update(
        index_elements=["response_id", "question_id"],
        set_={"value": insert.excluded.value, "updated_at": insert.excluded.updated_at},
    )


_UPSERT = {
    "postgresql": _upsert(postgresql.insert(_TABLE)),
    "sqlite": _upsert(sqlite.insert(_TABLE)),
}


def save_answers(
    *,
    session: Session,
    response: Response,
    answers: Mapping[str, Any],
    scope: Iterable[str] | None = None,
    upload_dir: Path | None = None,
    quota: evidence.Quota | None = None,
) -> None:
    """Store answers; questions in scope (default: all) without an answer lose their old one.

    Documents no answer lists any more are deleted (their files once this commits); new
    documents are written under upload_dir, within quota, or QuotaExceeded is raised before
    anything changes. One DELETE of the answers taken back and one INSERT ... ON CONFLICT DO
    UPDATE for the rest (executemany).
    """
    if response.status == ResponseStatus.SUBMITTED:
        raise ResponseClosed
    answers = _settle_documents(session, response, answers, scope, upload_dir, quota)
    stale = {"response_id": response.id, "kept": list(answers)}
    if scope is None:
        session.execute(_STALE, stale)
    else:
        session.execute(_STALE_IN_SCOPE, {**stale, "scope": list(scope)})
    if answers:
        now = utcnow()
        rows = [
            {
                "organisation_id": response.organisation_id,
                "response_id": response.id,
                "question_id": qid,
                "value": value,
                "updated_at": now,
            }
            for qid, value in answers.items()
        ]
        session.execute(_UPSERT[session.get_bind().dialect.name], rows)
    response.updated_at = utcnow()
    session.add(response)
    session.flush()


def _new_documents(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, dict) and "new" in v]


def _settle_documents(
    session: Session,
    response: Response,
    answers: Mapping[str, Any],
    scope: Iterable[str] | None,
    folder: Path | None,
    quota: evidence.Quota | None,
) -> dict[str, Any]:
    """Delete the documents that the answers after this save no longer list, check the new
    ones against the quota, store them; return the answers with the new ones' records."""
    new = [item for value in answers.values() for item in _new_documents(value)]
    documents = session.exec(
        in_org(Evidence, response.organisation_id).where(Evidence.response_id == response.id)
    ).all()
    if not documents and not new:
        return dict(answers)
    after = {**_untouched(session, response, answers, scope), **answers}
    kept: list[Evidence] = []
    dropped: list[Evidence] = []
    for document in documents:
        listed = _lists(after.get(document.question_id), document.id)
        (kept if listed else dropped).append(document)
    if new:
        if folder is None or quota is None:
            raise ValueError("documents need an upload folder and a quota")
        if not quota.allows([d.size for d in kept] + evidence.sizes(new)):
            raise evidence.QuotaExceeded(quota.message())
    evidence.delete(session, dropped)
    return {k: _store_documents(session, response, k, v, folder) for k, v in answers.items()}


def _untouched(
    session: Session, response: Response, answers: Mapping[str, Any], scope: Iterable[str] | None
) -> dict[str, Any]:
    """The stored answers that a save of answers in scope leaves as they are."""
    if scope is None:
        return {}
    changed = set(scope) | set(answers)
    return {k: v for k, v in stored_answers(session, response).items() if k not in changed}


def _store_documents(
    session: Session, response: Response, question_id: str, value: Any, folder: Path | None
) -> Any:
    """Replace {"new": (name, bytes, type)} entries with the stored document's record."""
    if not _new_documents(value):
        return value
    assert folder is not None  # checked by _settle_documents
    stored = []
    for item in value:
        if "new" in item:
            name, data, mime = item["new"]
            document = evidence.store(
                session=session,
                folder=folder,
                response=response,
                question_id=question_id,
                data=data,
                mime=mime,
                filename=name,
            )
            item = evidence.as_answer(document)
        stored.append(item)
    return stored


def submit_response(*, session: Session, response: Response, respondent_name: str) -> None:
    """Close the response: from now on it is read-only evidence."""
    if response.status == ResponseStatus.SUBMITTED:
        raise ResponseClosed
    response.status = ResponseStatus.SUBMITTED
    response.respondent_name = respondent_name.strip()[:200]
    response.submitted_at = utcnow()
    session.add(response)
    session.flush()


# Built once: every answering page reads its answers, and plain rows cost a fraction of
# loaded Answer objects.
_ANSWERS = sa.select(_ANSWER.question_id, _ANSWER.value).where(
    _ANSWER.organisation_id == sa.bindparam("organisation_id"),
    _ANSWER.response_id == sa.bindparam("response_id"),
)


def stored_answers(session: Session, response: Response) -> dict[str, Any]:
    """The response's answers by question id."""
    rows = session.execute(
        _ANSWERS, {"organisation_id": response.organisation_id, "response_id": response.id}
    )
    return {question_id: value for question_id, value in rows}


def is_released(response: Response) -> bool:
    """Whether the organisation may read the response's answers and documents: once submitted.

    The supplier's pages promise that nothing is sent until they submit, so of a draft the
    organisation sees how far the sections are answered, not what they say.
    """
    return response.status == ResponseStatus.SUBMITTED


def released_answers(session: Session, response: Response) -> dict[str, Any] | None:
    """A submitted response's answers by question id; None for a draft (see is_released)."""
    return stored_answers(session, response) if is_released(response) else None


def sent_documents(session: Session, response: Response) -> list[Evidence]:
    """The documents the organisation may read: those a submitted response's answers list.

    None of a draft's; and none that a supplier removed before submitting, which earlier
    versions kept on disk beside the answers.
    """
    answers = released_answers(session, response)
    if answers is None:
        return []
    documents = session.exec(
        in_org(Evidence, response.organisation_id)
        .where(Evidence.response_id == response.id)
        .order_by(col(Evidence.id))
    ).all()
    return [d for d in documents if _lists(answers.get(d.question_id), d.id)]


def is_sent(session: Session, document: Evidence) -> bool:
    """Whether document is one of its response's sent_documents (the organisation may read it)."""
    response = get_in_org(session, Response, document.response_id, document.organisation_id)
    return response is not None and document.id in {d.id for d in sent_documents(session, response)}


def _lists(value: Any, document_id: int | None) -> bool:
    return isinstance(value, list) and any(
        isinstance(item, dict) and item.get("id") == document_id for item in value
    )


def latest_submitted(
    session: Session, organisation_id: int, questionnaire_id: str, supplier_id: int | None = None
) -> Response | None:
    """The newest submitted response to questionnaire_id by supplier_id (None: the organisation)."""
    supplier = (
        col(Response.supplier_id).is_(None)
        if supplier_id is None
        else col(Response.supplier_id) == supplier_id
    )
    query = (
        in_org(Response, organisation_id)
        .where(Response.questionnaire_id == questionnaire_id, supplier)
        .where(Response.status == ResponseStatus.SUBMITTED)
        .order_by(col(Response.submitted_at).desc(), col(Response.id).desc())
    )
    return session.exec(query).first()


def record_own_assessment(
    *,
    session: Session,
    organisation_id: int,
    user_id: int | None,
    questionnaire: Questionnaire,
    language: str,
    answers: Mapping[str, Any],
    respondent_name: str,
    upload_dir: Path | None = None,
    quota: evidence.Quota | None = None,
) -> Response:
    """Store the organisation's answers to its own risk assessment as a new submitted response
    (earlier ones stay, so the profile's history is kept)."""
    response = start_response(
        session=session,
        organisation_id=organisation_id,
        questionnaire=questionnaire,
        language=language,
        user_id=user_id,
    )
    save_answers(
        session=session, response=response, answers=answers, upload_dir=upload_dir, quota=quota
    )
    submit_response(session=session, response=response, respondent_name=respondent_name)
    audit.record(
        session,
        user_id=user_id,
        action="risk_assessment.submitted",
        obj=response,
        questionnaire=f"{questionnaire.id} v{questionnaire.version}",
    )
    return response


@dataclass(frozen=True)
class OwnAssessment:
    """The organisation's latest own risk assessment and what it says."""

    questionnaire: Questionnaire
    answered_at: datetime | None
    answered_by: str
    profile: RiskProfile


def own_assessment(
    session: Session, organisation_id: int, catalogue: Catalogue
) -> OwnAssessment | None:
    """The organisation's risk profile from its latest assessment, or None if it has none."""
    response = latest_submitted(session, organisation_id, COMPANY_RISK_ASSESSMENT)
    if response is None:
        return None
    questionnaire = catalogue.get(response.questionnaire_id, response.questionnaire_version)
    if questionnaire is None:  # its version's file was removed: the answers cannot be read
        return None
    answers = stored_answers(session, response)
    return OwnAssessment(
        questionnaire=questionnaire,
        answered_at=response.submitted_at,
        answered_by=response.respondent_name,
        profile=risk_profile(questionnaire, answers),
    )
