"""The plain vocabulary the whole product shares: roles, kinds, relations, severities,
statuses and the ILO's indicators of forced labour.

Plain enums that import nothing of ours, so that the pure core (rules, graph, questionnaire
schema) can name them without loading the database or the web stack. Their names as people
read them are given by presenters and templates, never here.
"""

from __future__ import annotations

import enum

# The languages of the product's pages, mails, reports and guide, English first (the source).
LANGUAGES = ("en", "lv")

# The languages a supplier may be invited in and answer in: the answering pages, the mails, the
# copy of the answers. A questionnaire text not yet given in one of them is shown in English.
SUPPLIER_LANGUAGES = ("en", "lv", "ru")


class Role(enum.StrEnum):
    """What a user may do inside their organisation."""

    ADMIN = "admin"  # everything, including users and settings
    OFFICER = "officer"  # maps the chain, sends questionnaires, handles flags
    VIEWER = "viewer"  # reads


class SupplierKind(enum.StrEnum):
    COMPANY = "company"
    AGENCY = "agency"  # temporary-work agency or other labour intermediary


class Relation(enum.StrEnum):
    SUBCONTRACT = "subcontract"
    LABOUR_HIRE = "labour_hire"  # workers supplied by an agency or intermediary
    SUPPLY = "supply"


class LinkSource(enum.StrEnum):
    ENTERED = "entered"
    IMPORTED = "imported"
    DISCLOSED = "disclosed"


class LinkStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    PROPOSED = "proposed"


class Severity(enum.StrEnum):
    """How serious a risk is; the order of the members is the order of seriousness."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


# The severities the gravest first: the order the lists, charts and reports show them in.
GRAVEST_FIRST: tuple[Severity, ...] = tuple(reversed(Severity))


class ResponseStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"  # gave up: shown to admins


class RunStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class FlagStatus(enum.StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    MITIGATING = "mitigating"  # a mitigation with an owner and a due date
    DISMISSED = "dismissed"  # a false positive, with the reason


class Source(enum.StrEnum):
    """Where a flag's evidence comes from: the chain's shape and the facts about its links, a
    supplier's own answers, the officer's checks of public registers, or the workers on a site.
    Pages and reports keep them apart, so that workers' word can be weighed against the
    suppliers'."""

    STRUCTURE = "structure"
    ANSWERS = "answers"
    CHECKS = "checks"
    WORKERS = "workers"


class CaseStatus(enum.StrEnum):
    """Where a worker's report stands with the officer who handles it."""

    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    UNDER_WAY = "under_way"
    CLOSED = "closed"


class TokenPurpose(enum.StrEnum):
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a purpose label, not a password)
    USER_INVITATION = "user_invitation"
    EMAIL_CONFIRMATION = "email_confirmation"


class IloIndicator(enum.StrEnum):
    """The ILO's eleven indicators of forced labour (ILO SAP-FL, 2012), by stable id."""

    ABUSE_OF_VULNERABILITY = "abuse_of_vulnerability"
    DECEPTION = "deception"
    RESTRICTION_OF_MOVEMENT = "restriction_of_movement"
    ISOLATION = "isolation"
    PHYSICAL_AND_SEXUAL_VIOLENCE = "physical_and_sexual_violence"
    INTIMIDATION_AND_THREATS = "intimidation_and_threats"
    RETENTION_OF_IDENTITY_DOCUMENTS = "retention_of_identity_documents"
    WITHHOLDING_OF_WAGES = "withholding_of_wages"
    DEBT_BONDAGE = "debt_bondage"
    ABUSIVE_WORKING_AND_LIVING_CONDITIONS = "abusive_working_and_living_conditions"
    EXCESSIVE_OVERTIME = "excessive_overtime"


# The indicators that take away the worker's freedom to leave: with two others they point to
# forced labour rather than to poor conditions (ILO, Hard to see, harder to count, 2012), and a
# worker's report confirmed with one of them is critical.
KEY_INDICATORS = frozenset(
    {
        IloIndicator.RETENTION_OF_IDENTITY_DOCUMENTS,
        IloIndicator.INTIMIDATION_AND_THREATS,
        IloIndicator.RESTRICTION_OF_MOVEMENT,
        IloIndicator.DEBT_BONDAGE,
    }
)
