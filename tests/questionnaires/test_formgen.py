"""Forms generated from a questionnaire: visibility, required answers, tables, stored values."""

from __future__ import annotations

import io

from werkzeug.datastructures import MultiDict

from supplychain.questionnaires.formgen import (
    add_blank_rows,
    answer_views,
    build_form_class,
    form_data,
    view_sections,
)
from supplychain.questionnaires.loader import parse_questionnaire
from supplychain.questionnaires.sample import plain_answers

BASE = {
    "uses_agencies": "no",
    "pay_method": "own_account",
    "weekly_hours": "40",
    "migrant_share": "0",
}


def test_field_names_are_question_ids(every_type):
    cls = build_form_class(every_type, "en")
    form_fields = {name for name in vars(cls) if not name.startswith("_")}
    assert {q.id for q in every_type.questions()} <= form_fields


def test_complete_answers_are_stored_as_plain_values(submit):
    form = submit(
        {**BASE, "deductions": ["tools", "housing"], "hourly_rate": "9,75", "founded": "2019-03-01"}
    )
    assert form.ok, form.errors
    assert form.answers() == {
        "uses_agencies": "no",
        "pay_method": "own_account",
        "deductions": ["housing", "tools"],  # in the order of the file
        "weekly_hours": 40,
        "hourly_rate": "9.75",  # a comma is a decimal point; stored as exact text
        "migrant_share": "0",
        "founded": "2019-03-01",
    }


def test_a_required_question_left_empty_is_named(submit):
    form = submit({k: v for k, v in BASE.items() if k != "pay_method"})
    assert not form.ok
    assert form.pay_method.errors == ["Please answer this question."]
    assert not form.weekly_hours.errors


def test_hidden_questions_are_not_required_and_their_answers_are_dropped(submit):
    # languages shows only when migrant_share > 0; agencies only when uses_agencies is yes.
    form = submit({**BASE, "languages": "Ukrainian", "agencies-0-name": "Ghost Staff"})
    assert form.ok, form.errors
    assert "languages" not in form.answers() and "agencies" not in form.answers()
    form = submit({**BASE, "migrant_share": "35"})
    assert not form.ok and form.languages.errors == ["Please answer this question."]


def test_bad_values_get_messages_in_the_respondents_language(submit):
    form = submit(
        {**BASE, "weekly_hours": "forty", "migrant_share": "140", "pay_method": "bitcoin"}, "lv"
    )
    assert not form.ok
    assert form.weekly_hours.errors and form.migrant_share.errors and form.pay_method.errors
    form = submit({**BASE, "weekly_hours": "200"})
    assert form.weekly_hours.errors == ["Enter a number from 0 to 168."]


def test_table_rows_blank_rows_ignored_and_cells_checked(submit):
    data = MultiDict(
        {
            **BASE,
            "uses_agencies": "yes",
            "agencies-0-name": "Darba Spēks SIA",
            "agencies-0-country": "lv",
            "agencies-0-workers": "12",
            "agencies-0-subcontracts_further": "yes",
            "agencies-1-name": "",
            "agencies-2-country": "XX",
            "agencies-2-email": "not-an-email",
        }
    )
    form = submit(data)
    assert not form.ok
    row = form.agencies.entries[2].form
    assert row["name"].errors == ["Fill this in, or clear the whole row."]
    assert row["country"].errors and row["email"].errors
    assert not any(form.agencies.entries[1].form[c].errors for c in ("name", "email"))
    data.setlist("agencies-2-country", [""])
    data.setlist("agencies-2-email", [""])
    form = submit(data)
    assert form.ok, form.errors
    assert form.answers()["agencies"] == [
        {
            "name": "Darba Spēks SIA",
            "registration_no": None,
            "country": "LV",
            "email": None,
            "workers": 12,
            "subcontracts_further": "yes",
        }
    ]


