"""What the API reads and writes, as pydantic models.

The same models validate request bodies and queries, serialise responses, and are turned into
the OpenAPI document's schemas (see spec.py): the document cannot drift from the code.
Shapes only: what a value means (a known country, a free code) is checked by the services.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, JsonValue

from ..chain.services import CODE_RE
from ..invitations.services import InvitationStatus, aware
from ..models import (
    FlagStatus,
    LinkSource,
    LinkStatus,
    Relation,
    ResponseStatus,
    RunStatus,
    Severity,
    SupplierKind,
)
from ..numbers import MAX_ID
from ..sites.services import LANGUAGES

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# PostgreSQL refuses NUL in text, and no honest input has one.
NO_NUL = r"^[^\x00]*$"


def _text(max_length: int, min_length: int = 0) -> Any:
    """A string's bounds; used as Annotated[str, _text(...)]."""
    return Field(max_length=max_length, min_length=min_length, pattern=NO_NUL)


# SQLite hands timestamps back without their zone; every stored time is UTC.
Timestamp = Annotated[datetime, AfterValidator(aware)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# ---- errors and lists ------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, machine-readable: invalid_input, not_found, ...")
    message: str
    fields: dict[str, str] = Field(description="Each bad field (dotted path) and what is wrong.")


class ErrorBody(BaseModel):
    error: ErrorDetail


class Page(_In):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**9)


T = TypeVar("T")


class Paged(BaseModel, Generic[T]):
    data: list[T]
    limit: int
    offset: int
    next_offset: int | None = Field(description="The offset of the next page; null on the last.")


# ---- suppliers and links -----------------------------------------------------------------------


Code = Annotated[str, Field(min_length=1, max_length=32, pattern=CODE_RE.pattern)]
Country = Annotated[
    str,
    Field(
        min_length=2,
        max_length=100,
        description="ISO 3166-1 alpha-2 (or alpha-3, or the name in English, Latvian or "
        "Russian); stored and returned as alpha-2",
        examples=["LV"],
    ),
]


class SupplierIn(_In):
    code: Code
    name: Annotated[str, _text(200, 1)]
    country: Country
    registration_no: Annotated[str, _text(32)] = ""
    sector: Annotated[str, _text(16)] = Field("", description="NACE Rev. 2, e.g. F41.2")
    email: Annotated[str, _text(254)] = ""
    kind: SupplierKind = SupplierKind.COMPANY
    employees: int | None = Field(None, ge=0, le=10**9)


class SupplierPatch(_In):
    """Only the fields given change; null leaves a field as it is, but clears `employees`."""

    code: Code | None = None
    name: Annotated[str, _text(200, 1)] | None = None
    country: Country | None = None
    registration_no: Annotated[str, _text(32)] | None = None
    sector: Annotated[str, _text(16)] | None = None
    email: Annotated[str, _text(254)] | None = None
    kind: SupplierKind | None = None
    employees: int | None = Field(None, ge=0, le=10**9)


class SupplierOut(_Out):
    id: int
    code: str
    name: str
    registration_no: str
    country: str
    sector: str
    email: str
    kind: SupplierKind
    employees: int | None
    disclosed: bool
    site_ids: list[int] = Field(
        default_factory=list, description="The sites it is placed on (archived ones too)."
    )
    archived_at: Timestamp | None = Field(
        description="When it was archived (out of the chain, its evidence kept); null if live."
    )
    created_at: Timestamp
    updated_at: Timestamp


Archived = Field(
    False, description="true: only archived ones (out of the chain); false: only live ones"
)


class SupplierQuery(Page):
    code: Annotated[str, _text(32)] | None = None
    kind: SupplierKind | None = None
    site_id: Id | None = Field(None, description="only the suppliers placed on this site")
    archived: bool = Archived


# A link's terms, within what the columns hold.
Workers = Annotated[int, Field(ge=0, lt=10**9)]
Euros = Annotated[
    Decimal, Field(ge=0, lt=10**12, max_digits=14, decimal_places=2, allow_inf_nan=False)
]
Hours = Annotated[
    Decimal, Field(ge=0, lt=10**11, max_digits=12, decimal_places=1, allow_inf_nan=False)
]


