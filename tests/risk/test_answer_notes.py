"""The supplier's note on a risky answer is quoted with the flag the answer raises."""

from __future__ import annotations

from pathlib import Path

from supplychain.questionnaires.loader import load_all, questionnaire_files
from supplychain.questionnaires.sample import plain_answers
from supplychain.resources import resource_dir
from supplychain.risk.engine import evaluate
from supplychain.risk.findings import ResponseFacts
from supplychain.risk.rules import RULES
from tests.risk.builders import chain


def test_a_note_travels_with_the_flag_and_a_safe_answer_raises_none():
    shipped = resource_dir("questionnaires", "questionnaires_data")
    q = load_all(questionnaire_files(Path(shipped))).current["supplier-self-assessment"]
    note = "Keys to the site hut, 20 EUR, paid back on leaving."
    answers = plain_answers(q, {"worker_debts": ["deposit"], "worker_debts_note": note})
    inputs = chain([(0, 1)], responses={1: ResponseFacts(q, answers)})
    [flag] = evaluate(inputs, {"answer": RULES["answer"]})
    assert flag.indicator == "deposits"
    assert [(a["question"], a["answer"]) for a in flag.evidence["answers"]] == [
        ("worker_debts", ["deposit"]),
        ("worker_debts_note", note),
    ]
    safe = plain_answers(q, {"worker_debts": ["none"], "worker_debts_note": note})
    assert "worker_debts_note" not in safe
    quiet = chain([(0, 1)], responses={1: ResponseFacts(q, safe)})
    assert list(evaluate(quiet, {"answer": RULES["answer"]})) == []