def test_stored_answers_fill_the_form_again(form_app, every_type, submit):
    answers = submit(
        {**BASE, "hourly_rate": "12.5", "founded": "2020-01-31", "deductions": ["housing"]}
    ).answers()
    cls = build_form_class(every_type, "en")
    with form_app.test_request_context():
        again = cls(data=form_data(every_type, answers), meta={"csrf": False})
        assert again.answers() == answers


def test_views_mark_hidden_questions_and_read_answers_in_each_language(every_type):
    sections = view_sections(every_type, "lv", {"uses_agencies": "no"})
    by_id = {q.id: q for s in sections for q in s.questions}
    assert by_id["agencies"].hidden and not by_id["pay_method"].hidden
    assert by_id["uses_agencies"].text == "Vai izmantojat aģentūras?"
    assert '"question": "uses_agencies"' in by_id["agencies"].show_if
    assert by_id["hourly_rate"].unit == "EUR stundā"
    views = answer_views(
        every_type, "lv", {"pay_method": "cash", "deductions": ["housing", "tools"]}
    )
    assert [(v.question_id, v.text) for v in views] == [
        ("pay_method", "Skaidrā naudā"),
        ("deductions", "Mājoklis; Darbarīki"),
    ]


def test_a_table_gets_two_blank_rows_to_fill_and_is_read_row_by_row(form_app, every_type):
    filled = {"uses_agencies": "yes", "agencies": [{"name": "Darba Spēks SIA", "workers": 12}]}
    cls = build_form_class(every_type, "en")
    with form_app.test_request_context():
        form = cls(data=form_data(every_type, filled), meta={"csrf": False})
        add_blank_rows(form)
        assert [row.form["name"].data for row in form.agencies.entries] == [
            "Darba Spēks SIA",
            None,
            None,
        ]
        add_blank_rows(form)  # two blank rows already: none added
        assert len(form.agencies.entries) == 3
    stored = {"agencies": [{"name": "Darba Spēks SIA", "email": None, "workers": 12, "x": 1}]}
    (view,) = answer_views(every_type, "en", stored)
    assert (view.text, view.rows) == ("", [[("Name", "Darba Spēks SIA"), ("Workers", "12")]])


PAPERS = """\
id: papers
version: 1
title: {en: Papers, lv: Dokumenti}
languages: [en, lv]
sections:
  - id: firm
    title: {en: Firm, lv: Firma}
    questions:
      - id: founded
        type: date
        text: {en: Founded on, lv: Dibināts}
      - id: extracts
        type: documents
        max_files: 2
        text: {en: Register extracts, lv: Reģistra izraksti}
      - id: owners
        type: table
        text: {en: Owners, lv: Īpašnieki}
        columns:
          - {id: name, type: text, text: {en: Name, lv: Vārds}}
"""
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_a_documents_answer_keeps_the_files_not_removed_and_adds_the_uploads(form_app):
    papers = parse_questionnaire(PAPERS, "papers.yaml")
    before = [{"id": 7, "filename": "old.pdf", "size": 10}, {"id": 8, "filename": "kept.pdf"}]
    cls = build_form_class(papers, "en")
    data = {
        "founded": "2020-01-31",
        "extracts": [(io.BytesIO(PDF), "new.pdf"), (io.BytesIO(PDF), "more.pdf")],
        "extracts-remove": ["7", "not an id"],
    }
    with form_app.test_request_context(method="POST", data=data):
        form = cls(meta={"csrf": False})
        form.context = {"extracts": before}
        assert form.validate(), form.errors
        stored = form.answers()["extracts"]
    # The file ticked for removal goes; the new ones follow, up to the question's two files.
    assert stored == [
        {"id": 8, "filename": "kept.pdf"},
        {"new": ("new.pdf", PDF, "application/pdf")},
    ]
    (view,) = answer_views(papers, "en", {"extracts": stored})
    assert view.text == "kept.pdf; new.pdf"


def test_sampled_answers_fill_dates_documents_and_tables(form_app):
    papers = parse_questionnaire(PAPERS, "papers.yaml")
    assert plain_answers(papers) == {"founded": "2020-01-01", "extracts": [], "owners": []}
