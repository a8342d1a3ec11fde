"""Test helpers that post answers the way a person filling in the pages would."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from supplychain.questionnaires.schema import Questionnaire


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
