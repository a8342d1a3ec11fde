"""A run's flags as CSV, XLSX and JSON: the same flags, sentences and decisions as the report.

Supplier text reaches spreadsheets defused (chain.tabular.defuse): a name that starts with
"=" or "+" stays text instead of becoming a formula.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from ..chain.tabular import write_csv, write_xlsx
from ..models import AssessmentRun
from ..risk.display import FlagItem

COLUMNS = (
    "flag",
    "supplier_code",
    "supplier",
    "rule",
    "indicator",
    "severity",
    "title",
    "message",
    "evidence",
    "status",
    "owner",
    "due_date",
    "note",
    "first_run",
)


def _rows(items: list[FlagItem]) -> Iterator[list[object]]:
    for i in items:
        yield [
            i.id,
            i.supplier_code,
            i.supplier_name,
            i.rule,
            i.indicator,
            i.severity,
            i.title,
            i.message,
            " | ".join(i.evidence),
            i.status,
            i.owner,
            i.due_date.isoformat() if i.due_date else "",
            i.note,
            i.first_run_id,
        ]


def flags_csv(items: list[FlagItem]) -> bytes:
    return write_csv(_rows(items), COLUMNS)


def flags_xlsx(items: list[FlagItem]) -> bytes:
    return write_xlsx(_rows(items), COLUMNS, "flags")


def flags_json(run: AssessmentRun, items: list[FlagItem]) -> bytes:
    """The run it came from, then one object per flag with its evidence as structured data."""
    document = {
        "run": {
            "id": run.id,
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "rules_version": run.rules_version,
            "chain_hash": run.chain_hash,
            "questionnaires": run.questionnaires,
            "thresholds": run.thresholds,
        },
        "flags": [
            {
                "id": i.id,
                "supplier": i.supplier_code or None,
                "supplier_name": i.supplier_name or None,
                "rule": i.rule,
                "indicator": i.indicator,
                "severity": i.severity,
                "title": i.title,
                "message": i.message,
                "evidence": i.details,
                "ilo": list(i.ilo),
                "guide": list(i.guide),
                "status": i.status,
                "owner": i.owner,
                "due_date": i.due_date.isoformat() if i.due_date else None,
                "note": i.note,
                "first_run": i.first_run_id,
            }
            for i in items
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode()
