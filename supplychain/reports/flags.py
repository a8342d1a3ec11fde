"""A run's flags as people read them, with the officer's decision on each: shared by the
report and the exports, so that both say the same thing."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from sqlmodel import Session, col

from ..i18n import SEVERITY_NAMES
from ..ilo import NAMES as ILO_NAMES
from ..models import AssessmentRun, Flag, FlagStatus, utcnow
from ..questionnaires.loader import Catalogue
from ..risk import services
from ..risk.findings import SupplierFacts
from ..risk.present import FACT_NAMES, describe


@dataclass(frozen=True)
class FlagItem:
    id: int
    rule: str
    indicator: str
    title: str
    severity: str
    message: str
    details: Mapping[str, Any]  # the readable evidence: path, suppliers, answers, facts
    evidence: tuple[str, ...]  # the same as lines of text
    ilo: tuple[str, ...]
    guide: tuple[str, ...]
    first_run_id: int
    supplier_id: int | None
    supplier_code: str
    supplier_name: str
    status: str  # open | acknowledged | mitigating | dismissed
    owner: str = ""
    due_date: date | None = None
    note: str = ""
    overdue: bool = False  # a mitigation past its due date
    dismissal_proposed: str = ""  # the reason of a dismissal waiting for a second admin

    @property
    def supplier(self) -> str:
        return f"{self.supplier_name} ({self.supplier_code})" if self.supplier_code else ""

    @property
    def due(self) -> str:
        return format_date(self.due_date) if self.due_date else ""


def flag_items(
    session: Session,
    run: AssessmentRun,
    suppliers: Mapping[int, SupplierFacts],
    catalogue: Catalogue,
    members: Collection[int] | None = None,
    today: date | None = None,
) -> list[FlagItem]:
    """The run's flags (of `members` only, when given), in the language in force."""
    today = today or utcnow().date()
    query = services.flags_of(session, run).order_by(col(Flag.supplier_id), Flag.rule, Flag.id)
    flags = session.exec(query).all()
    if members is not None:
        flags = [f for f in flags if f.supplier_id in members]
    decided = services.decisions(session, run.organisation_id, {f.fingerprint for f in flags})
    items = []
    for flag in flags:
        finding = services.to_finding(flag)
        shown = describe(finding, suppliers, catalogue)
        decision = decided.get(flag.fingerprint)
        facts = suppliers.get(flag.supplier_id) if flag.supplier_id is not None else None
        items.append(
            FlagItem(
                id=flag.id or 0,
                rule=flag.rule,
                indicator=flag.indicator,
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
                status=decision.status.value if decision else FlagStatus.OPEN.value,
                owner=decision.owner if decision else "",
                due_date=decision.due_date if decision else None,
                note=decision.note if decision else "",
                overdue=bool(
                    decision
                    and decision.status == FlagStatus.MITIGATING
                    and decision.due_date
                    and decision.due_date < today
                ),
                dismissal_proposed=(
                    decision.proposed_note if decision and decision.dismissal_pending else ""
                ),
            )
        )
    return items


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
                f"{FACT_NAMES.get(k, k)}: {'—' if v is None else v}"
                for k, v in evidence["facts"].items()
            )
        )
    return tuple(lines)


def _answer_text(answer: Any) -> str:
    if isinstance(answer, list):
        if not answer:
            return _("(none)")
        return "; ".join(
            str(a.get("name") or a.get("filename") or "") if isinstance(a, dict) else str(a)
            for a in answer
        )
    return _("(none)") if answer in (None, "") else str(answer)
