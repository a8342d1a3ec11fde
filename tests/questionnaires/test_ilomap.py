"""The ILO map: built from the files, every indicator evidenced by what happens to workers, and
docs/questionnaires.md showing what the files say."""

from __future__ import annotations

from pathlib import Path

import pytest

from supplychain.questionnaires.ilomap import MAPPED, evidence, table
from supplychain.questionnaires.loader import load_all, questionnaire_files
from supplychain.resources import resource_dir
from supplychain.vocab import IloIndicator

SHIPPED = resource_dir("questionnaires", "questionnaires_data")
DOC = Path(__file__).resolve().parents[2] / "docs" / "questionnaires.md"

# Risk factors: a share of workers, a commercial practice, a missing safeguard or a gap in the
# supplier's own checks. They make exploitation likelier; none says what happens to workers, so
# none may claim an ILO indicator.
RISK_FACTORS = {
    "agency-labour",
    "cash-pay",
    "civil-law-contracts",
    "contract-language",
    "contract-late",
    "deposits",
    "employer-housing",
    "foreign-recruiters",
    "housing-deductions",
    "informal-intermediaries",
    "language-barrier",
    "long-chains",
    "migrant-workers",
    "no-accident-insurance",
    "no-flow-down",
    "no-grievance-channel",
    "no-harassment-procedure",
    "no-occupational-health",
    "no-payslips",
    "no-policy",
    "no-rights-information",
    "no-time-records",
    "no-worker-representation",
    "no-written-contract",
    "not-checked",
    "posted-workers",
    "refuses-audit",
    "registry-gaps",
    "subcontracting",
    "temporary-seasonal-labour",
    "third-country-nationals",
    "tied-permit",
}


@pytest.fixture(scope="module")
def current():
    return load_all(questionnaire_files(Path(SHIPPED))).current


def test_each_of_the_11_indicators_is_evidenced_by_an_answer_about_workers(current):
    found = evidence(current["supplier-self-assessment"])
    assert all(found[indicator] for indicator in IloIndicator), found


@pytest.mark.parametrize("qid", MAPPED)
def test_no_risk_factor_claims_an_ilo_indicator(current, qid):
    claims = [
        (question.id, annotation.indicator, annotation.ilo)
        for question, annotation, _c in current[qid].risk_annotations()
        if annotation.indicator in RISK_FACTORS and annotation.ilo
    ]
    assert claims == []


def test_the_page_shows_the_map_the_files_make(current):
    """Regenerate with `supplychain questionnaires ilo-map` after changing an annotation."""
    assert table(current[qid] for qid in MAPPED) in DOC.read_text(encoding="utf-8")


def test_the_organisations_own_risk_factors_claim_no_ilo_indicator(current):
    """Lowest price, tight deadlines, agency staff: the organisation's exposure, not evidence."""
    q = current["company-risk-assessment"]
    assert [a.ilo for _q, a, _c in q.risk_annotations() if a.ilo] == []
