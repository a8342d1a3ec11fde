"""Answer forms built from a questionnaire: one WTForms field per question, named by its id.

The form decides visibility from the submitted answers (show_if), checks required answers only
on shown questions, and turns field data into the JSON values that are stored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..forms import Form
from . import evidence, inputs
from .evaluation import visible_ids
from .fields import CELL_TYPES, CellLook, Look, field_type
from .schema import Questionnaire

REQUIRED = _l("Please answer this question.")


class AnswerForm(Form):
    """Base of the generated forms: one section's questions, or all of them.

    `context` holds the stored answers to questions outside the form, so that show_if can look
    back at earlier sections; the form's own fields always win over it.
    """

    questionnaire: Questionnaire
    form_questions: tuple[Any, ...]
    context: Mapping[str, Any] = {}

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        answers = self._merged()
        shown = visible_ids(self.questionnaire, answers)
        csrf = getattr(self, "csrf_token", None)
        ok = not self.form_errors and not (csrf is not None and csrf.errors)
        for question in self.form_questions:
            field = self[question.id]
            if question.id not in shown:
                _clear(field)  # a hidden question is neither checked nor kept
                continue
            kind = field_type(question)
            kind.check(inputs, question, field)
            if question.required and kind.is_empty(answers.get(question.id)) and not _errors(field):
                field.errors = [REQUIRED]
            ok = ok and not _errors(field)
        return self._within_quota(answers) and ok

    def _within_quota(self, answers: Mapping[str, Any]) -> bool:
        """Refuse this page's new documents if all the response's documents would exceed the
        quota (the save checks it again against the stored documents)."""
        adding = [
            self[q.id]
            for q in self.form_questions
            if field_type(q).keeps_files and getattr(self[q.id], "checked", None)
        ]
        if not adding:
            return True
        quota = evidence.Quota.of(current_app)
        documents = [
            item
            for q in self.questionnaire.questions()
            if field_type(q).keeps_files
            for item in answers.get(q.id) or ()
        ]
        if quota.allows(evidence.sizes(documents)):
            return True
        for field in adding:
            field.errors = [*field.errors, quota.message()]
        return False

    def answers(self, *, all_questions: bool = False) -> dict[str, Any]:
        """This form's answers as stored values: only shown ones unless all_questions.

        A documents answer lists the files kept from before and, as {"new": (name, bytes,
        type)}, the checked uploads that the caller stores (see evidence).
        """
        own: dict[str, Any] = {}
        for q in self.form_questions:
            kind = field_type(q)
            value = kind.stored(q, self[q.id], self.context)
            if not kind.is_empty(value):
                own[q.id] = value
        if all_questions:
            return own
        shown = visible_ids(self.questionnaire, self._merged())
        return {k: v for k, v in own.items() if k in shown}

    def valid_answers(self) -> dict[str, Any]:
        """The shown answers whose fields have no error: what can be kept from a flawed page.

        Whether a question is shown is judged again without the flawed answers: a note that
        explains a risky answer goes with that answer when it cannot be kept."""
        valid = {k: v for k, v in self.answers().items() if not _errors(self[k])}
        mine = {q.id for q in self.form_questions}
        context = {k: v for k, v in self.context.items() if k not in mine}
        shown = visible_ids(self.questionnaire, {**context, **valid})
        return {k: v for k, v in valid.items() if k in shown}

    def only_missing(self) -> bool:
        """Whether every error is a required answer left empty: leaving the page then loses
        nothing that was typed (a bad value or a half-filled row would be lost)."""
        csrf = getattr(self, "csrf_token", None)
        if self.form_errors or (csrf is not None and csrf.errors):
            return False
        for question in self.form_questions:
            field = self[question.id]
            if getattr(field, "entries", None) is not None:
                if _errors(field):
                    return False
            elif field.errors and list(field.errors) != [REQUIRED]:
                return False
        return True

    def _merged(self) -> dict[str, Any]:
        mine = {q.id for q in self.form_questions}
        merged = {k: v for k, v in self.context.items() if k not in mine}
        merged.update(self.answers(all_questions=True))
        return merged


def build_form_class(
    questionnaire: Questionnaire, lang: str, section_id: str | None = None
) -> type[AnswerForm]:
    """A form class for questionnaire (or one section of it) with labels in lang.

    Building one takes about a millisecond: callers cache it (see catalogue.form_class).
    """
    sections = [s for s in questionnaire.sections if section_id in (None, s.id)]
    if not sections:
        raise KeyError(section_id)
    questions = tuple(q for s in sections for q in s.questions)
    attrs: dict[str, Any] = {"questionnaire": questionnaire, "form_questions": questions}
    with force_locale(lang):
        attrs.update(
            {q.id: field_type(q).field(inputs, q, q.text.get(lang), lang) for q in questions}
        )
    return type(f"{questionnaire.id}_{lang}_form", (AnswerForm,), attrs)


def form_data(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Stored answers as field data, to fill a form for editing."""
    data: dict[str, Any] = {}
    for q in questionnaire.questions():
        value = answers.get(q.id)
        if value is not None:
            data[q.id] = field_type(q).to_form(q, value)
    return data


