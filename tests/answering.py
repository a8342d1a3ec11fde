"""Test helpers that answer a questionnaire the way a person filling in the pages would."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from supplychain.questionnaires.evaluation import visible_ids
from supplychain.questionnaires.schema import Questionnaire

_PLAIN = {"integer": 1, "decimal": "10.5", "percentage": "0", "text": "n/a", "date": "2020-01-01"}


def complete_answers(questionnaire: Questionnaire, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Stored-form answers: the overrides, plus a plain answer to every shown required question."""
    answers: dict[str, Any] = {}
    for question in questionnaire.questions():
        if question.id in overrides:
            answers[question.id] = overrides[question.id]
        elif question.required and question.id in visible_ids(questionnaire, answers):
            answers[question.id] = _plain(question)
    return {k: v for k, v in answers.items() if k in visible_ids(questionnaire, answers)}


def _plain(question: Any) -> Any:
    if question.type == "yes_no":
        return "no"
    if question.type == "single_choice":
        return question.options[0].value
    if question.type == "multiple_choice":
        return [question.options[0].value]
    if question.type == "table":
        return []
    if question.type == "integer" and question.min is not None:
        return max(question.min, 1)
    return _PLAIN[question.type]


def section_form(questionnaire: Questionnaire, section_id: str, answers: Mapping[str, Any]) -> list:
    """The (name, value) pairs a browser posts for one section's answers."""
    section = next(s for s in questionnaire.sections if s.id == section_id)
    pairs: list[tuple[str, Any]] = []
    for question in section.questions:
        value = answers.get(question.id)
        if value is None:
            continue
        if question.type == "table":
            for i, row in enumerate(value):
                pairs += [
                    (f"{question.id}-{i}-{k}", "" if v is None else str(v)) for k, v in row.items()
                ]
        elif isinstance(value, list):
            pairs += [(question.id, v) for v in value]
        else:
            pairs.append((question.id, str(value)))
    return pairs
