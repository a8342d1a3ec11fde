"""Database tables, one module per aggregate; everything is importable from here.

Table models hold columns and relations only; rules live in services.
"""

from ..vocab import (
    CaseStatus,
    FlagStatus,
    LinkSource,
    LinkStatus,
    OutboxStatus,
    Relation,
    ResponseStatus,
    Role,
    RunStatus,
    Severity,
    SupplierKind,
    TokenPurpose,
)
from .accounts import AuditEvent, Organisation, User, UserToken
from .api import ApiToken
from .base import utcnow
from .chain import ChainImport, Link, Supplier
from .invitations import Campaign, Evidence, Invitation, OutboxMessage, SendingJob
from .periodic import PeriodicRun
from .ratelimit import RateLimitCounter
from .reports import Report
from .responses import Answer, Response
from .risk import (
    AssessmentRun,
    Flag,
    FlagDecision,
    RiskMark,
    RunLink,
    RunSupplier,
    SupplierExposure,
)
from .screening import ScreeningCheck, ScreeningResult
from .sites import Site, SiteSupplier
from .voice import CaseMessage, CasePhoto, CheckIn, WorkerCase

__all__ = [
    "ApiToken",
    "AssessmentRun",
    "Flag",
    "FlagDecision",
    "FlagStatus",
    "RunLink",
    "RunStatus",
    "RunSupplier",
    "SupplierExposure",
    "RiskMark",
    "Answer",
    "AuditEvent",
    "Campaign",
    "SendingJob",
    "CaseMessage",
    "CasePhoto",
    "CaseStatus",
    "CheckIn",
    "ChainImport",
    "Evidence",
    "Invitation",
    "Link",
    "LinkSource",
    "LinkStatus",
    "Organisation",
    "PeriodicRun",
    "RateLimitCounter",
    "OutboxMessage",
    "OutboxStatus",
    "Relation",
    "Report",
    "Response",
    "ResponseStatus",
    "Role",
    "ScreeningCheck",
    "ScreeningResult",
    "Site",
    "SiteSupplier",
    "WorkerCase",
    "Severity",
    "Supplier",
    "SupplierKind",
    "TokenPurpose",
    "User",
    "UserToken",
    "utcnow",
]
