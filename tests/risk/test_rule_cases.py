"""Every registered rule has a chain that raises it and one that does not.

CASES maps each rule id to two builders of RiskInputs: `raises` gives inputs on which the rule
flags something, `quiet` nearly the same inputs on which it flags nothing. The test walks the
registry: a rule added without both cases fails here, and so does a case for a rule that no
longer exists. Pure inputs only (tests/risk/builders.py), no database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pytest
from babel.messages.pofile import read_po

from supplychain.risk.engine import evaluate
from supplychain.risk.findings import (
    CaseFacts,
    InvitationFacts,
    ResponseFacts,
    RiskInputs,
    ScreeningFacts,
)
from supplychain.risk.rules import RULES, rule
from supplychain.risk.texts import explain
from supplychain.vocab import Severity, Source
from tests.risk.builders import NOW, chain

QUESTIONNAIRES = Path(__file__).resolve().parents[2] / "questionnaires"
TRANSLATIONS = Path(__file__).resolve().parents[2] / "supplychain" / "translations"


@cache
def self_assessment():
    from supplychain.questionnaires.loader import load_questionnaire

    return load_questionnaire(QUESTIONNAIRES / "supplier-self-assessment.yaml")


def answered(answers: dict, **chain_args) -> RiskInputs:
    """Supplier 1, your direct supplier, has answered the self-assessment with answers."""
    return chain([(0, 1)], responses={1: ResponseFacts(self_assessment(), answers)}, **chain_args)


class Case(NamedTuple):
    raises: Callable[[], RiskInputs]
    quiet: Callable[[], RiskInputs]


def _invited(deadline_days: int) -> RiskInputs:
    deadline = NOW + timedelta(days=deadline_days)
    invitation = InvitationFacts(deadline, submitted=False, revoked=False)
    return chain([(0, 1)], invitations={1: invitation})


def _screened(state: str) -> RiskInputs:
    result = "failed" if state == "failed" else "passed"
    check = ScreeningFacts(
        "lv", "tax-debtors", state, result, "2026-01-05", "Anna Ozola", "2026-04-05"
    )
    return chain([(0, 1)], screening={1: (check,)})


def _case(*indicators: str, case: int = 7) -> CaseFacts:
    return CaseFacts(case, "Riga Tower", indicators, "acknowledged")


def _priced(per_hour: float) -> RiskInputs:
    return chain([(0, 1, "subcontract", 5, per_hour * 1000, 1000)])


def _checked_in(*, said: str, signs: int, of: int = 5, **chain_args) -> RiskInputs:
    """of workers of supplier 1 checked in on a site, signs of them giving answer `said` to
    the documents question; the rest that they keep their own."""
    answers = [{"documents": said}] * signs + [{"documents": "me"}] * (of - signs)
    return chain([(0, 1)], check_ins={1: answers}, **chain_args)


KEEP = {"identity_documents": "workers"}


def _unknown(employers: int, unknown: int) -> RiskInputs:
    return chain([(0, 1), (1, 2)], check_ins={2: [{}] * employers, None: [{}] * unknown})


CASES: dict[str, Case] = {
    "screening-check": Case(raises=lambda: _screened("failed"), quiet=lambda: _screened("passed")),
    "answer": Case(
        raises=lambda: answered({"pay_method": ["cash"]}),
        quiet=lambda: answered({"pay_method": ["own_account"]}),
    ),
    "pay-below-minimum": Case(
        raises=lambda: answered({"hourly_rate": "3.20"}),
        quiet=lambda: answered({"hourly_rate": "7.50"}),
    ),
    "chain-depth": Case(
        raises=lambda: chain([(0, 1), (1, 2), (2, 3)]),
        quiet=lambda: chain([(0, 1), (1, 2)]),
    ),
    "labour-hire": Case(
        raises=lambda: chain([(0, 1, "labour_hire")]),
        quiet=lambda: chain([(0, 1, "subcontract")]),
    ),
    "labour-hire-deep": Case(
        raises=lambda: chain([(0, 1), (1, 2, "labour_hire")]),
        quiet=lambda: chain([(0, 1), (1, 2, "subcontract")]),
    ),
    "intermediary-chain": Case(
        raises=lambda: chain(
            [(0, 1), (1, 2, "labour_hire"), (2, 3, "labour_hire")],
            suppliers={2: {"is_agency": True}, 3: {"is_agency": True}},
        ),
        quiet=lambda: chain([(0, 1), (1, 2, "labour_hire")], suppliers={2: {"is_agency": True}}),
    ),
    "chain-cycle": Case(
        raises=lambda: chain([(0, 1), (1, 2), (2, 1)]),
        quiet=lambda: chain([(0, 1), (1, 2)]),
    ),
    "pass-through": Case(
        raises=lambda: chain([(0, 1, "subcontract", 20), (1, 2, "subcontract", 19)]),
        quiet=lambda: chain([(0, 1, "subcontract", 20), (1, 2, "subcontract", 5)]),
    ),
    "undisclosed-subcontracting": Case(
        raises=lambda: answered({"uses_subcontractors": "yes", "subcontractors": []}),
        quiet=lambda: answered({"uses_subcontractors": "no"}),
    ),
    "unknown-subcontracting": Case(
        raises=lambda: chain([(0, 1)], suppliers={2: {}}, disclosed={1: ((2, "subcontract"),)}),
        quiet=lambda: chain([(0, 1), (1, 2)]),
    ),
    "no-response": Case(raises=lambda: _invited(-1), quiet=lambda: _invited(1)),
    "unassessed": Case(
        raises=lambda: chain([(0, 1)]),
        quiet=lambda: _invited(1),
    ),
    "labour-cost-below-minimum": Case(raises=lambda: _priced(2.0), quiet=lambda: _priced(20.0)),
    "high-risk-sector": Case(
        raises=lambda: chain([(0, 1)], suppliers={1: {"sector": "F41.20"}}),
        quiet=lambda: chain([(0, 1)], suppliers={1: {"sector": "J62.01"}}),
    ),
    "possible-forced-labour": Case(
        raises=lambda: answered({"identity_documents": "held"}),  # one critical answer
        quiet=lambda: answered({"identity_documents": "safekeeping"}),  # one high indicator
    ),
    "worker-report": Case(
        raises=lambda: chain([(0, 1)], worker_cases={1: (_case("debt_bondage"),)}),
        quiet=lambda: chain([(0, 1)], worker_cases={}),  # reports not confirmed are not loaded
    ),
    "worker-check-in": Case(
        raises=lambda: _checked_in(said="employer", signs=1),
        quiet=lambda: _checked_in(said="employer", signs=1, of=4),  # a group under five
    ),
    "workers-unknown-employer": Case(
        raises=lambda: _unknown(employers=3, unknown=2),
        quiet=lambda: _unknown(employers=4, unknown=1),  # 20%, under the 25% share
    ),
    "workers-contradict-answers": Case(
        raises=lambda: _checked_in(
            said="employer", signs=2, responses={1: ResponseFacts(self_assessment(), KEEP)}
        ),
        quiet=lambda: _checked_in(
            said="me", signs=5, responses={1: ResponseFacts(self_assessment(), KEEP)}
        ),
    ),
    "cross-border": Case(
        raises=lambda: chain([(0, 1)], suppliers={1: {"country": "UZ"}}),  # a third country
        quiet=lambda: chain([(0, 1)], suppliers={1: {"country": "LV"}}),
    ),
}


def test_every_rule_has_its_texts_in_latvian_too():
    """A rule registers its title, message and basis in English beside its check; the
    presenters translate them, so all three must be in the Latvian catalogue."""
    with (TRANSLATIONS / "lv" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        latvian = {m.id: m.string for m in read_po(handle) if m.id}
    for registered in RULES.values():
        for text in (registered.title, registered.message, registered.basis):
            assert text.strip(), f"{registered.id} has an empty title, message or basis"
            assert latvian.get(text), f"{registered.id}: no Latvian for {text!r}"


def test_a_rule_without_a_title_a_message_or_a_basis_is_refused():
    for texts in (
        {"title": "", "message": "It flags.", "basis": "Why."},
        {"title": "A rule", "message": " ", "basis": "Why."},
        {"title": "A rule", "message": "It flags.", "basis": ""},
    ):
        with pytest.raises(ValueError, match="needs a title, a message and a basis"):
            rule("textless", severity=Severity.LOW, source=Source.STRUCTURE, **texts)(
                lambda inputs, t: ()
            )
    assert "textless" not in RULES


def test_every_rule_has_a_case_and_every_case_a_rule():
    assert sorted(set(RULES) - set(CASES)) == [], "rules without a positive and negative case"
    assert sorted(set(CASES) - set(RULES)) == [], "cases for rules that are not registered"


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_the_rule_raises_on_its_case_and_not_on_the_quiet_one(rule_id, form_app):
    with form_app.test_request_context():
        raised = _evaluate(CASES[rule_id].raises(), rule_id)
        assert raised, f"{rule_id} raised nothing on its positive case"
        assert {f.rule for f in raised} == {rule_id}
        for found in raised:  # and every flag explains itself in a sentence
            assert explain(found, RULES[rule_id].thresholds).strip()
        assert _evaluate(CASES[rule_id].quiet(), rule_id) == [], f"{rule_id} on the quiet case"


def _evaluate(inputs: RiskInputs, rule_id: str) -> list:
    """The rule's flags on inputs; a rule over other rules' flags runs after the answer rule."""
    registered = RULES[rule_id]
    if not registered.reads_flags:
        return list(evaluate(inputs, {rule_id: registered}))
    rules = {"answer": RULES["answer"], rule_id: registered}
    return [found for found in evaluate(inputs, rules) if found.rule == rule_id]


def test_an_expired_screening_check_asks_for_a_new_one(form_app):
    [flag] = _evaluate(_screened("expired"), "screening-check")
    assert flag.severity == Severity.MEDIUM
    with form_app.test_request_context():
        sentence = explain(flag)
    assert "was good until Apr 5, 2026: check it again." in sentence


def test_a_confirmed_report_is_critical_with_an_indicator_of_the_freedom_to_leave(form_app):
    cases = {1: (_case("excessive_overtime", case=6), _case("retention_of_identity_documents"))}
    milder, graver = _evaluate(chain([(0, 1)], worker_cases=cases), "worker-report")
    assert (milder.severity, graver.severity) == (Severity.HIGH, Severity.CRITICAL)
    assert [i.value for i in graver.ilo] == ["retention_of_identity_documents"]
    with form_app.test_request_context():
        sentence = explain(graver)
    assert sentence == (
        "A worker on the site Riga Tower reported what an officer confirmed as Retention of "
        "identity documents (case 7)."
    )


def test_a_check_in_sign_is_explained_with_its_numbers(form_app):
    answers = [{"paid": "no", "threats": "yes"}] + [{"paid": "yes", "threats": "no"}] * 5
    found = _evaluate(chain([(0, 1)], check_ins={1: answers}), "worker-check-in")
    # 1 in 6 is 17%: over the 10% of threats (a key indicator, high), under the 20% of unpaid hours
    [threats] = found
    assert threats.severity == Severity.HIGH
    with form_app.test_request_context():
        assert explain(threats) == (
            "1 of the 6 workers on the site Riga Tower who named this supplier as their employer "
            "and answered the question said someone has threatened them (17%; the flag is raised "
            "from 10%)."
        )
    # the organisation's own thresholds apply
    assert (
        _evaluate_with(
            chain([(0, 1)], check_ins={1: answers}), "worker-check-in", threats_share=0.5
        )
        == []
    )


def _evaluate_with(inputs: RiskInputs, rule_id: str, **thresholds) -> list:
    return list(evaluate(inputs, {rule_id: RULES[rule_id]}, {rule_id: thresholds}))


def test_workers_contradict_through_a_confirmed_report_and_not_an_honest_answer(form_app):
    case = _case("retention_of_identity_documents")
    said_keep = ResponseFacts(self_assessment(), KEEP)
    [flag] = _evaluate(
        chain([(0, 1)], responses={1: said_keep}, worker_cases={1: (case,)}),
        "workers-contradict-answers",
    )
    assert flag.severity == Severity.HIGH
    assert flag.evidence["answers"][0]["answer"] == "workers"
    with form_app.test_request_context():
        assert "confirmed a worker's report that documents are kept (case 7)" in explain(flag)
    admitted = ResponseFacts(self_assessment(), {"identity_documents": "held"})
    signs = [{"documents": "employer"}] * 5
    assert (
        _evaluate(
            chain(
                [(0, 1)], responses={1: admitted}, worker_cases={1: (case,)}, check_ins={1: signs}
            ),
            "workers-contradict-answers",
        )
        == []
    )


def test_unknown_employers_flag_the_head_of_the_sites_chain_only():
    found = _evaluate(_unknown(employers=3, unknown=2), "workers-unknown-employer")
    assert [f.supplier_id for f in found] == [1]  # 2 works under 1 on the same site


def test_a_rule_names_the_source_of_its_evidence():
    from supplychain.risk.rules import source_of

    assert [source_of(r) for r in ("answer", "worker-check-in", "chain-depth")] == [
        "answers",
        "workers",
        "structure",
    ]
    assert source_of("a-retired-rule") == ""  # its old flags show no source