WorkCountry = Annotated[
    str,
    Field(
        max_length=100,
        description="Where the work is done (ISO 3166-1 alpha-2, or as for a supplier's "
        "country); empty: the organisation's country",
        examples=["LV"],
    ),
]


class LinkIn(_In):
    parent_id: Id | None = Field(None, description="null: a direct supplier (tier 1)")
    child_id: Id
    relation: Relation
    workers: Workers | None = None
    contract_value_eur: Euros | None = None
    labour_hours: Hours | None = None
    start_date: date | None = None
    end_date: date | None = None
    work_country: WorkCountry = ""


class LinkPatch(_In):
    """Only the fields given change; null leaves the relation as it is, but clears the others.
    A link's ends do not change: delete it and add another."""

    relation: Relation | None = None
    workers: Workers | None = None
    contract_value_eur: Euros | None = None
    labour_hours: Hours | None = None
    start_date: date | None = None
    end_date: date | None = None
    work_country: WorkCountry | None = None


class LinkOut(_Out):
    id: int
    parent_id: int | None
    child_id: int
    relation: Relation
    workers: int | None
    contract_value_eur: Decimal | None
    labour_hours: Decimal | None
    start_date: date | None
    end_date: date | None
    work_country: str = Field(
        description="Where the work is done (ISO 3166-1 alpha-2); empty: the organisation's country"
    )
    source: LinkSource
    status: LinkStatus
    archived_at: Timestamp | None = Field(
        description="When it was archived with one of its ends; null if live."
    )
    created_at: Timestamp


class LinkQuery(Page):
    supplier_id: Id | None = Field(None, description="links to or from it")
    archived: bool = Archived


# ---- sites -------------------------------------------------------------------------------------


Languages = Annotated[
    list[Annotated[str, _text(8)]],
    Field(
        max_length=20,
        description="The languages of the site's poster and workers' pages, any of "
        + ", ".join(LANGUAGES),
        examples=[list(LANGUAGES)],
    ),
]


class SiteIn(_In):
    name: Annotated[str, _text(200, 1)]
    address: Annotated[str, _text(300)] = ""
    country: Country = "LV"
    starts_on: date | None = None
    ends_on: date | None = None
    languages: Languages = list(LANGUAGES)


class SitePatch(_In):
    """Only the fields given change; null leaves a field as it is, but clears the dates."""

    name: Annotated[str, _text(200, 1)] | None = None
    address: Annotated[str, _text(300)] | None = None
    country: Country | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    languages: Languages | None = None


class SiteQuery(Page):
    archived: bool = Archived


class SiteOut(_Out):
    id: int
    code: str = Field(description="The short code of the workers' pages, printed on the poster")
    workers_url: str = Field(description="The workers' pages, as the poster's QR code holds it")
    name: str
    address: str
    country: str
    starts_on: date | None
    ends_on: date | None
    languages: list[str]
    archived: bool = Field(
        description="Archived: out of the lists and its workers' pages closed; its code and "
        "placements are kept for a restore."
    )
    created_at: Timestamp


# ---- invitations and responses -----------------------------------------------------------------


class InvitationIn(_In):
    supplier_ids: list[Id] = Field(min_length=1, max_length=1000)
    questionnaire_id: Annotated[str, _text(64, 1)] = "supplier-self-assessment"
    title: Annotated[str, _text(200, 1)]
    message: Annotated[str, _text(2000)] = ""
    deadline: AwareDatetime
    language: Literal["en", "lv", "ru"] | None = Field(
        None,
        description="Of the mails and the answering pages (the supplier can switch); "
        "default: Latvian for a supplier in Latvia, else English",
    )


class ResendIn(_In):
    deadline: AwareDatetime | None = Field(
        None, description="default: as it was, or a week from now if that is past or near"
    )
    language: Literal["en", "lv", "ru"] | None = Field(
        None, description="Of the new mail and the answering pages; default: as it was"
    )


class InvitationOut(_Out):
    id: int
    campaign_id: int
    supplier_id: int
    questionnaire_id: str
    questionnaire_version: int
    email: str
    language: str
    status: InvitationStatus
    expires_at: Timestamp
    sent_at: Timestamp | None
    opened_at: Timestamp | None
    response_id: int | None
    created_at: Timestamp


class InvitationsSent(BaseModel):
    campaign_id: int
    invitations: list[InvitationOut]


