"""Rules over other rules' flags: possible forced labour where several signals meet."""

from __future__ import annotations

from supplychain.models import Severity
from supplychain.questionnaires.schema import Questionnaire
from supplychain.risk import texts
from supplychain.risk.composite_rules import FORCED_LABOUR
from supplychain.risk.engine import evaluate
from supplychain.risk.findings import Finding, ResponseFacts, to_json
from supplychain.risk.flagset import FlagSet
from supplychain.risk.rules import RULES, finding
from supplychain.vocab import IloIndicator as ILO
from tests.risk.builders import chain


def _answer(supplier: int, question: str, severity: Severity, *ilo: ILO) -> Finding:
    """A flag as the answer rule raises it: the supplier's answer quoted as evidence."""
    answers = [{"questionnaire": "q", "version": 1, "question": question, "answer": "yes"}]
    return Finding(
        "answer", supplier, severity, {"answers": answers}, {}, question, tuple(ilo), ("x",)
    )


def _composite(*findings: Finding) -> list[Finding]:
    """The composite rule over a first pass that raised these flags."""
    first = FlagSet()
    for found in findings:
        first.add(found)
    rule = RULES[FORCED_LABOUR]
    return list(rule.check(chain([(0, 1), (0, 2)]), {}, first))  # type: ignore[call-arg]


def test_three_indicators_with_debt_bondage_make_one_critical_flag_linking_them():
    made = [
        _answer(1, "loans", Severity.HIGH, ILO.DEBT_BONDAGE),
        _answer(1, "hours", Severity.MEDIUM, ILO.EXCESSIVE_OVERTIME),
        _answer(1, "housing", Severity.HIGH, ILO.ABUSIVE_WORKING_AND_LIVING_CONDITIONS),
        _answer(1, "safeguard", Severity.LOW),  # no indicator: not part of it
        _answer(2, "hours", Severity.MEDIUM, ILO.EXCESSIVE_OVERTIME),  # another supplier
    ]
    [flag] = _composite(*made)
    assert (flag.rule, flag.supplier_id, flag.severity) == (FORCED_LABOUR, 1, Severity.CRITICAL)
    assert flag.ilo == (
        ILO.DEBT_BONDAGE,
        ILO.ABUSIVE_WORKING_AND_LIVING_CONDITIONS,
        ILO.EXCESSIVE_OVERTIME,
    )
    linked = flag.evidence["flags"]
    assert {item["fingerprint"] for item in linked} == {f.fingerprint for f in made[:3]}
    assert linked[0]["severity"] == "high"
    assert linked[-1]["evidence"]["answers"][0]["question"] == "hours"
    assert flag.params == {"critical": 0, "indicators": [i.value for i in flag.ilo]}
    assert to_json(flag.evidence) == flag.evidence_json  # the text as the JSON writer gives it
    assert "when-suspicions-arise" in flag.guide
    # Deterministic: the same flags in another order give the same flag.
    assert _composite(*reversed(made))[0].fingerprint == flag.fingerprint


def test_one_critical_answer_is_enough(form_app):
    [flag] = _composite(_answer(2, "bank_cards", Severity.CRITICAL, ILO.WITHHOLDING_OF_WAGES))
    assert flag.supplier_id == 2 and flag.params["critical"] == 1
    with form_app.test_request_context():
        sentence = texts.explain(flag)
    assert sentence.startswith("Possible forced labour.")
    assert "One of this supplier's answers is critical." in sentence
    assert "1 ILO indicator of forced labour: Withholding of wages." in sentence


def test_three_indicators_none_of_the_four_raise_nothing():
    assert not _composite(
        _answer(1, "pay", Severity.HIGH, ILO.WITHHOLDING_OF_WAGES),
        _answer(1, "hours", Severity.HIGH, ILO.EXCESSIVE_OVERTIME),
        _answer(1, "migrants", Severity.MEDIUM, ILO.ABUSE_OF_VULNERABILITY, ILO.ISOLATION),
    )


def test_two_indicators_raise_nothing_even_both_of_the_four():
    assert not _composite(
        _answer(1, "documents", Severity.HIGH, ILO.RETENTION_OF_IDENTITY_DOCUMENTS),
        _answer(1, "loans", Severity.HIGH, ILO.DEBT_BONDAGE),
        _answer(1, "loans_again", Severity.HIGH, ILO.DEBT_BONDAGE),  # the same one again
    )


