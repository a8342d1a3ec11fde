"""What a set of answers means: which questions are shown, which risk annotations they raise.

Pure functions over a Questionnaire and a mapping of question id to stored answer value; the
answering pages, the organisation's risk profile and the risk engine all use them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .fields import field_type
from .schema import Questionnaire, RiskAnnotation


def visible_ids(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> set[str]:
    """Ids of the questions shown for these answers (a question below a hidden one is hidden)."""
    shown: set[str] = set()
    for question in questionnaire.questions():
        conds = question.show_conditions
        if not conds or any(
            c.question in shown and c.holds(answers.get(c.question)) for c in conds
        ):
            shown.add(question.id)
    return shown


@dataclass(frozen=True)
class TriggeredRisk:
    """A risk annotation that an answer meets: the evidence behind a flag."""

    question: Any
    annotation: RiskAnnotation
    answer: Any


def triggered_risks(
    questionnaire: Questionnaire, answers: Mapping[str, Any]
) -> list[TriggeredRisk]:
    """Every annotation met by a shown question's answer, in the order of the file."""
    shown = visible_ids(questionnaire, answers)
    return [
        TriggeredRisk(question, annotation, answers[question.id])
        for question, annotation, condition in questionnaire.risk_annotations()
        if question.id in shown
        and condition is not None
        and condition.holds(answers.get(question.id))
    ]


def annotated_question_ids(questionnaire: Questionnaire) -> list[str]:
    """Ids of the questions that can raise a risk, once each, in the order of the file."""
    return list(dict.fromkeys(q.id for q, _a, _c in questionnaire.risk_annotations()))


@dataclass(frozen=True)
class RiskProfile:
    """The organisation's own exposure, from its answers to the company risk assessment.

    As in the toolkit's risk assessment tool, one statement that applies is enough to put the
    company at risk; the number that apply and the highest severity grade it.
    """

    triggered: list[TriggeredRisk]
    statements: int  # questions that can raise a risk

    @property
    def at_risk(self) -> bool:
        return bool(self.triggered)

    @property
    def level(self) -> Any:
        """The highest severity among the statements that apply, or None."""
        return max(
            (t.annotation.severity for t in self.triggered), key=lambda s: s.rank, default=None
        )


def risk_profile(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> RiskProfile:
    return RiskProfile(
        triggered=triggered_risks(questionnaire, answers),
        statements=len(annotated_question_ids(questionnaire)),
    )


@dataclass(frozen=True)
class SectionState:
    """How far one section is answered: what a supplier sees, and all a buyer sees of a draft."""

    id: str
    title: str
    answered: int
    shown: int
    missing: list[str]  # ids of shown required questions without an answer

    @property
    def complete(self) -> bool:
        return not self.missing


def progress(
    questionnaire: Questionnaire, lang: str, answers: Mapping[str, Any]
) -> list[SectionState]:
    """How far each section is answered, judged with show_if over all the answers."""
    shown = visible_ids(questionnaire, answers)
    states = []
    for section in questionnaire.sections:
        visible = [q for q in section.questions if q.id in shown]
        states.append(
            SectionState(
                id=section.id,
                title=section.title.get(lang),
                answered=sum(1 for q in visible if not _empty(q, answers)),
                shown=len(visible),
                missing=[q.id for q in visible if q.required and _empty(q, answers)],
            )
        )
    return states


def first_unanswered(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> str | None:
    """The id of the first section with a shown required question left unanswered, or None
    when every such question has its answer: where a returning respondent goes on."""
    return next((s.id for s in progress(questionnaire, "en", answers) if not s.complete), None)


def _empty(question: Any, answers: Mapping[str, Any]) -> bool:
    return field_type(question).is_empty(answers.get(question.id))
