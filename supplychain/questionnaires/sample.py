"""Plausible answers for the demo and the tests: every shown required question answered, with
answers that raise no risk unless the caller says otherwise."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .evaluation import visible_ids
from .fields import field_type
from .schema import Questionnaire


def plain_answers(
    questionnaire: Questionnaire, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Stored-form answers: the overrides, plus a risk-free answer to each shown required one."""
    overrides = overrides or {}
    answers: dict[str, Any] = {}
    for question in questionnaire.questions():
        if question.id in overrides:
            answers[question.id] = overrides[question.id]
        elif question.required and question.id in visible_ids(questionnaire, answers):
            answers[question.id] = _safe(questionnaire, question)
    shown = visible_ids(questionnaire, answers)
    return {k: v for k, v in answers.items() if k in shown}


def _safe(questionnaire: Questionnaire, question: Any) -> Any:
    candidates = field_type(question).candidates(question)
    conditions = [c for q, _a, c in questionnaire.risk_annotations() if q.id == question.id]
    for value in candidates:
        if not any(c is not None and c.holds(value) for c in conditions):
            return value
    return candidates[0]


SECONDS_PER_QUESTION = 20  # the basis of the estimate the first page states


@dataclass(frozen=True)
class Length:
    """How long a questionnaire is for a respondent: what the first page promises."""

    fewest: int  # the questions a blank response shows (before any answer opens a branch)
    most: int  # every question of the file (the notes after risky answers not counted)

    @property
    def fixed(self) -> bool:
        """Whether every respondent gets the same questions (no branch to open)."""
        return self.fewest == self.most

    @property
    def seconds_per_question(self) -> int:
        return SECONDS_PER_QUESTION

    @property
    def minutes(self) -> tuple[int, int]:
        """SECONDS_PER_QUESTION a question, rounded up to five minutes."""
        return (_five(self.fewest), _five(self.most))


def _five(questions: int) -> int:
    return max(5, math.ceil(questions * SECONDS_PER_QUESTION / 60 / 5) * 5)


_LENGTHS: dict[tuple[str, int], Length] = {}


def length(questionnaire: Questionnaire) -> Length:
    """The questions a blank response shows and all a respondent may be asked (kept per
    version)."""
    key = (questionnaire.id, questionnaire.version)
    if key not in _LENGTHS:
        shown = visible_ids(questionnaire, {})
        asked = [q.id for q in questionnaire.asked()]
        _LENGTHS[key] = Length(fewest=sum(1 for q in asked if q in shown), most=len(asked))
    return _LENGTHS[key]
