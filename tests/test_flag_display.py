"""risk.display: the one presenter of flags, read without a database (SQLite app for Babel)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from flask_babel import force_locale

from supplychain.models import Flag, FlagDecision, FlagStatus, Severity
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.risk.display import evidence_lines, flag_rows
from supplychain.risk.findings import SupplierFacts

TODAY = date(2026, 3, 10)
SUPPLIERS = {
    11: SupplierFacts("B-11", "Betons <SIA>", "", "LV", "", False, 8),
    31: SupplierFacts("C-31", "Celtnieks", "", "LV", "", True, 3),
}


def _flag(flag_id: int, supplier_id: int | None, fingerprint: str) -> Flag:
    content = {
        "evidence": {"path": [0, 11, supplier_id or 99]},
        "params": {"tier": 2, "passes": 1},
        "ilo": [],
        "guide": ["subcontracting", "no-such-section"],
    }
    return Flag(
        id=flag_id,
        organisation_id=1,
        fingerprint=fingerprint,
        rule="chain-depth",
        indicator="chain-depth",
        supplier_id=supplier_id,
        severity=Severity.MEDIUM,
        data=json.dumps(content),
        first_run_id=4,
    )


def _decision(fingerprint: str, status: FlagStatus, **fields) -> FlagDecision:
    return FlagDecision(organisation_id=1, fingerprint=fingerprint, status=status, **fields)


def _rows(flags, decisions=(), **kwargs):
    return flag_rows(
        flags,
        suppliers=SUPPLIERS,
        decisions={d.fingerprint: d for d in decisions},
        catalogue=get_catalogue(),
        today=TODAY,
        **kwargs,
    )


def test_rows_keep_the_order_given_and_name_suppliers_as_the_run_read_them(form_app):
    with form_app.app_context():
        rows = _rows([_flag(2, 31, "b"), _flag(1, 11, "a"), _flag(3, 77, "c")], live={31})
        dues = [r.due for r in rows]
    assert [r.id for r in rows] == [2, 1, 3]
    first = rows[0]
    assert (first.title, first.severity, first.first_run_id) == (
        "Work passed far down the chain",
        "medium",
        4,
    )
    assert first.supplier == "Celtnieks (C-31)" and first.linked
    assert first.details["path"] == ["your organisation", "Betons <SIA> (B-11)", "Celtnieks (C-31)"]
    assert first.evidence == ("your organisation → Betons <SIA> (B-11) → Celtnieks (C-31)",)
    assert not rows[1].linked  # its supplier changed since the run
    unknown = rows[2]  # a supplier the run's facts do not hold: named by its id, not linked
    assert (unknown.supplier_code, unknown.supplier_name, unknown.supplier) == ("", "", "")
    assert unknown.details["path"][-1] == "#77"
    assert all(r.status == "open" and not r.overdue for r in rows) and dues == ["", "", ""]
    assert all(r.sections == () and r.guide == ("subcontracting", "no-such-section") for r in rows)


def test_decisions_are_shown_with_overdue_and_pending_dismissals(form_app):
    late = _decision("a", FlagStatus.MITIGATING, owner="Anna", due_date=TODAY - timedelta(days=1))
    on_time = _decision("b", FlagStatus.MITIGATING, due_date=TODAY)
    proposed = _decision(
        "c", FlagStatus.ACKNOWLEDGED, proposed_at=datetime(2026, 3, 9), proposed_note="a mistake"
    )
    with form_app.app_context():
        rows = _rows(
            [_flag(1, 11, "a"), _flag(2, 11, "b"), _flag(3, 11, "c")], [late, on_time, proposed]
        )
        due = rows[0].due
    assert (rows[0].status, rows[0].owner, rows[0].overdue) == ("mitigating", "Anna", True)
    assert due == "Mar 9, 2026"  # formatted in the language in force
    assert (rows[1].status, rows[1].overdue) == ("mitigating", False)  # due today: not late
    assert (rows[2].status, rows[2].dismissal_pending) == ("acknowledged", True)
    assert rows[2].dismissal_proposed == "a mistake"
    assert not rows[0].dismissal_pending and rows[0].dismissal_proposed == ""


def test_sections_are_found_by_the_lookup_given_and_unknown_ones_left_out(form_app):
    found = {"subcontracting": ("subcontracting", "Subcontracting")}
    with form_app.app_context():
        [row] = _rows([_flag(1, 31, "a")], sections=found.get)
    assert row.sections == (("subcontracting", "Subcontracting"),)


def test_rows_speak_the_language_in_force(form_app):
    with form_app.app_context():
        [english] = _rows([_flag(1, 31, "a")])
        with force_locale("lv"):
            [latvian] = _rows([_flag(1, 31, "a")])
    assert latvian.title != english.title and latvian.message != english.message
    assert latvian.details["path"][0] != "your organisation"


def test_evidence_lines_quote_answers_and_facts(form_app):
    evidence = {
        "suppliers": ["A (1)", "B (2)"],
        "answers": [{"question": "Agencies?", "answer": []}, {"question": "Who?", "answer": "X"}],
        "facts": {"tier": 2, "source": None},
    }
    with form_app.app_context():
        lines = evidence_lines(evidence)
    assert lines == (
        "Companies concerned: A (1), B (2)",
        "Agencies? — (none)",
        "Who? — X",
        "Country tier: 2 · Source: —",
    )
