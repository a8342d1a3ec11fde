"""The questionnaire file format: pydantic models of the YAML, and the checks across a file.

The structure (types, required keys, no unknown keys) is pydantic's job; what needs the whole
file to judge (unique ids, complete translations, show_if on earlier questions, conditions that
fit their question) is `cross_check`, which returns every problem with its path.
docs/questionnaires.md documents the format; the risk engine reads the `risks` annotations.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, RootModel, model_validator

from ..vocab import IloIndicator, Severity
from .fields import field_type

Ident = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Kebab = Annotated[str, Field(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", max_length=64)]
Lang = Annotated[str, Field(pattern=r"^[a-z]{2}$")]
Path = tuple[str | int, ...]


class Text(RootModel[dict[Lang, Annotated[str, Field(min_length=1)]]]):
    """A text in every language of the file: {en: ..., lv: ...}."""

    def get(self, lang: str, fallback: str = "en") -> str:
        return self.root.get(lang) or self.root.get(fallback) or next(iter(self.root.values()))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Strict):
    """A test on one answer; exactly one key is given.

    equals: the answer is this value (yes/no, an option value, a number);
    any_of: the answer is one of these values; includes: a multiple choice includes this value;
    above / at_least / below / at_most: a number compared with the answer.
    """

    equals: str | int | Decimal | None = None
    any_of: list[str] | None = Field(default=None, min_length=1)
    includes: str | None = None
    above: Decimal | None = None
    at_least: Decimal | None = None
    below: Decimal | None = None
    at_most: Decimal | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Condition:
        given = [k for k in _CONDITION_KEYS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(_CONDITION_KEYS)}")
        return self

    @property
    def key(self) -> str:
        return next(k for k in _CONDITION_KEYS if getattr(self, k) is not None)

    def holds(self, value: Any) -> bool:
        """True if the answer value meets the condition (an unanswered question meets none)."""
        if value is None or value == "" or value == []:
            return False
        key = self.key
        target = getattr(self, key)
        if key == "equals":
            return _same(value, target)
        if key == "any_of":
            return any(_same(value, t) for t in target)
        if key == "includes":
            return isinstance(value, list) and target in value
        number = _number(value)
        if number is None:
            return False
        return bool(
            {
                "above": number > target,
                "at_least": number >= target,
                "below": number < target,
                "at_most": number <= target,
            }[key]
        )


_CONDITION_KEYS = ("equals", "any_of", "includes", "above", "at_least", "below", "at_most")
NUMERIC_CONDITIONS = frozenset({"above", "at_least", "below", "at_most"})


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def _same(value: Any, target: Any) -> bool:
    if isinstance(target, str):
        return str(value) == target
    number = _number(value)
    return number is not None and number == Decimal(str(target))


class ShowIf(Condition):
    """Show a question only when an earlier question's answer meets the condition."""

    question: Ident


def _one_or_more(value: Any) -> Any:
    """A single guide section, as files before several were allowed give it, is a list of one."""
    return [value] if isinstance(value, str) else value


class RiskAnnotation(_Strict):
    """What an answer says about risk: read by the risk engine and the organisation profile.

    On a question it applies when `when` holds for the answer; on an option it applies when
    that option is chosen (and takes no `when`). `guide` names one section or a list of them,
    the first the most specific.
    """

    indicator: Kebab
    severity: Severity
    ilo: list[IloIndicator] = Field(default_factory=list)
    guide: Annotated[list[Kebab], BeforeValidator(_one_or_more), Field(min_length=1)]
    explanation: Text | None = None


class QuestionRisk(RiskAnnotation):
    when: Condition


class Option(_Strict):
    value: Ident
    text: Text
    risk: RiskAnnotation | None = None


class _Question(_Strict):
    id: Ident
    text: Text
    help: Text | None = None
    required: bool = True
    # One condition, or a list of conditions of which any one shows the question.
    show_if: ShowIf | Annotated[list[ShowIf], Field(min_length=1)] | None = None
    risks: list[QuestionRisk] = Field(default_factory=list)
    # After an answer that meets one of this question's risk annotations, offer an optional
    # text field to explain it (see with_notes): the note is stored as an answer of its own.
    explain: bool = False

    @property
    def show_conditions(self) -> list[ShowIf]:
        """show_if as a list: the question is shown when any of them holds."""
        if self.show_if is None:
            return []
        return self.show_if if isinstance(self.show_if, list) else [self.show_if]


class YesNo(_Question):
    type: Literal["yes_no"]

    @property
    def values(self) -> tuple[str, ...]:
        return ("yes", "no")


class SingleChoice(_Question):
    type: Literal["single_choice"]
    options: list[Option] = Field(min_length=2)

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(o.value for o in self.options)


class MultipleChoice(SingleChoice):
    type: Literal["multiple_choice"]  # type: ignore[assignment]


class Integer(_Question):
    type: Literal["integer"]
    min: int | None = 0
    max: int | None = None


