"""The ILO map of docs/questionnaires.md, built from the questionnaire files themselves.

For each of the 11 ILO indicators: the questions whose answers are evidence of it, and the
answers that count. `supplychain questionnaires ilo-map` prints it; a test checks that the
page shows what the files say, so an edited annotation cannot leave the page behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..vocab import IloIndicator
from .schema import Condition, Questionnaire

# The questionnaires suppliers answer: the map shows what each of them can evidence.
MAPPED = ("supplier-self-assessment", "agency-screening")
_SIGNS = {"above": ">", "at_least": "≥", "below": "<", "at_most": "≤"}


def _answer(cond: Condition) -> str:
    key, target = cond.key, getattr(cond, cond.key)
    if key in _SIGNS:
        return f"{_SIGNS[key]} {target}"
    if key == "any_of":
        return ", ".join(target)
    return str(target)


def evidence(questionnaire: Questionnaire) -> dict[IloIndicator, dict[str, list[str]]]:
    """indicator -> question id -> the answers that are evidence of it, in the file's order."""
    found: dict[IloIndicator, dict[str, list[str]]] = {i: {} for i in IloIndicator}
    for question, annotation, cond in questionnaire.risk_annotations():
        if cond is None:
            continue
        for ilo in annotation.ilo:
            answers = found[IloIndicator(ilo)].setdefault(question.id, [])
            if _answer(cond) not in answers:
                answers.append(_answer(cond))
    return found


def _cell(by_question: dict[str, list[str]]) -> str:
    return ", ".join(f"{qid} ({', '.join(answers)})" for qid, answers in by_question.items()) or "—"


def table(questionnaires: Iterable[Questionnaire]) -> str:
    """The Markdown table: one row per ILO indicator, one column per questionnaire."""
    chosen: list[Any] = list(questionnaires)
    found = [evidence(q) for q in chosen]
    lines = [
        "| ILO indicator | " + " | ".join(f"`{q.id}` (version {q.version})" for q in chosen) + " |",
        "|---|" + "---|" * len(chosen),
    ]
    for indicator in IloIndicator:
        cells = " | ".join(_cell(f[indicator]) for f in found)
        lines.append(f"| `{indicator.value}` | {cells} |")
    return "\n".join(lines) + "\n"