def _clear(field: Any) -> None:
    if getattr(field, "entries", None) is not None:  # a table: FieldList of row forms
        field.errors = []
        for entry in field.entries:
            _clear(entry)
    elif getattr(field, "form", None) is not None:  # a row: its errors are its cells'
        for cell in field.form:
            cell.errors = []
    else:
        field.errors = []


def _errors(field: Any) -> bool:
    if getattr(field, "entries", None) is not None:
        return any(_errors(entry) for entry in field.entries)
    if getattr(field, "form", None) is not None:
        return any(sub.errors for sub in field.form)
    return bool(field.errors)


# What the page needs to draw a question, in one language (no logic left for the template).
@dataclass(frozen=True)
class QuestionView:
    id: str
    type: str
    text: str
    help: str
    required: bool
    show_if: str  # the condition as JSON for the page's script, or ""
    hidden: bool
    unit: str
    columns: list[tuple[str, str, str, bool, CellLook]]  # (id, type, label, required, look)
    look: Look  # how the page draws it (from the field type)


@dataclass(frozen=True)
class SectionView:
    id: str
    title: str
    intro: str
    questions: list[QuestionView]

    @property
    def needs_countries(self) -> bool:
        """Whether a table here asks for a country (the page then offers the country list)."""
        return any(c[4].countries for q in self.questions for c in q.columns)


def view_sections(
    questionnaire: Questionnaire,
    lang: str,
    answers: Mapping[str, Any],
    only: str | None = None,
) -> list[SectionView]:
    """The sections (or only one) to draw in lang, with questions hidden by the answers marked."""
    shown = visible_ids(questionnaire, answers)
    return [
        SectionView(
            id=section.id,
            title=section.title.get(lang),
            intro=section.intro.get(lang) if section.intro else "",
            questions=[_view(q, lang, q.id not in shown) for q in section.questions],
        )
        for section in questionnaire.sections
        if only in (None, section.id)
    ]


def _view(q: Any, lang: str, hidden: bool) -> QuestionView:
    conds = [c.model_dump(mode="json", exclude_none=True) for c in q.show_conditions]
    # The page's script reads one condition or a list of them.
    show_if: Any = conds[0] if len(conds) == 1 else conds
    kind = field_type(q)
    return QuestionView(
        id=q.id,
        type=q.type,
        text=q.text.get(lang),
        help=q.help.get(lang) if q.help else "",
        required=q.required,
        show_if=json.dumps(show_if) if show_if else "",
        hidden=hidden,
        unit=kind.unit(q, lang),
        columns=[
            (c.id, c.type.value, c.text.get(lang), c.required, CELL_TYPES[c.type].LOOK)
            for c in getattr(q, "columns", ())
        ],
        look=kind.look(q),
    )


def add_blank_rows(form: AnswerForm) -> None:
    """Make every field ready to draw: tables get room for new rows (see fields.Table)."""
    for question in form.form_questions:
        field_type(question).prepare(question, form[question.id])


@dataclass(frozen=True)
class AnswerView:
    """An answer as a person reads it: text, or the rows of a table as (label, value) pairs."""

    question_id: str
    question: str
    text: str
    rows: list[list[tuple[str, str]]]


def answer_views(
    questionnaire: Questionnaire, lang: str, answers: Mapping[str, Any]
) -> list[AnswerView]:
    """The given answers in the order of the file, readable in lang."""
    views = []
    for q in questionnaire.questions():
        if q.id in answers:
            text, rows = field_type(q).shown(inputs, q, answers[q.id], lang)
            views.append(AnswerView(q.id, q.text.get(lang), text, rows))
    return views