class DecimalNumber(_Question):
    type: Literal["decimal"]
    min: Decimal | None = Decimal(0)
    max: Decimal | None = None
    unit: Text | None = None


class Percentage(_Question):
    type: Literal["percentage"]


class FreeText(_Question):
    type: Literal["text"]
    max_length: int = Field(default=2000, ge=1, le=20000)
    multiline: bool = False
    note_for: Ident | None = None  # set on the notes that with_notes adds after a question


class DateQuestion(_Question):
    type: Literal["date"]


class Documents(_Question):
    """Files the respondent attaches as evidence (register extracts, certificates, templates)."""

    type: Literal["documents"]
    max_files: int = Field(default=5, ge=1, le=10)


class ColumnType(enum.StrEnum):
    TEXT = "text"
    EMAIL = "email"
    COUNTRY = "country"
    INTEGER = "integer"
    YES_NO = "yes_no"


class Column(_Strict):
    id: Ident
    type: ColumnType
    text: Text
    required: bool = False
    max_length: int = Field(default=200, ge=1, le=2000)


class Disclosure(enum.StrEnum):
    """What the rows of a table name: they become proposed links in the chain (issue 5)."""

    SUBCONTRACTORS = "subcontractors"
    AGENCIES = "agencies"


class Table(_Question):
    type: Literal["table"]
    columns: list[Column] = Field(min_length=1)
    max_rows: int = Field(default=50, ge=1, le=500)
    disclosure: Disclosure | None = None


Question = Annotated[
    YesNo
    | SingleChoice
    | MultipleChoice
    | Integer
    | DecimalNumber
    | Percentage
    | FreeText
    | DateQuestion
    | Documents
    | Table,
    Field(discriminator="type"),
]
# The columns a disclosure table must have: what issue 5 turns into a supplier and a link.
DISCLOSURE_COLUMNS = frozenset({"name", "registration_no", "country", "email"})


class Section(_Strict):
    id: Ident
    title: Text
    intro: Text | None = None
    questions: list[Question] = Field(min_length=1)


class Questionnaire(_Strict):
    """One questionnaire file; (id, version) is stored with every response to it."""

    id: Kebab
    version: int = Field(ge=1)
    title: Text
    description: Text | None = None
    answered_by: Literal["supplier", "organisation"] = "supplier"
    languages: list[Lang] = Field(min_length=1)
    sections: list[Section] = Field(min_length=1)

    def questions(self) -> Iterator[Any]:
        """Every question, in the order of the file."""
        for section in self.sections:
            yield from section.questions

    def asked(self) -> Iterator[Any]:
        """The questions of the file itself, without the notes offered after risky answers."""
        return (q for q in self.questions() if getattr(q, "note_for", None) is None)

    def question(self, question_id: str) -> Any:
        return next(q for q in self.questions() if q.id == question_id)

    def risk_annotations(self) -> Iterator[tuple[Any, RiskAnnotation, Condition | None]]:
        """(question, annotation, condition) for every annotation; an option's is its own."""
        for q in self.questions():
            for risk in q.risks:
                yield q, risk, risk.when
            for option in getattr(q, "options", ()):
                if option.risk is not None:
                    yield q, option.risk, _chosen(q, option.value)


def _chosen(question: Any, value: str) -> Condition:
    return Condition.model_validate({field_type(question).chosen_key: value})


Problem = tuple[Path, str]


def cross_check(q: Questionnaire) -> list[Problem]:
    """Every problem that needs the whole file to see, with the path where it is."""
    problems: list[Problem] = []
    problems += _translation_problems(q, (), q.languages)
    seen_sections: set[str] = set()
    earlier: dict[str, Any] = {}
    for s_index, section in enumerate(q.sections):
        s_path: Path = ("sections", s_index)
        if section.id in seen_sections:
            problems.append(((*s_path, "id"), f"duplicate section id '{section.id}'"))
        seen_sections.add(section.id)
        for q_index, question in enumerate(section.questions):
            path: Path = (*s_path, "questions", q_index)
            if question.id in earlier or question.id in seen_sections - {section.id}:
                problems.append(((*path, "id"), f"duplicate question id '{question.id}'"))
            problems += _question_problems(question, path, earlier)
            earlier[question.id] = question
    return problems


