"""Flags as every page shows them: one display row per flag, for the flag list, a flag's page,
a supplier's page, its action list, the report, the exports and the API.

The caller chooses which flags and in what order (each page has its own query); this module
turns them, with the run's supplier facts, the officer's decisions and the questionnaire
catalogue, into `FlagItem`s in the language in force. It reads nothing from the database.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Required, TypedDict

from flask_babel import gettext as _

from ..i18n import SEVERITY_NAMES, format_date
from ..questionnaires.loader import Catalogue
from ..reference.ilo import NAMES as ILO_NAMES
from ..vocab import FlagStatus
from .findings import SupplierFacts
from .present import FACT_NAMES, describe, format_fact
from .rules import source_of
from .services import to_finding

if TYPE_CHECKING:
    from ..guide.content import Section
    from ..models import Flag, FlagDecision

# A guide section by its id, in the page's language (None when the guide has none by that id).
SectionLookup = Callable[[str], "Section | None"]


@dataclass(frozen=True)
class FlagItem:
    """What any page needs to show one flag."""

    id: int
    rule: str
    indicator: str
    source: str  # vocab.Source: where the evidence comes from
    title: str
    severity: str
    message: str
    details: Mapping[str, Any]  # the readable evidence: path, suppliers, answers, facts, flags
    evidence: tuple[str, ...]  # the same as lines of text
    ilo: tuple[str, ...]  # the ILO indicators' names
    guide: tuple[str, ...]  # the guide sections' ids
    first_run_id: int
    supplier_id: int | None
    supplier_code: str
    supplier_name: str
    status: str  # open | acknowledged | mitigating | dismissed
    owner: str = ""
    due_date: date | None = None
    note: str = ""
    overdue: bool = False  # a mitigation past its due date
    dismissal_pending: bool = False  # a dismissal waits for a second admin
    dismissal_proposed: str = ""  # the reason of that dismissal
    linked: bool = False  # its supplier is still the one the run read (so link to its page)
    sections: tuple[Section, ...] = ()  # the guide sections it points to, when the caller asked

    @property
    def supplier(self) -> str:
        return f"{self.supplier_name} ({self.supplier_code})" if self.supplier_code else ""

    @property
    def due(self) -> str:
        return format_date(self.due_date) if self.due_date else ""


def flag_rows(
    flags: Iterable[Flag],
    *,
    suppliers: Mapping[int, SupplierFacts],
    decisions: Mapping[str, FlagDecision],
    catalogue: Catalogue,
    today: date,
    live: Collection[int] = (),
    sections: SectionLookup | None = None,
) -> list[FlagItem]:
    """The flags as display rows, in the order given, in the language in force.

    `suppliers` names the suppliers as the run read them (one missing is named by its id);
    `decisions` are the officer's, by fingerprint; `live` holds the suppliers still the ones
    the run read; `sections` finds a guide section by id, to fill each row's `sections`.
    """
    return [
        _row(flag, suppliers, decisions.get(flag.fingerprint), catalogue, today, live, sections)
        for flag in flags
    ]


def _row(
    flag: Flag,
    suppliers: Mapping[int, SupplierFacts],
    decision: FlagDecision | None,
    catalogue: Catalogue,
    today: date,
    live: Collection[int],
    sections: SectionLookup | None,
) -> FlagItem:
    finding = to_finding(flag)
    shown = describe(finding, suppliers, catalogue)
    facts = suppliers.get(flag.supplier_id) if flag.supplier_id is not None else None
    found = (sections(g) for g in finding.guide) if sections else ()
    return FlagItem(
        id=flag.id or 0,
        rule=flag.rule,
        indicator=flag.indicator,
        source=source_of(flag.rule),
        title=shown["title"],
        severity=shown["severity"],
        message=shown["message"],
        details=shown["evidence"],
        evidence=evidence_lines(shown["evidence"]),
        ilo=tuple(str(ILO_NAMES[i]) for i in finding.ilo),
        guide=finding.guide,
        first_run_id=flag.first_run_id,
        supplier_id=flag.supplier_id,
        supplier_code=facts.code if facts else "",
        supplier_name=facts.name if facts else "",
        linked=flag.supplier_id in live,
        sections=tuple(s for s in found if s is not None),
        **_decision(decision, today),
    )


class DecisionFields(TypedDict, total=False):
    """FlagItem's fields that show the officer's decision (only status when there is none)."""

    status: Required[str]
    owner: str
    due_date: date | None
    note: str
    overdue: bool
    dismissal_pending: bool
    dismissal_proposed: str


def _decision(decision: FlagDecision | None, today: date) -> DecisionFields:
    """The officer's decision as a row shows it (open, with nothing else, when none)."""
    if decision is None:
        return {"status": FlagStatus.OPEN.value}
    pending = decision.dismissal_pending
    return {
        "status": decision.status.value,
        "owner": decision.owner,
        "due_date": decision.due_date,
        "note": decision.note,
        "overdue": bool(
            decision.status == FlagStatus.MITIGATING
            and decision.due_date
            and decision.due_date < today
        ),
        "dismissal_pending": pending,
        "dismissal_proposed": decision.proposed_note if pending else "",
    }


def evidence_lines(evidence: Mapping[str, Any]) -> tuple[str, ...]:
    """Readable evidence as lines of text (one paragraph each in the PDF: far cheaper to lay
    out than nested lists, and one cell each in a spreadsheet)."""
    lines = []
    if evidence.get("path"):
        lines.append(" → ".join(evidence["path"]))
    if evidence.get("suppliers"):
        lines.append(_("Companies concerned:") + " " + ", ".join(evidence["suppliers"]))
    for item in evidence.get("answers") or ():
        lines.append(f"{item['question']} — {_answer_text(item['answer'])}")
    for item in evidence.get("flags") or ():
        answers = item["answers"]
        quoted = "; ".join(f"{a['question']} — {_answer_text(a['answer'])}" for a in answers)
        named = f" ({', '.join(item['ilo'])})" if item["ilo"] else ""
        lines.append(f"{SEVERITY_NAMES[item['severity']]}: {quoted}{named}")
    if evidence.get("facts"):
        lines.append(
            " · ".join(
                f"{FACT_NAMES.get(k, k)}: {format_fact(k, v)}" for k, v in evidence["facts"].items()
            )
        )
    return tuple(lines)


def _answer_text(answer: Any) -> str:
    if isinstance(answer, list):
        if not answer:
            return str(_("(none)"))
        return "; ".join(
            str(a.get("name") or a.get("filename") or "") if isinstance(a, dict) else str(a)
            for a in answer
        )
    return _("(none)") if answer in (None, "") else str(answer)