def test_indicators_of_structural_rules_do_not_count():
    """An agency abroad is a risk factor, not evidence of an indicator: no structural flag
    claims one, and none makes possible forced labour."""
    inputs = chain(
        [(0, 1), (1, 2, "labour_hire")],
        suppliers={2: {"is_agency": True, "country": "UA", "sector": "F41.2"}},
    )
    found = evaluate(inputs)
    assert len(found) >= 3 and {i for f in found for i in f.ilo} == set()
    assert FORCED_LABOUR not in found.rules


QUESTIONNAIRE = {
    "id": "mini",
    "version": 1,
    "title": {"en": "Mini"},
    "languages": ["en"],
    "sections": [
        {
            "id": "s",
            "title": {"en": "S"},
            "questions": [
                {
                    "id": "documents",
                    "type": "yes_no",
                    "text": {"en": "Do you keep workers' passports?"},
                    "risks": [
                        {
                            "when": {"equals": "yes"},
                            "indicator": "retained-documents",
                            "severity": "critical",
                            "ilo": ["retention_of_identity_documents"],
                            "guide": ["identity-documents", "when-suspicions-arise"],
                        }
                    ],
                },
            ],
        }
    ],
}


def test_a_critical_answer_through_the_engine_raises_it_after_the_answer_flag():
    questionnaire = Questionnaire.model_validate(QUESTIONNAIRE)
    answered = {1: ResponseFacts(questionnaire, {"documents": "yes"})}
    rules = {rid: RULES[rid] for rid in (FORCED_LABOUR, "answer")}  # the composite first
    found = evaluate(chain([(0, 1)], responses=answered), rules)
    assert found.rules == ["answer", FORCED_LABOUR]
    answer, composite = found
    assert answer.guide == ("identity-documents", "when-suspicions-arise")
    assert composite.evidence["flags"][0]["fingerprint"] == answer.fingerprint
    calm = {1: ResponseFacts(questionnaire, {"documents": "no"})}
    assert list(evaluate(chain([(0, 1)], responses=calm), rules)) == []


def test_a_single_guide_section_is_read_as_a_list_of_one():
    single = {**QUESTIONNAIRE["sections"][0]["questions"][0]["risks"][0], "guide": "screening"}
    question = {**QUESTIONNAIRE["sections"][0]["questions"][0], "risks": [single]}
    data = {
        **QUESTIONNAIRE,
        "sections": [{**QUESTIONNAIRE["sections"][0], "questions": [question]}],
    }
    [(_q, annotation, _c)] = Questionnaire.model_validate(data).risk_annotations()
    assert annotation.guide == ["screening"]


def test_its_evidence_reads_as_the_answers_behind_it(form_app):
    from supplychain.questionnaires.loader import Catalogue
    from supplychain.reports.flags import evidence_lines
    from supplychain.risk.present import readable_evidence

    questionnaire = Questionnaire.model_validate(QUESTIONNAIRE)
    [flag] = _composite(_answer(1, "documents", Severity.CRITICAL, ILO.RESTRICTION_OF_MOVEMENT))
    catalogue = Catalogue({("mini", 1): questionnaire})
    with form_app.test_request_context():
        shown = readable_evidence(flag.evidence, {}, catalogue)
        lines = evidence_lines(shown)
    [item] = shown["flags"]
    assert item["ilo"] == ["Restriction of movement"] and item["severity"] == "critical"
    assert item["answers"] == [{"question": "documents", "answer": "yes"}]  # "q" is not known
    assert lines == ("Critical: documents — yes (Restriction of movement)",)


def test_the_sentence_names_only_what_the_flag_rests_on(form_app):
    """Indicators without a critical answer, and critical answers without an indicator."""
    indicators = [ILO.DEBT_BONDAGE.value, ILO.ISOLATION.value, ILO.DECEPTION.value]
    by_indicators = finding(FORCED_LABOUR, 1, {"facts": {}}, critical=0, indicators=indicators)
    by_answers = finding(FORCED_LABOUR, 1, {"facts": {}}, critical=2, indicators=[])
    with form_app.test_request_context():
        indicated, answered = texts.explain(by_indicators), texts.explain(by_answers)
    assert "critical" not in indicated
    assert "3 ILO indicators of forced labour: Debt bondage, Isolation, Deception." in indicated
    assert "2 of this supplier's answers are critical." in answered
    assert "ILO indicator" not in answered
