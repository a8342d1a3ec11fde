"""Rules that read answers: annotations met by an answer, and disclosure gaps."""

from __future__ import annotations

from datetime import UTC

import pytest

from supplychain.models import Severity
from supplychain.risk import texts
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
        assert texts.explain(cash) == "How are workers paid?"  # no explanation given


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


def _assessed(answers, sector="", home_country="LV"):
    from tests.risk.test_rule_cases import self_assessment

    return chain(
        [(0, 1)],
        suppliers={1: {"sector": sector}},
        responses={1: ResponseFacts(self_assessment(), answers)},
        home_country=home_country,
    )


def test_pay_below_the_statutory_minimum_wage_is_critical_with_its_figure_and_source():
    [found] = flags(_assessed({"hourly_rate": "3.20"}), "pay-below-minimum")
    assert (found.supplier_id, found.severity, found.ilo) == (1, Severity.CRITICAL, ())
    assert found.guide == ("pay-and-deductions", "workplace-assessment")
    [quoted] = found.evidence["answers"]
    assert (quoted["question"], quoted["answer"]) == ("hourly_rate", "3.20")
    facts = found.evidence["facts"]
    # Below the minimum in every month of 2026: EUR 780 over July's 184 normal hours.
    assert (facts["hourly_rate_eur"], facts["wage_floor_eur"], facts["country"]) == (
        "3.20",
        "4.24",
        "LV",
    )
    assert "Cabinet of Ministers" in facts["source"]
    assert facts["valid_from"] == "2026-01-01" and facts["checked"]
    sentence = texts.explain(found)
    assert "3.20" in sentence and "4.24" in sentence and "LV" in sentence


def test_pay_below_the_minimum_of_most_months_or_the_sector_floor_is_high():
    [found] = flags(_assessed({"hourly_rate": "4.50"}), "pay-below-minimum")
    assert found.severity == Severity.HIGH and found.params["reason"] == "statutory-most-months"
    assert found.evidence["facts"]["wage_floor_eur"] == "4.69"  # EUR 780 over 166.17 h
    # Construction (NACE F) is bound by its general agreement's EUR 5.57 an hour.
    [builder] = flags(_assessed({"hourly_rate": "5.00"}, sector="F43.33"), "pay-below-minimum")
    facts = builder.evidence["facts"]
    assert builder.severity == Severity.HIGH and builder.params["reason"] == "sector"
    assert (facts["wage_floor_eur"], facts["floor_nace"], facts["valid_from"]) == (
        "5.57",
        "F",
        "2024-01-01",
    )
    assert "construction" in facts["source"]
    # The same pay outside construction is above every statutory floor.
    assert flags(_assessed({"hourly_rate": "5.00"}, sector="N81.21"), "pay-below-minimum") == []


def test_pay_is_judged_by_the_minimum_where_the_work_is_done():
    from dataclasses import replace

    # A Latvian organisation's supplier working in Germany (EUR 13.90) at EUR 9.00 an hour:
    # above every Latvian floor, far below the German one.
    at_home = _assessed({"hourly_rate": "9.00"})
    assert flags(at_home, "pay-below-minimum") == []
    links = {e: link._replace(work_country="DE") for e, link in at_home.links.items()}
    [found] = flags(replace(at_home, links=links), "pay-below-minimum")
    assert (found.severity, found.evidence["facts"]["country"]) == (Severity.CRITICAL, "DE")
    # Work in Finland (no statutory minimum) for a Finnish buyer is not judged at all.
    abroad = _assessed({"hourly_rate": "3.20"}, home_country="FI")
    links = {e: link._replace(work_country="LV") for e, link in abroad.links.items()}
    [found] = flags(replace(abroad, links=links), "pay-below-minimum")
    assert found.evidence["facts"]["country"] == "LV"


def test_no_pay_flag_without_a_known_floor_or_an_answer():
    assert flags(_assessed({"hourly_rate": "3.20"}, home_country="FI"), "pay-below-minimum") == []
    assert flags(_assessed({"hourly_rate": "3.20"}, home_country=""), "pay-below-minimum") == []
    assert flags(_assessed({"hourly_rate": ""}), "pay-below-minimum") == []
    assert flags(_assessed({"hourly_rate": "5.57"}, sector="F41.20"), "pay-below-minimum") == []
    # A figure past its valid_to is not used: Germany's EUR 13.90 ends with 2026.
    from dataclasses import replace
    from datetime import datetime

    german = replace(
        _assessed({"hourly_rate": "9.00"}, home_country="DE"),
        now=datetime(2027, 1, 5, tzinfo=UTC),
    )
    assert flags(german, "pay-below-minimum") == []
    assert flags(_assessed({"hourly_rate": "9.00"}, home_country="DE"), "pay-below-minimum")


def test_one_day_off_a_week_is_medium_and_none_stays_high():
    def rest(days):
        return [(f.indicator, f.severity) for f in flags(_assessed({"rest_days": days}), "answer")]

    assert rest(0) == [("no-rest-days", Severity.HIGH)]
    assert rest(1) == [("short-weekly-rest", Severity.MEDIUM)]
    assert rest(2) == []


@pytest.mark.parametrize("answer", ["about three", "-3.20", "NaN", "Infinity", True])
def test_a_wage_that_is_no_amount_raises_no_pay_flag(answer):
    assert flags(_assessed({"hourly_rate": answer}), "pay-below-minimum") == []
