"""The workers' short check-in: its questions, their answers and the ILO indicator each speaks to.

Pure: the texts are in data/voice/<lang>.yaml, keyed by these ids. The employer question is
answered with one of the site's suppliers or "unknown" (not knowing who one works for is itself a
sign); every other answer is one of its question's options, and `signs` are the options that
point to the question's indicator.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..vocab import IloIndicator

EMPLOYER = "employer"
UNKNOWN_EMPLOYER = "unknown"


@dataclass(frozen=True)
class Question:
    id: str
    indicator: IloIndicator
    options: tuple[str, ...]
    signs: tuple[str, ...]  # the answers that point to the indicator


QUESTIONS: tuple[Question, ...] = (
    Question(EMPLOYER, IloIndicator.DECEPTION, (UNKNOWN_EMPLOYER,), (UNKNOWN_EMPLOYER,)),
    Question("fees", IloIndicator.DEBT_BONDAGE, ("yes", "no", "unsure"), ("yes",)),
    Question(
        "documents",
        IloIndicator.RETENTION_OF_IDENTITY_DOCUMENTS,
        ("me", "employer", "other"),
        ("employer", "other"),
    ),
    Question("paid", IloIndicator.WITHHOLDING_OF_WAGES, ("yes", "no", "unsure"), ("no",)),
    Question("leave", IloIndicator.RESTRICTION_OF_MOVEMENT, ("yes", "no", "unsure"), ("no",)),
    Question(
        "deductions",
        IloIndicator.ABUSIVE_WORKING_AND_LIVING_CONDITIONS,
        ("no", "yes", "unsure"),
        ("yes",),
    ),
    Question("threats", IloIndicator.INTIMIDATION_AND_THREATS, ("no", "yes"), ("yes",)),
    Question("days_off", IloIndicator.EXCESSIVE_OVERTIME, ("0", "1", "2"), ("0",)),
)
BY_ID = {q.id: q for q in QUESTIONS}


def clean_answers(given: dict[str, str]) -> dict[str, str]:
    """The answers among given that are options of their questions (the employer apart);
    a question left unanswered is simply absent."""
    return {
        q.id: given[q.id] for q in QUESTIONS if q.id != EMPLOYER and given.get(q.id) in q.options
    }


def indicators(answers: dict[str, str], employer_known: bool) -> list[IloIndicator]:
    """The indicators the answers point to, in the questions' order, each once."""
    found = [] if employer_known else [BY_ID[EMPLOYER].indicator]
    found += [q.indicator for q in QUESTIONS if answers.get(q.id) in q.signs and q.id != EMPLOYER]
    return list(dict.fromkeys(found))


# Check-in results are shown, and count as evidence, only for groups of at least this many
# workers: a smaller group's answers could be traced to the people who gave them.
MIN_GROUP = 5
# The risk rules read the check-ins of the last twelve months: what workers said two years ago
# says little of the people on the site today.
CHECK_IN_MONTHS = 12


@dataclass(frozen=True)
class Tally:
    """A group's check-ins counted: how many workers answered, and per question how many gave
    each option. Nothing of a group under MIN_GROUP may be shown or used."""

    answered: int
    counts: dict[str, dict[str, int]]  # question id -> option -> workers

    @property
    def shown(self) -> bool:
        return self.answered >= MIN_GROUP

    @property
    def more_needed(self) -> int:
        return max(0, MIN_GROUP - self.answered)

    def signs(self, question_id: str) -> int:
        """How many workers gave an answer that points to the question's indicator."""
        given = self.counts.get(question_id, {})
        return sum(given.get(option, 0) for option in BY_ID[question_id].signs)

    def share(self, question_id: str) -> float:
        """The share of the workers who answered the question that gave a sign (0 if none did)."""
        given = sum(self.counts.get(question_id, {}).values())
        return self.signs(question_id) / given if given else 0.0


def tally(check_ins: Sequence[Mapping[str, str]]) -> Tally:
    """Count a group's answers (each a clean_answers() dict)."""
    counts: dict[str, dict[str, int]] = {}
    for answers in check_ins:
        for question_id, option in answers.items():
            if question_id in BY_ID:
                per_option = counts.setdefault(question_id, {})
                per_option[option] = per_option.get(option, 0) + 1
    return Tally(len(check_ins), counts)


def by_employer(check_ins: Iterable[tuple[int | None, dict[str, str]]]) -> dict[int | None, Tally]:
    """Each employer's group counted, from (employer id or None for "I don't know", answers)."""
    grouped: dict[int | None, list[dict[str, str]]] = defaultdict(list)
    for employer, answers in check_ins:
        grouped[employer].append(answers)
    return {employer: tally(answers) for employer, answers in grouped.items()}
