"""Rules that read answers: annotations met by an answer, and disclosure gaps."""

from __future__ import annotations

from supplychain.models import Severity
from supplychain.risk.engine import evaluate
from supplychain.risk.findings import ResponseFacts
from supplychain.risk.rules import RULES
from tests.questionnaires.conftest import DATA
from tests.risk.builders import chain


def _questionnaire():
    from supplychain.questionnaires.loader import load_questionnaire

    return load_questionnaire(DATA / "every-type.yaml")


def flags(inputs, rule_id):
    return list(evaluate(inputs, {rule_id: RULES[rule_id]}))


def test_each_annotation_an_answer_meets_is_a_flag_with_the_answer_as_evidence(form_app):
    q = _questionnaire()
    answers = {"uses_agencies": "no", "pay_method": "cash", "weekly_hours": 60}
    inputs = chain([(0, 1)], responses={1: ResponseFacts(q, answers)})
    found = {f.indicator: f for f in flags(inputs, "answer")}
    assert set(found) == {"cash-pay", "excessive-hours"}
    cash = found["cash-pay"]
    assert cash.severity == Severity.HIGH and cash.supplier_id == 1
    assert cash.guide == ("pay-and-deductions",) and [i.value for i in cash.ilo] == [
        "withholding_of_wages"
    ]
    assert cash.evidence == {
        "answers": [
            {
                "questionnaire": "every-type",
                "version": 1,
                "question": "pay_method",
                "answer": "cash",
            }
        ]
    }
    with form_app.test_request_context():
        assert RULES["answer"].explain(cash) == "How are workers paid?"  # no explanation given


def test_safe_answers_and_hidden_questions_raise_nothing(form_app):
    q = _questionnaire()
    inputs = chain(
        [(0, 1)], responses={1: ResponseFacts(q, {"pay_method": "own_account", "weekly_hours": 40})}
    )
    assert flags(inputs, "answer") == []


def _table_response(uses: str, rows: list[dict]):
    return ResponseFacts(_questionnaire(), {"uses_agencies": uses, "agencies": rows})


def test_says_it_uses_agencies_but_names_none():
    inputs = chain([(0, 1)], responses={1: _table_response("yes", [])})
    [found] = flags(inputs, "undisclosed-subcontracting")
    assert found.params["reason"] == "none-named"
    assert [a["question"] for a in found.evidence["answers"]] == ["uses_agencies", "agencies"]


def test_says_none_yet_an_agency_works_below_it():
    inputs = chain([(0, 1), (1, 2, "labour_hire")], responses={1: _table_response("no", [])})
    [found] = flags(inputs, "undisclosed-subcontracting")
    assert found.params["reason"] == "denied" and found.evidence["suppliers"] == [2]


def test_an_agency_in_the_chain_missing_from_its_list():
    named = [{"name": "Supplier 2 SIA", "registration_no": None}]
    inputs = chain(
        [(0, 1), (1, 2, "labour_hire"), (1, 3, "labour_hire")],
        responses={1: _table_response("yes", named)},
    )
    [found] = flags(inputs, "undisclosed-subcontracting")
    assert found.params["reason"] == "missing" and found.evidence["suppliers"] == [3]
    everyone = named + [{"name": "x", "registration_no": "40000000003"}]
    honest = chain(
        [(0, 1), (1, 2, "labour_hire"), (1, 3, "labour_hire")],
        responses={1: _table_response("yes", everyone)},
    )
    assert flags(honest, "undisclosed-subcontracting") == []