def _question_problems(question: Any, path: Path, earlier: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    many = isinstance(question.show_if, list)
    for i, cond in enumerate(question.show_conditions):
        at: Path = (*path, "show_if", i) if many else (*path, "show_if")
        target = earlier.get(cond.question)
        if target is None:
            problems.append(
                ((*at, "question"), f"show_if must name an earlier question, not '{cond.question}'")
            )
        else:
            problems += _condition_problems(cond, target, at)
    if question.explain and not _risk_conditions(question):
        problems.append(((*path, "explain"), "explain needs a risk annotation on the question"))
    for i, risk in enumerate(question.risks):
        problems += _condition_problems(risk.when, question, (*path, "risks", i, "when"))
    for kind, items in (("option value", "options"), ("column id", "columns")):
        ids = [
            item.value if kind == "option value" else item.id
            for item in getattr(question, items, ())
        ]
        for i, value in enumerate(ids):
            if value in ids[:i]:
                problems.append(((*path, items, i), f"duplicate {kind} '{value}'"))
    if getattr(question, "disclosure", None) is not None:
        missing = DISCLOSURE_COLUMNS - {c.id for c in question.columns}
        if missing:
            problems.append(
                (
                    (*path, "columns"),
                    f"a disclosure table needs columns {', '.join(sorted(missing))}",
                )
            )
    return problems


def _condition_problems(cond: Condition, question: Any, path: Path) -> list[Problem]:
    """Does cond make sense for answers to question?"""
    key, target = cond.key, getattr(cond, cond.key)
    kind, entry = question.type, field_type(question)
    if key in NUMERIC_CONDITIONS:
        ok = entry.numeric
        why = f"'{key}' compares numbers, but '{question.id}' is a {kind} question"
    elif entry.numeric and key == "equals":
        ok = not isinstance(target, str) or _number(target) is not None
        why = f"'{question.id}' is a {kind} question: compare it with a number"
    elif entry.chosen_key is not None:
        values = question.values
        wanted = target if isinstance(target, list) else [target]
        unknown = [str(v) for v in wanted if str(v) not in values]
        ok = not unknown and (key != "includes" or entry.chosen_key == "includes")
        why = (
            f"'{', '.join(unknown)}' is not an answer to '{question.id}' "
            f"(answers: {', '.join(values)})"
            if unknown
            else f"'includes' is for multiple choice; '{question.id}' is {kind}"
        )
    else:
        ok = False
        why = f"a {kind} question cannot be tested with '{key}'"
    return [] if ok else [((*path, key), why)]


def _translation_problems(node: Any, path: Path, languages: list[str]) -> list[Problem]:
    """Every Text below node must be given in exactly the file's languages."""
    if isinstance(node, Text):
        have = set(node.root)
        problems = [
            ((*path, lang), f"missing the '{lang}' translation")
            for lang in languages
            if lang not in have
        ]
        problems += [
            ((*path, lang), f"'{lang}' is not one of the file's languages ({', '.join(languages)})")
            for lang in sorted(have - set(languages))
        ]
        return problems
    if isinstance(node, BaseModel):
        found: list[Problem] = []
        for name in type(node).model_fields:
            found += _translation_problems(getattr(node, name), (*path, name), languages)
        return found
    if isinstance(node, list):
        return [
            p
            for i, item in enumerate(node)
            for p in _translation_problems(item, (*path, i), languages)
        ]
    return []


# The optional note offered after a risky answer (explain: true), in the languages we ship;
# a file in another language gets the English text until this table has its own.
NOTE_TEXT = {
    "en": "If you wish, explain this answer: what happened, and what you are doing about it.",
    "lv": "Ja vēlaties, paskaidrojiet šo atbildi: kas notika un ko jūs darāt lietas labā.",
}
NOTE_HELP = {
    "en": "Optional. Your explanation is kept with the answer and read with it.",
    "lv": "Nav obligāti. Jūsu paskaidrojums tiek saglabāts kopā ar atbildi un lasīts kopā ar to.",
}


def _risk_conditions(question: Any) -> list[dict[str, Any]]:
    """The show_if conditions (as data) under which one of question's annotations applies."""
    conds = [
        {"question": question.id, **risk.when.model_dump(exclude_none=True)}
        for risk in question.risks
    ]
    key = field_type(question).chosen_key
    conds += [
        {"question": question.id, key: option.value}
        for option in getattr(question, "options", ())
        if option.risk is not None
    ]
    return conds


def note_id(question_id: str) -> str:
    return f"{question_id}_note"


def with_notes(q: Questionnaire) -> Questionnaire:
    """q with an optional text question after each question marked explain: true, shown only
    after a risky answer. Ran after the file's own checks, so their paths match the file."""
    if not any(question.explain for question in q.questions()):
        return q
    data = q.model_dump(exclude_none=True)
    text = {lang: NOTE_TEXT.get(lang, NOTE_TEXT["en"]) for lang in q.languages}
    help_ = {lang: NOTE_HELP.get(lang, NOTE_HELP["en"]) for lang in q.languages}
    for section, raw in zip(q.sections, data["sections"], strict=True):
        questions: list[Any] = []
        for question, raw_question in zip(section.questions, raw["questions"], strict=True):
            questions.append(raw_question)
            if question.explain:
                questions.append(
                    {
                        "id": note_id(question.id),
                        "type": "text",
                        "required": False,
                        "multiline": True,
                        "max_length": 1000,
                        "note_for": question.id,
                        "text": text,
                        "help": help_,
                        "show_if": _risk_conditions(question),
                    }
                )
        raw["questions"] = questions
    return Questionnaire.model_validate(data)