class InvitationQuery(Page):
    supplier_id: Id | None = None
    campaign_id: Id | None = None


class ResponseOut(_Out):
    id: int
    supplier_id: int | None = Field(description="null: the organisation's own assessment")
    questionnaire_id: str
    questionnaire_version: int
    language: str
    status: ResponseStatus
    respondent_name: str
    created_at: Timestamp
    updated_at: Timestamp
    submitted_at: Timestamp | None


class SectionProgress(BaseModel):
    section_id: str
    title: str = Field(description="In the response's language.")
    answered: int = Field(description="Questions shown to the respondent that have an answer.")
    shown: int = Field(description="Questions shown to the respondent for their answers so far.")


class ResponseDetail(ResponseOut):
    answers: dict[str, JsonValue] = Field(
        description="Answer by question id, as answered; empty until the response is submitted "
        "(the respondent's answers stay theirs until they submit them)."
    )
    progress: list[SectionProgress] = Field(
        description="How far each section is answered (empty if the questionnaire version is "
        "no longer installed)."
    )


class ResponseQuery(Page):
    supplier_id: Id | None = None
    status: ResponseStatus | None = None


# ---- assessments, flags, reports ---------------------------------------------------------------


class RunOut(_Out):
    id: int
    status: RunStatus
    trigger: str
    progress: int
    step: str
    rules_version: str
    error: str
    created_at: Timestamp
    started_at: Timestamp | None
    finished_at: Timestamp | None


class RunDetail(RunOut):
    thresholds: dict[str, JsonValue]
    questionnaires: list[str]
    chain_hash: str
    summary: dict[str, JsonValue]


class DecisionIn(_In):
    """A mitigation needs an owner and a due date, a dismissal a note saying why."""

    status: FlagStatus
    note: Annotated[str, _text(2000)] = ""
    owner: Annotated[str, _text(200)] = ""
    due_date: date | None = None


class DecisionOut(_Out):
    status: FlagStatus
    note: str
    owner: str
    due_date: date | None
    user_id: int | None = Field(description="Who decided (for the API: who made the token)")
    updated_at: Timestamp
    dismissal_pending: bool = Field(
        description="A dismissal of this critical flag is proposed and waits for a second admin"
    )
    proposed_by: int | None = Field(description="Who proposed dismissing this critical flag")
    proposed_at: Timestamp | None
    proposed_note: str = Field(description="Why, as the proposer said it")
    confirmed_by: int | None = Field(
        description="The admin, other than the proposer, who confirmed the dismissal"
    )
    confirmed_at: Timestamp | None


class FlagOut(BaseModel):
    id: int
    rule: str
    title: str = Field(description="The rule's name, in the language asked for")
    message: str = Field(description="What the flag says about the supplier, in one sentence")
    indicator: str
    severity: Severity
    supplier_id: int | None
    first_run_id: int
    last_run_id: int | None = Field(description="null: the latest run still raises it")
    status: FlagStatus = Field(description="The officer's decision (open until one is made).")
    decision: DecisionOut | None = Field(description="null: no decision yet")
    evidence: JsonValue
    params: JsonValue
    ilo: JsonValue
    guide: JsonValue


class FlagQuery(Page):
    run_id: Id | None = Field(None, description="default: the latest run")
    rule: Annotated[str, _text(64)] | None = Field(None, description="a rule or indicator id")
    severity: Severity | None = None
    supplier_id: Id | None = None


class ReportIn(_In):
    scope: Literal["chain", "tier", "supplier"] = "chain"
    tier: int | None = Field(None, ge=1, le=999, description="for scope tier")
    supplier_id: Id | None = Field(None, description="for scope supplier")
    lang: Literal["en", "lv"] = "en"
    kind: Literal["summary", "full"] = Field(
        "full",
        description="summary: the board's view (critical and high flags, the most exposed"
        " suppliers, no answers); full (the default, as before): every flagged supplier and"
        " the answers",
    )


class ReportOut(_Out):
    id: int
    run_id: int
    scope: str
    tier: int | None
    supplier_id: int | None
    title: str
    lang: str
    kind: str
    status: RunStatus
    progress: int
    step: str
    error: str
    sha256: str
    size: int
    pages: int
    created_at: Timestamp
    finished_at: Timestamp | None
