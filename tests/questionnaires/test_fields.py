"""The field registry: every question type is one entry, and a new type needs nothing else.

A toy type (a star rating) is registered for one test and shown to be built, checked, stored,
filled back, drawn, read, sampled and judged empty by the code that already exists.
"""

from __future__ import annotations

import typing
from typing import Any, Literal

import pytest
from flask import render_template_string
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from supplychain.questionnaires import inputs, schema
from supplychain.questionnaires.evaluation import progress
from supplychain.questionnaires.fields import (
    CELL_TYPES,
    FIELD_TYPES,
    TEXTAREA,
    FieldType,
    Look,
)
from supplychain.questionnaires.formgen import (
    answer_views,
    build_form_class,
    form_data,
    view_sections,
)
from supplychain.questionnaires.sample import plain_answers

PAGE = (
    "{% from 'questionnaires/_questions.html' import questions with context %}"
    "{{ questions(form, sections) }}"
)


def _schema_types() -> set[str]:
    union = typing.get_args(schema.Question)[0]
    return {
        typing.get_args(model.model_fields["type"].annotation)[0]
        for model in typing.get_args(union)
    }


def test_every_type_of_the_file_format_has_one_entry():
    assert _schema_types() == set(FIELD_TYPES)
    assert all(name == entry.name for name, entry in FIELD_TYPES.items())
    assert set(CELL_TYPES) == set(schema.ColumnType)  # and every column type of a table


def test_every_entry_is_drawn_by_a_macro_of_the_widgets_template(form_app):
    with form_app.app_context():
        widgets = form_app.jinja_env.get_template("questionnaires/_widgets.html").module
    looks = [entry.LOOK for entry in FIELD_TYPES.values()] + [TEXTAREA]
    assert all(callable(getattr(widgets, look.widget, None)) for look in looks)


class Stars(schema._Question):
    """The toy type's file format: a rating of 1 to `most` stars (0: not rated)."""

    type: Literal["stars"]
    most: int = 5


class StarsType(FieldType):
    name = "stars"
    LOOK = Look(widget="choices", inline=True)

    def field(self, ui: Any, question: Any, label: str, lang: str) -> Any:
        choices = [SelectChoice(str(n), "★" * n or "–") for n in range(question.most + 1)]
        return ui.radio(label, choices)

    def to_form(self, question: Any, value: Any) -> Any:
        return str(value)

    def stored(self, question: Any, field: Any, before: Any) -> Any:
        return None if field.data is None else int(field.data)

    def is_empty(self, value: Any) -> bool:
        return value in (None, 0)  # no stars is no rating

    def shown(self, ui: Any, question: Any, value: Any, lang: str) -> tuple[str, list[Any]]:
        return f"{value} / {question.most}", []

    def candidates(self, question: Any) -> list[Any]:
        return [question.most]


@pytest.fixture
def rated(monkeypatch, every_type):
    """every-type with a required star rating at the end; the type registered meanwhile."""
    monkeypatch.setitem(FIELD_TYPES, "stars", StarsType())
    text = schema.Text({"en": "How do you rate us?", "lv": "Kā jūs mūs vērtējat?"})
    rating = Stars(id="rating", type="stars", text=text, most=4)
    section = schema.Section.model_construct(
        id="rating_section",
        title=schema.Text({"en": "Rating", "lv": "Vērtējums"}),
        intro=None,
        questions=[rating],
    )
    return every_type.model_copy(update={"sections": [*every_type.sections, section]})


BASE = {"uses_agencies": "no", "pay_method": "own_account", "weekly_hours": "40"}


def _submit(app, questionnaire, data):
    cls = build_form_class(questionnaire, "en")
    with app.test_request_context(method="POST"):
        form = cls(formdata=MultiDict({**BASE, "migrant_share": "0", **data}), meta={"csrf": False})
        return form.validate(), form


def test_a_new_type_is_one_entry(form_app, rated):
    ok, form = _submit(form_app, rated, {"rating": "3"})
    assert ok, form.errors
    assert form.answers()["rating"] == 3  # stored as the entry says
    assert [
        v.text for v in answer_views(rated, "en", form.answers()) if v.question_id == "rating"
    ] == ["3 / 4"]

    ok, form = _submit(form_app, rated, {"rating": "9"})
    assert not ok and form.rating.errors == ["Choose one of the answers offered."]

    # Judged empty by the entry: no stars is no answer to a required question.
    ok, form = _submit(form_app, rated, {"rating": "0"})
    assert not ok and form.rating.errors == ["Please answer this question."]
    assert "rating" not in form.answers()
    last = progress(rated, "en", {"rating": 0})[-1]
    assert last.missing == ["rating"] and last.answered == 0

    assert plain_answers(rated)["rating"] == 4  # sampled

    # Filled back from the stored answer and drawn by the macro the entry names.
    cls = build_form_class(rated, "en")
    with form_app.test_request_context(), force_locale("en"):
        form = cls(data=form_data(rated, {"rating": 2}), meta={"csrf": False})
        html = render_template_string(
            PAGE,
            form=form,
            sections=view_sections(rated, "en", {"rating": 2}, only="rating_section"),
        )
    assert '<div class="choices inline">' in html
    assert 'type="radio" name="rating" value="2"\n            checked> ★★' in html
    assert html.count('name="rating"') == 5


def test_the_names_of_chosen_values_come_from_the_entry(form_app, every_type):
    with form_app.test_request_context(), force_locale("lv"):
        names = {
            q.id: FIELD_TYPES[q.type].names(inputs, q, "lv")
            for q in every_type.questions()
            if q.id in ("uses_agencies", "pay_method", "weekly_hours")
        }
    assert names == {
        "uses_agencies": {"yes": "Jā", "no": "Nē"},
        "pay_method": {"own_account": "Uz savu kontu", "cash": "Skaidrā naudā"},
        "weekly_hours": {},
    }


def test_a_new_type_without_its_field_or_its_sample_answers_fails_loudly():
    class Bare(FieldType):
        name = "bare"

    with pytest.raises(NotImplementedError):
        Bare().field(inputs, None, "Label", "en")
    with pytest.raises(NotImplementedError):
        Bare().candidates(None)
