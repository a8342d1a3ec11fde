"""Findings as people read them: supplier names instead of ids, question texts, one sentence.

Used by the CLI's JSON and CSV, and by the pages; the language is the one in force.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..chain.graph import ROOT
from ..i18n import SEVERITY_NAMES, current_language, format_date, format_number
from ..questionnaires import inputs
from ..questionnaires.fields import field_type
from ..questionnaires.loader import Catalogue
from ..reference.ilo import NAMES as ILO_NAMES
from ..reference.risk_factors import translated_sources
from ..screening.forms import RESULT_NAMES
from ..vocab import IloIndicator
from . import texts
from .findings import Finding, SupplierFacts
from .rules import RULES
from .screening_rules import screening_item_title

# How the facts in a flag's evidence are labelled on the pages.
FACT_NAMES = {
    "workers_in": _l("Workers on its contract"),
    "workers_out": _l("Workers its subcontractors bring"),
    "employees": _l("Its own employees"),
    "deadline": _l("Deadline"),
    "contract_value_eur": _l("Contract value (EUR)"),
    "labour_hours": _l("Labour hours"),
    "per_hour_eur": _l("Paid per labour hour (EUR)"),
    "minimum_eur": _l("Legal minimum cost of an hour (EUR)"),
    "country": _l("Country"),
    "buyer_country": _l("Buyer's country"),
    "supplier_country": _l("Supplier's country"),
    "tier": _l("Country tier"),
    "source": _l("Source"),
    "sector": _l("Sector"),
    "matched": _l("High-risk sector"),
    "declared_workers": _l("Workers on its contract, as it answered"),
    "declared_employees": _l("Its own employees, as it answered"),
    "hourly_rate_eur": _l("Lowest gross hourly pay it reports (EUR)"),
    "wage_floor_eur": _l("Minimum gross hourly wage (EUR)"),
    "floor_nace": _l("Sector the minimum binds (NACE)"),
    "months": _l("Months of the contract"),
    "normal_hours": _l("Normal working hours in those months"),
    "average_month_hours": _l("Normal working hours of an average month"),
    "valid_from": _l("In force from"),
    "valid_to": _l("In force until"),
    "checked": _l("Figure checked on"),
    "screening_item": _l("Screening item"),
    "result": _l("Result"),
    "checked_on": _l("Checked on"),
    "checked_by": _l("Checked by"),
    "valid_until": _l("Valid until"),
    "worker_case": _l("Worker's report (case number)"),
    "site": _l("Site"),
}
# The facts that are amounts (two decimals, the unit is in the name), dates and counts: shown
# as the reader writes them (they are stored as plain strings and numbers).
AMOUNT_FACTS = frozenset(k for k in FACT_NAMES if k.endswith("_eur"))
DATE_FACTS = frozenset(
    {"deadline", "valid_from", "valid_to", "checked", "checked_on", "valid_until"}
)
COUNT_FACTS = frozenset(
    {
        "workers_in",
        "workers_out",
        "employees",
        "declared_workers",
        "declared_employees",
        "labour_hours",
        "months",
        "normal_hours",
        "average_month_hours",
    }
)


# The country tiers of the rule cross-border (reference.risk_factors.CountryTier.tier).
TIER_NAMES = {
    "eu-eea": _l("EU/EEA or Switzerland"),
    "third-country": _l("a third country"),
}


def format_fact(key: str, value: Any) -> str:
    """A fact of a flag's evidence as the reader writes it: "1 200 000,00" for an amount in
    Latvian, a date in words; what does not parse is shown as it was stored."""
    if value is None or value == "":
        return "—"
    if key == "source" and isinstance(value, str):
        return translated_sources(current_language()).get(value, value)
    if key == "tier" and value in TIER_NAMES:
        return str(TIER_NAMES[value])
    if key == "result" and value in RESULT_NAMES:
        return str(RESULT_NAMES[value])
    if key == "screening_item" and isinstance(value, str) and "/" in value:
        pack, item = value.split("/", 1)
        return screening_item_title(pack, item, current_language())
    try:
        if key in AMOUNT_FACTS:
            return format_number(Decimal(str(value)), places=2)
        if key in COUNT_FACTS:
            return format_number(Decimal(str(value)))
        if key in DATE_FACTS:
            return format_date(date.fromisoformat(str(value)[:10]))
    except (ValueError, InvalidOperation):
        pass
    return str(value)


DECISION_NAMES = {
    "open": _l("open"),
    "acknowledged": _l("acknowledged"),
    "mitigating": _l("being mitigated"),
    "dismissed": _l("dismissed as a false positive"),
}
# What started an assessment (AssessmentRun.trigger; see events.data_changed).
TRIGGER_NAMES = {
    "manual": _l("started by hand"),
    "api": _l("started through the API"),
    "cli": _l("started from the command line"),
    "demo": _l("demo data"),
    "import": _l("after a chain import"),
    "disclosure": _l("after a disclosed subcontractor was confirmed"),
    "response": _l("after a supplier's answers"),
    "worker-report": _l("after a worker's report was confirmed"),
}
RUN_STATUS_NAMES = {
    "queued": _l("waiting"),
    "running": _l("running"),
    "done": _l("finished"),
    "failed": _l("failed"),
}
THRESHOLD_NAMES = {
    "medium_from": _l("Medium from tier"),
    "high_from": _l("High from tier"),
    "own_share_max": _l("Largest share of its own workers (0-1)"),
    "max_employees": _l("Employees at most"),
    "documents_share": _l("Share of workers whose passport or ID someone else keeps (0-1)"),
    "fees_share": _l("Share of workers who paid to get the job (0-1)"),
    "unpaid_share": _l("Share of workers not paid for all their hours (0-1)"),
    "threats_share": _l("Share of workers who were threatened (0-1)"),
    "leave_share": _l("Share of workers who cannot leave (0-1)"),
    "unknown_share": _l("Share of workers who do not know their employer (0-1)"),
}


def chart_names() -> dict[str, str]:
    """The charts' parts as the reader calls them: the severities and the coverage's three."""
    return {
        **{s.value: str(name) for s, name in SEVERITY_NAMES.items()},
        "answered": _("suppliers who answered"),
        "waiting": _("suppliers asked who have not answered"),
        "never": _("suppliers never asked"),
    }


class Quote(TypedDict):
    """An answer as evidence: the question as asked (its id, if the version is gone)."""

    question: str | None
    answer: Any  # as the respondent gave it, choices by their names


class FlagMention(TypedDict):
    """A flag that a rule over other flags names."""

    fingerprint: str
    severity: str
    ilo: list[str]
    answers: list[Quote]


class ReadableEvidence(TypedDict, total=False):
    """A finding's evidence with names instead of ids (only the parts it has)."""

    path: list[str]
    suppliers: list[str]
    answers: list[Quote]
    facts: dict[str, Any]
    flags: list[FlagMention]


