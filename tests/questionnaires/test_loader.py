"""The file format: shipped questionnaires load; malformed files are refused with file, line
and path."""

from __future__ import annotations

import re
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import BaseModel

from supplychain.questionnaires.evaluation import triggered_risks, visible_ids
from supplychain.questionnaires.loader import (
    QuestionnaireError,
    load_all,
    parse_questionnaire,
    questionnaire_files,
)
from supplychain.questionnaires.sample import plain_answers
from supplychain.questionnaires.schema import Condition, Text
from supplychain.resources import resource_dir
from supplychain.vocab import IloIndicator

SHIPPED = resource_dir("questionnaires", "questionnaires_data")

GOOD = """\
id: tiny
version: 1
title: {en: Tiny, lv: Mazs}
languages: [en, lv]
sections:
  - id: one
    title: {en: One, lv: Viens}
    questions:
      - id: uses_agencies
        type: yes_no
        text: {en: Agencies?, lv: Aģentūras?}
      - id: pay
        type: single_choice
        show_if: {question: uses_agencies, equals: no}
        text: {en: Pay, lv: Alga}
        options:
          - {value: bank, text: {en: Bank, lv: Banka}}
          - {value: cash, text: {en: Cash, lv: Skaidrā}}
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(textwrap.dedent(text), "questionnaires/tiny.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_good_file_loads_and_keeps_yes_and_no_as_answers():
    q = parse_questionnaire(GOOD, "tiny.yaml")
    assert [x.id for x in q.questions()] == ["uses_agencies", "pay"]
    assert q.question("pay").show_if.equals == "no"  # YAML 1.1 would have made it False


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("type: single_choice", "type: dropdown"),
            "questionnaires/tiny.yaml:12: sections[0].questions[1]: Input tag 'dropdown'",
        ),
        (
            ("{en: Cash, lv: Skaidrā}", "{en: Cash}"),
            "questionnaires/tiny.yaml:18: sections[0].questions[1].options[1].text.lv: "
            "missing the 'lv' translation",
        ),
        (
            ("question: uses_agencies", "question: pay"),
            "questionnaires/tiny.yaml:14: sections[0].questions[1].show_if.question: "
            "show_if must name an earlier question, not 'pay'",
        ),
        (
            ("- id: pay", "- id: uses_agencies"),
            "questionnaires/tiny.yaml:12: sections[0].questions[1].id: "
            "duplicate question id 'uses_agencies'",
        ),
        (
            ("equals: no", "equals: maybe"),
            "questionnaires/tiny.yaml:14: sections[0].questions[1].show_if.equals: "
            "'maybe' is not an answer to 'uses_agencies' (answers: yes, no)",
        ),
        (
            ("equals: no", "above: 3"),
            "sections[0].questions[1].show_if.above: 'above' compares numbers",
        ),
        (
            ("version: 1", "version: 0"),
            "questionnaires/tiny.yaml:2: version: Input should be greater than or equal to 1",
        ),
        (
            (
                "        text: {en: Pay, lv: Alga}",
                "        text: {en: Pay, lv: Alga}\n        colour: red",
            ),
            "sections[0].questions[1].colour: Extra inputs are not permitted",
        ),
        (
            ("{en: Agencies?, lv: Aģentūras?}", "{en: Agencies?, lv: Aģentūras?, de: Agenturen?}"),
            "sections[0].questions[0].text.de: 'de' is not one of the file's languages (en, lv)",
        ),
        (
            ("        type: yes_no\n", "        type: yes_no\n        explain: true\n"),
            "sections[0].questions[0].explain: explain needs a risk annotation on the question",
        ),
        (
            ("{value: cash,", "{value: bank,"),
            "sections[0].questions[1].options[1]: duplicate option value 'bank'",
        ),
        (
            ("type: yes_no", "type: text"),
            "sections[0].questions[1].show_if.equals: a text question cannot be tested with "
            "'equals'",
        ),
        (
            (
                "{en: Cash, lv: Skaidrā}}\n",
                "{en: Cash, lv: Skaidrā}}\n  - id: one\n    title: {en: Two, lv: Divi}\n"
                "    questions:\n      - {id: more, type: yes_no, text: {en: More?, lv: Vēl?}}\n",
            ),
            "sections[1].id: duplicate section id 'one'",
        ),
    ],
)
def test_malformed_files_are_refused_with_file_line_and_path(change, expected):
    old, new = change
    assert old in GOOD
    problems = _problems(GOOD.replace(old, new))
    assert any(expected in p for p in problems), problems


def test_yaml_syntax_errors_name_the_line():
    problems = _problems(GOOD.replace("title: {en: One, lv: Viens}", "title: {en: One, lv: Viens"))
    assert re.match(r"questionnaires/tiny.yaml:\d+: \(top\): not valid YAML", problems[0])


def test_every_problem_is_reported_at_once():
    text = GOOD.replace("{en: Cash, lv: Skaidrā}", "{en: Cash}").replace("lv: Aģentūras?", "de: x")
    assert len(_problems(text)) == 3  # two missing 'lv', one stray 'de'


def test_two_files_with_the_same_id_and_version_are_refused(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "b.yaml").write_text(GOOD)
    with pytest.raises(QuestionnaireError, match="tiny version 1 is also in"):
        load_all(questionnaire_files(tmp_path))


def test_older_versions_stay_readable_beside_the_current_one(tmp_path):
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "tiny.v1.yaml").write_text(GOOD)
    (tmp_path / "tiny.yaml").write_text(GOOD.replace("version: 1", "version: 2"))
    catalogue = load_all(questionnaire_files(tmp_path))
    assert catalogue.current["tiny"].version == 2
    assert catalogue.get("tiny", 1).version == 1 and catalogue.get("tiny", 3) is None
    assert catalogue.get("tiny") is catalogue.current["tiny"]


def test_a_file_that_is_not_a_mapping_or_cannot_be_read_is_refused(tmp_path):
    assert _problems("- id: tiny\n- version: 1\n") == [
        "questionnaires/tiny.yaml:1: (top): the file must be a mapping (id: ...)"
    ]
    (tmp_path / "tiny.yaml").write_text(GOOD)
    (tmp_path / "latin1.yaml").write_bytes("title: Rīga".encode("utf-16"))
    with pytest.raises(QuestionnaireError, match="latin1.yaml.*cannot read") as caught:
        load_all(questionnaire_files(tmp_path))
    assert len(caught.value.problems) == 1  # the good file beside it loads


def test_a_disclosure_table_needs_the_columns_that_identify_a_firm():
    table = GOOD.replace(
        "        type: single_choice\n",
        "        type: table\n        disclosure: agencies\n"
        "        columns:\n          - {id: name, type: text, text: {en: Name, lv: Nosaukums}}\n",
    ).split("        options:")[0]
    assert any(
        "sections[0].questions[1].columns: a disclosure table needs columns country, email, "
        "registration_no" in p
        for p in _problems(table)
    )


def test_a_question_of_the_file_may_not_take_the_id_of_a_note():
    noted = GOOD.replace(
        "        text: {en: Agencies?, lv: Aģentūras?}\n",
        "        text: {en: Agencies?, lv: Aģentūras?}\n        explain: true\n"
        "        risks:\n          - {when: {equals: 'yes'}, indicator: a, severity: low,"
        " ilo: [], guide: agency-labour}\n",
    ).replace("- id: pay", "- id: uses_agencies_note")
    problems = _problems(noted)
    assert any("uses_agencies_note" in p for p in problems), problems


@pytest.mark.parametrize(
    ("condition", "value", "holds"),
    [
        ({"equals": "yes"}, "yes", True),
        ({"equals": "yes"}, "no", False),
        ({"equals": "yes"}, None, False),
        ({"equals": 3}, 3, True),
        ({"equals": 3}, "3.0", True),
        ({"any_of": ["a", "b"]}, "b", True),
        ({"includes": "cash"}, ["bank", "cash"], True),
        ({"includes": "cash"}, [], False),
        ({"above": 48}, 48, False),
        ({"above": 48}, "48.5", True),
        ({"at_least": 48}, 48, True),
        ({"below": 1}, "0", True),
        ({"at_most": 0}, "0.1", False),
        ({"above": 1}, "many", False),
    ],
)
def test_conditions(condition, value, holds):
    assert Condition.model_validate(condition).holds(value) is holds


def test_a_condition_takes_exactly_one_test():
    with pytest.raises(ValueError, match="exactly one"):
        Condition.model_validate({"equals": "yes", "above": Decimal(1)})


# The shipped questionnaires ------------------------------------------------------------------


def _texts(node, path=()):
    """Yield (path, Text) for every text in a questionnaire, walking the models independently."""
    if isinstance(node, Text):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _texts(getattr(node, name), (*path, name))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _texts(item, (*path, i))


@pytest.fixture(scope="module")
def shipped():
    return load_all(questionnaire_files(Path(SHIPPED)))


def test_the_three_questionnaires_ship(shipped):
    current = shipped.current
    assert {"supplier-self-assessment", "agency-screening", "company-risk-assessment"} <= set(
        current
    )
    assert current["company-risk-assessment"].answered_by == "organisation"
    assert current["supplier-self-assessment"].answered_by == "supplier"
    for q in current.values():
        assert {"en", "lv"} <= set(q.languages)


def test_every_text_has_every_translation_and_show_if_looks_back(shipped):
    for q in shipped.versions.values():
        for path, text in _texts(q):
            assert set(text.root) == set(q.languages), f"{q.id} {path}"
            assert all(value.strip() for value in text.root.values()), f"{q.id} {path}"
        seen: set[str] = set()
        for question in q.questions():
            for cond in question.show_conditions:
                assert cond.question in seen, f"{q.id}: {question.id}"
            seen.add(question.id)


def test_every_text_a_respondent_reads_is_in_russian_too(shipped):
    """Many managers of Latvian subcontractors work in Russian (issue 23): a question, option
    or explanation added without its Russian text fails here, in all three questionnaires."""
    names = {"supplier-self-assessment", "agency-screening", "company-risk-assessment"}
    for q in (shipped.current[name] for name in sorted(names)):
        assert "ru" in q.languages, q.id
        for path, text in _texts(q):
            en, ru = text.root["en"], text.root.get("ru", "")
            assert ru.strip(), f"{q.id} {path}: no Russian"
            if re.search("[A-Za-z]", en):
                assert re.search("[а-яё]", ru, re.IGNORECASE) and ru != en, f"{q.id} {path}: {ru}"


def test_every_ilo_indicator_is_evidenced_by_the_supplier_questionnaire(shipped):
    q = shipped.current["supplier-self-assessment"]
    evidenced = {ilo for _q, annotation, _c in q.risk_annotations() for ilo in annotation.ilo}
    assert evidenced == set(IloIndicator)


def test_the_supplier_questionnaire_discloses_subcontractors_and_agencies(shipped):
    q = shipped.current["supplier-self-assessment"]
    disclosures = {question.disclosure for question in q.questions() if question.type == "table"}
    assert {"subcontractors", "agencies"} <= {d.value for d in disclosures if d}


def test_a_small_firm_without_agencies_housing_migrants_or_subcontractors_answers_35_at_most(
    shipped,
):
    """Branching keeps the supplier questionnaire short where the risks do not apply."""
    q = shipped.current["supplier-self-assessment"]
    small = {
        "own_employees": 5,
        "migrant_share": "0",
        "uses_agencies": "no",
        "uses_subcontractors": "no",
        "housing_provided": "no",
    }
    answers = plain_answers(q, small)
    shown = [x.id for x in q.asked() if x.id in visible_ids(q, answers)]
    assert len(shown) <= 35, shown
    # Safeguards are asked of larger firms only; what happens to workers is asked of all.
    assert "harassment_procedure" not in shown and "grievance_channel" not in shown
    assert {"violence_incidents", "identity_documents", "leaving_terms"} <= set(shown)
    assert not triggered_risks(q, answers)


def test_after_a_risky_answer_an_optional_note_is_offered(shipped):
    q = shipped.current["supplier-self-assessment"]
    note = q.question("worker_debts_note")
    assert note.note_for == "worker_debts" and not note.required
    assert "worker_debts_note" not in {x.id for x in q.asked()}
    safe = plain_answers(q, {"worker_debts": ["none"]})
    assert "worker_debts_note" not in visible_ids(q, safe)
    risky = plain_answers(q, {"worker_debts": ["deposit"], "worker_debts_note": "Keys, 20 EUR"})
    assert risky["worker_debts_note"] == "Keys, 20 EUR"


def test_a_question_shown_when_any_of_several_answers_holds(shipped):
    q = shipped.current["supplier-self-assessment"]
    for gate in ("uses_agencies", "uses_subcontractors"):
        answers = plain_answers(q, {gate: "yes"})
        assert "others_documents" in visible_ids(q, answers)
    assert "others_documents" not in visible_ids(q, plain_answers(q))


def test_the_sector_is_flagged_from_the_register_not_from_an_answer(shipped):
    q = shipped.current["supplier-self-assessment"]
    assert all(a.indicator != "high-risk-sector" for _q, a, _c in q.risk_annotations())


def test_one_day_off_a_week_is_at_least_a_medium_risk(shipped):
    q = shipped.current["supplier-self-assessment"]
    for days, severity in ((0, "high"), (1, "medium")):
        hits = triggered_risks(q, plain_answers(q, {"rest_days": days}))
        assert [t.annotation.severity.value for t in hits] == [severity]


# What answers mean, and the sample answers ---------------------------------------------------


def test_the_risk_profile_is_at_risk_from_one_statement_graded_by_the_highest_severity(every_type):
    from supplychain.questionnaires.evaluation import risk_profile

    risky = risk_profile(every_type, {"uses_agencies": "yes", "weekly_hours": 60})
    assert [t.question.id for t in risky.triggered] == ["uses_agencies", "weekly_hours"]
    assert risky.at_risk and risky.level.value == "high" and risky.statements == 3
    safe = risk_profile(every_type, plain_answers(every_type))
    assert (safe.at_risk, safe.level, safe.statements) == (False, None, 3)


def test_a_section_is_complete_once_every_shown_required_question_is_answered(every_type):
    from supplychain.questionnaires.evaluation import progress

    [empty] = progress(every_type, "en", {})
    assert not empty.complete and empty.missing[0] == "uses_agencies"
    [done] = progress(every_type, "en", plain_answers(every_type))
    assert done.complete and done.answered < done.shown  # optional ones may stay empty


def test_a_required_question_with_no_safe_answer_is_sampled_with_its_likeliest():
    both = GOOD.replace(
        "text: {en: Agencies?, lv: Aģentūras?}",
        """text: {en: Agencies?, lv: Aģentūras?}
        risks:
          - {when: {equals: "yes"}, indicator: a, severity: low, ilo: [], guide: agency-labour}
          - {when: {equals: "no"}, indicator: b, severity: low, ilo: [], guide: agency-labour}""",
    )
    q = parse_questionnaire(both, "tiny.yaml")
    assert plain_answers(q)["uses_agencies"] == "no"
    assert len(triggered_risks(q, plain_answers(q))) == 1


def test_the_length_promised_counts_the_questions_asked_with_and_without_the_branches():
    from supplychain.questionnaires.sample import Length, length

    q = parse_questionnaire(GOOD, "tiny.yaml")
    # A blank response shows one question; the answer to it may open the second.
    assert length(q) == Length(fewest=1, most=2) and length(q) is length(q)
    assert not length(q).fixed and Length(fewest=2, most=2).fixed
    # About 20 seconds a question, rounded up to five minutes, five at least.
    assert Length(fewest=35, most=78).minutes == (15, 30)
    assert Length(fewest=2, most=23).minutes == (5, 10)
    assert Length(fewest=45, most=45).minutes == (15, 15)
    assert Length(fewest=1, most=1).seconds_per_question == 20  # the page says so


def test_a_returning_respondent_goes_on_at_the_first_section_missing_an_answer():
    from supplychain.questionnaires.evaluation import first_unanswered

    q = parse_questionnaire(GOOD, "tiny.yaml")
    assert first_unanswered(q, {}) == "one"
    assert first_unanswered(q, {"uses_agencies": "no"}) == "one"  # its answer opened "pay"
    assert first_unanswered(q, {"uses_agencies": "yes"}) is None  # all there: the review
