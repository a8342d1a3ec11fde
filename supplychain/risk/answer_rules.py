"""Flags from answers: every risk annotation that a supplier's submitted answer meets.

The questionnaire files say which answers signal risk (indicator, severity, ILO indicator,
guide section and a sentence in every language), so new questions need no new code; this one
rule turns them into flags, each with the answer quoted as evidence.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from ..models import Severity
from ..questionnaires.evaluation import triggered_risks
from .findings import Finding, RiskInputs
from .rules import rule


def _explain(found: Finding) -> str:
    texts: Mapping[str, str] = found.params["explanation"]
    return texts.get(str(get_locale())) or texts.get("en") or next(iter(texts.values()))


@rule(
    "answer",
    title=_l("Risk shown by an answer"),
    message=_l("An answer in the questionnaire signals a risk."),
    severity=Severity.MEDIUM,
    guide=("screening",),
    explainer=_explain,
)
def risky_answers(inputs: RiskInputs, t: Mapping[str, Any]) -> Iterator[Finding]:
    """The supplier's own answers, read against the annotations of the questionnaire version
    it answered: recruitment fees, retained documents, cash pay, long hours, employer housing
    with deductions, no contract in the worker's language, no grievance channel and more."""
    for supplier_id, response in inputs.responses.items():
        questionnaire = response.questionnaire
        for hit in triggered_risks(questionnaire, response.answers):
            annotation = hit.annotation
            source = annotation.explanation or hit.question.text
            yield Finding(
                rule="answer",
                supplier_id=supplier_id,
                severity=annotation.severity,
                evidence={
                    "answers": [
                        {
                            "questionnaire": questionnaire.id,
                            "version": questionnaire.version,
                            "question": hit.question.id,
                            "answer": hit.answer,
                        }
                    ]
                },
                params={"explanation": dict(source.root)},
                indicator=annotation.indicator,
                ilo=tuple(annotation.ilo),
                guide=tuple(annotation.guide),
            )