class Description(TypedDict):
    """A flag as plain data (see describe)."""

    supplier: str | None
    supplier_name: str | None
    rule: str
    indicator: str
    title: str
    severity: str
    message: str
    evidence: ReadableEvidence
    ilo: list[str]
    guide: list[str]


def describe(
    finding: Finding, suppliers: Mapping[int, SupplierFacts], catalogue: Catalogue
) -> Description:
    """A flag as plain data: supplier code, rule, severity, the sentence, readable evidence."""
    rule = RULES[finding.rule]
    supplier = suppliers.get(finding.supplier_id) if finding.supplier_id is not None else None
    evidence = readable_evidence(finding.evidence, suppliers, catalogue)
    return {
        "supplier": supplier.code if supplier else None,
        "supplier_name": supplier.name if supplier else None,
        "rule": finding.rule,
        "indicator": finding.indicator,
        "title": _headline(finding, evidence),
        "severity": finding.severity.value,
        "message": texts.explain(finding, rule.thresholds),
        "evidence": evidence,
        "ilo": [i.value for i in finding.ilo],
        "guide": list(finding.guide),
    }


def _headline(finding: Finding, evidence: ReadableEvidence) -> str:
    """The rule's title; an answer's flag is headed by the question it answers, since one
    title for every answer would say nothing."""
    quoted = evidence.get("answers") if finding.rule == "answer" else None
    if quoted and quoted[0]["question"]:
        return str(quoted[0]["question"])
    return str(texts.title(finding.rule))


def readable_evidence(
    evidence: Mapping[str, Any], suppliers: Mapping[int, SupplierFacts], catalogue: Catalogue
) -> ReadableEvidence:
    """Evidence with ids turned into names and question ids into the questions asked."""
    out: ReadableEvidence = {}
    if "path" in evidence:
        out["path"] = [_name(node, suppliers) for node in evidence["path"]]
    if "suppliers" in evidence:
        out["suppliers"] = [_name(node, suppliers) for node in evidence["suppliers"]]
    if "answers" in evidence:
        out["answers"] = [_quote(item, catalogue) for item in evidence["answers"]]
    if "facts" in evidence:
        out["facts"] = dict(evidence["facts"])
    if "flags" in evidence:  # a rule over other flags names them by fingerprint
        out["flags"] = [
            {
                "fingerprint": item["fingerprint"],
                "severity": item["severity"],
                "ilo": [str(ILO_NAMES[IloIndicator(i)]) for i in item["ilo"]],
                "answers": [
                    _quote(a, catalogue) for a in item.get("evidence", {}).get("answers", ())
                ],
            }
            for item in evidence["flags"]
        ]
    return out


def _name(node: int, suppliers: Mapping[int, SupplierFacts]) -> str:
    if node == ROOT:
        return str(_("your organisation"))
    supplier = suppliers.get(node)
    return f"{supplier.name} ({supplier.code})" if supplier else f"#{node}"


def _quote(item: Mapping[str, Any], catalogue: Catalogue) -> Quote:
    questionnaire = catalogue.get(item["questionnaire"], item["version"])
    lang = str(get_locale())
    if questionnaire is None:
        return {"question": item["question"], "answer": item["answer"]}
    question = questionnaire.question(item["question"])
    answer = item["answer"]
    names = field_type(question).names(inputs, question, lang)
    if isinstance(answer, list) and answer and not isinstance(answer[0], dict):
        answer = [names.get(a, a) for a in answer]
    elif isinstance(answer, str):
        answer = names.get(answer, answer)
    return {"question": question.text.get(lang), "answer": answer}
