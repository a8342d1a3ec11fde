"""Every structural rule on small hand-built chains: firing, not firing, and its evidence."""

from __future__ import annotations

from datetime import timedelta

from supplychain.models import Severity
from supplychain.risk import texts
from supplychain.risk.engine import evaluate
from supplychain.risk.findings import InvitationFacts
from supplychain.risk.rules import RULES
from tests.risk.builders import NOW, chain


def flags(inputs, rule_id, **overrides):
    return [f for f in evaluate(inputs, {rule_id: RULES[rule_id]}, {rule_id: overrides})]


def test_chain_depth_from_tier_three_high_from_four():
    inputs = chain([(0, 1), (1, 2), (2, 3), (3, 4), (0, 5)])
    found = {f.supplier_id: f for f in flags(inputs, "chain-depth")}
    assert set(found) == {3, 4}
    assert found[3].severity == Severity.MEDIUM and found[4].severity == Severity.HIGH
    assert found[4].evidence == {"path": [0, 1, 2, 3, 4]}
    assert "tier 4" in texts.explain(found[4])
    # A shortcut from the organisation brings the tier, and the flag, down.
    assert flags(chain([(0, 1), (1, 2), (2, 3), (0, 3)]), "chain-depth") == []
    # Thresholds are the organisation's to set.
    assert {f.supplier_id for f in flags(inputs, "chain-depth", medium_from=2)} == {2, 3, 4}


def test_labour_hire_at_tier_one_and_deeper():
    inputs = chain(
        [(0, 1, "labour_hire"), (0, 2), (2, 3, "labour_hire"), (2, 4)],
        suppliers={4: {"is_agency": True}},
    )
    direct = flags(inputs, "labour-hire")
    assert [(f.supplier_id, f.evidence) for f in direct] == [(1, {"path": [0, 1]})]
    deep = sorted(flags(inputs, "labour-hire-deep"), key=lambda f: f.supplier_id)
    assert [(f.supplier_id, f.evidence["path"]) for f in deep] == [(3, [0, 2, 3]), (4, [0, 2, 4])]
    assert all(f.severity == Severity.HIGH for f in deep)
    assert flags(chain([(0, 1), (1, 2)]), "labour-hire") == []
    assert flags(chain([(0, 1), (1, 2)]), "labour-hire-deep") == []


def test_intermediary_chain():
    inputs = chain(
        [(0, 1), (1, 2, "labour_hire"), (2, 3, "labour_hire")],
        suppliers={2: {"is_agency": True}, 3: {"is_agency": True}},
    )
    found = flags(inputs, "intermediary-chain")
    assert {tuple(f.evidence["path"]) for f in found} == {(0, 1, 2, 3)}
    assert found[0].supplier_id == 3
    assert flags(chain([(0, 1), (1, 2, "labour_hire")]), "intermediary-chain") == []


def test_chain_cycle_flags_each_member_with_the_loop():
    inputs = chain([(0, 1), (1, 2), (2, 3), (3, 1), (0, 4)])
    found = flags(inputs, "chain-cycle")
    assert sorted(f.supplier_id for f in found) == [1, 2, 3]
    loop = found[0].evidence["path"]
    assert loop[0] == loop[-1] and set(loop) == {1, 2, 3}
    assert flags(chain([(0, 1), (1, 2)]), "chain-cycle") == []


def test_pass_through_by_share_of_workers_or_by_staff():
    inputs = chain(
        [
            (0, 1, "subcontract", 20),
            (1, 2, "subcontract", 19),
            (0, 3, "subcontract", 20),
            (3, 4, "subcontract", 5),
            (0, 5),
            (5, 6),
        ],
        suppliers={5: {"employees": 0}},
    )
    found = {f.supplier_id: f for f in flags(inputs, "pass-through")}
    assert set(found) == {1, 5}
    assert found[1].evidence == {"facts": {"workers_in": 20, "workers_out": 19, "employees": 10}}


def test_no_response_after_the_deadline_and_unassessed():
    invitations = {
        1: InvitationFacts(NOW - timedelta(days=1), submitted=False, revoked=False),
        2: InvitationFacts(NOW + timedelta(days=1), submitted=False, revoked=False),
        3: InvitationFacts(NOW - timedelta(days=1), submitted=True, revoked=False),
    }
    inputs = chain([(0, 1), (0, 2), (0, 3), (0, 4)], invitations=invitations)
    late = flags(inputs, "no-response")
    assert [(f.supplier_id, f.evidence) for f in late] == [
        (1, {"facts": {"deadline": "2026-11-22"}})
    ]
    assert [f.supplier_id for f in flags(inputs, "unassessed")] == [4]


def test_cross_border_from_your_country_and_between_suppliers():
    inputs = chain(
        [(0, 1), (1, 2), (0, 3, "supply")],
        suppliers={1: {"country": "LV"}, 2: {"country": "UA"}, 3: {"country": "DE"}},
    )
    found = flags(inputs, "cross-border")
    assert [(f.supplier_id, f.evidence["facts"]["country"]) for f in found] == [(2, "UA")]
    assert found[0].evidence["facts"]["buyer_country"] == "LV"
    abroad = chain([(0, 1)], suppliers={1: {"country": "EE"}}, home_country="LV")
    assert [f.supplier_id for f in flags(abroad, "cross-border")] == [1]
    assert (
        flags(chain([(0, 1)], suppliers={1: {"country": "EE"}}, home_country=""), "cross-border")
        == []
    )


def _border(country, home="LV"):
    """The one cross-border flag on a company of country working for an organisation in home."""
    inputs = chain([(0, 1)], suppliers={1: {"country": country}}, home_country=home)
    return flags(inputs, "cross-border")


def test_cross_border_tiers_for_a_latvian_organisation():
    """Finland is not Uzbekistan: an EU/EEA neighbour is low, a third country medium."""
    for country in ("FI", "EE", "NO", "CH"):
        (flag,) = _border(country)
        assert flag.severity == Severity.LOW, country
        facts = flag.evidence["facts"]
        assert facts["tier"] == "eu-eea" and "checked" not in facts  # see the rule
        assert facts["source"].startswith(("European Union", "Agreement")), country
        assert flag.ilo == ()  # a country alone claims no ILO indicator
    for country in ("UA", "UZ", "BY"):
        (flag,) = _border(country)
        assert flag.severity == Severity.MEDIUM, country
        assert flag.evidence["facts"]["tier"] == "third-country"
        assert "country_tiers.yaml" in flag.evidence["facts"]["source"]
        assert flag.ilo == ()
    assert _border("LV") == []
    # A Latvian company working for a Ukrainian buyer crosses out of the EU too.
    (flag,) = _border("LV", home="UA")
    assert flag.severity == Severity.MEDIUM


def test_fingerprints_are_stable_and_distinct():
    inputs = chain([(0, 1), (1, 2), (2, 3)])
    first = [f.fingerprint for f in evaluate(inputs)]
    assert first == [f.fingerprint for f in evaluate(inputs)]
    assert len(set(first)) == len(first)


def _priced_at(per_hour: float, n: int = 1) -> tuple:
    return (0, n, "subcontract", 5, per_hour * 1000, 1000)


def _with_work_country(inputs, countries: dict[int, str]):
    """inputs with the links to the given children done in another country."""
    from dataclasses import replace

    links = {
        edge: link._replace(work_country=countries.get(edge[1], link.work_country))
        for edge, link in inputs.links.items()
    }
    return replace(inputs, links=links)


def test_labour_cost_is_judged_by_the_floor_where_the_work_is_done():
    from supplychain.risk.structural_rules import floors_unknown

    # On a Latvian site (the organisation's country), whatever the supplier's own country.
    countries = {1: "BG", 2: "UA", 3: "LV", 4: "EE", 5: "FI", 6: "LV"}
    prices = {1: 5.00, 2: 2.00, 3: 7.00, 4: 7.00, 5: 7.00, 6: 7.00}
    inputs = chain(
        [_priced_at(prices[n], n) for n in countries],
        suppliers={n: {"country": c} for n, c in countries.items()},
        home_country="LV",
    )
    # The Latvian company's work is in Finland: Finland has no statutory minimum wage.
    inputs = _with_work_country(inputs, {6: "FI"})
    found = {f.supplier_id: f for f in flags(inputs, "labour-cost-below-minimum")}
    assert set(found) == {1, 2}
    facts = found[1].evidence["facts"]
    assert facts["country"] == "LV" and facts["supplier_country"] == "BG"
    assert facts["per_hour_eur"] == "5.00" and facts["minimum_eur"] == "5.80"
    assert found[2].evidence["facts"]["supplier_country"] == "UA"
    assert "LV" in texts.explain(found[2])
    # No floor is known in Finland: no flag, but it is said, never silent.
    assert floors_unknown(inputs) == {"FI": 1}


def test_the_latvian_floor_uses_the_normal_hours_of_a_month_not_173_hours():
    from supplychain.reference.risk_factors import labour_costs

    lv = labour_costs()["LV"]
    by_month_hours = 780 / 166.17 * 1.2359  # 5.80: the monthly minimum over 2026's average month
    assert abs(float(lv.hourly_eur) - by_month_hours) < 0.005
    # 5.70 is above 780 / 173.33 h with contributions (5.56) but below the lawful floor.
    inputs = chain([_priced_at(5.70)], home_country="LV")
    [found] = flags(inputs, "labour-cost-below-minimum")
    assert found.evidence["facts"]["minimum_eur"] == "5.80"


def test_a_contract_with_dates_is_judged_by_the_normal_hours_of_its_months():
    from dataclasses import replace
    from datetime import date

    def dated(inputs, dates):
        links = {
            edge: link._replace(start_date=dates[edge[1]][0], end_date=dates[edge[1]][1])
            for edge, link in inputs.links.items()
        }
        return replace(inputs, links=links)

    # 2026: May has 152 normal hours (EUR 6.34 a labour hour), July 184 (EUR 5.24); May to
    # July 495 hours over three months (EUR 5.84); the year's average month gives EUR 5.80.
    inputs = chain([_priced_at(6.00, 1), _priced_at(6.00, 2), _priced_at(5.82, 3)])
    inputs = dated(
        inputs,
        {
            1: (date(2026, 5, 4), date(2026, 5, 29)),
            2: (date(2026, 7, 1), date(2026, 7, 31)),
            3: (date(2026, 5, 15), date(2026, 7, 15)),
        },
    )
    found = {f.supplier_id: f for f in flags(inputs, "labour-cost-below-minimum")}
    assert set(found) == {1, 3}  # all three are above the average month's floor
    may = found[1].evidence["facts"]
    assert (may["minimum_eur"], may["months"], may["normal_hours"]) == (
        "6.34",
        "2026-05 – 2026-05",
        "152",
    )
    spring = found[3].evidence["facts"]
    assert (spring["minimum_eur"], spring["normal_hours"]) == ("5.84", "495")
    # Months the figures do not give (2025) fall back on the year's average month.
    inputs = dated(chain([_priced_at(5.70)]), {1: (date(2025, 11, 1), date(2026, 2, 28))})
    [found] = flags(inputs, "labour-cost-below-minimum")
    facts = found.evidence["facts"]
    assert (facts["minimum_eur"], facts["average_month_hours"]) == ("5.80", "166.17")
    assert "months" not in facts


def test_a_sector_floor_applies_to_its_nace_codes_only():
    # Latvian construction: EUR 5.57 an hour plus 23.59% contributions = 6.88 a labour hour.
    inputs = chain(
        [_priced_at(6.50, 1), _priced_at(6.50, 2)],
        suppliers={1: {"sector": "F43.99"}, 2: {"sector": "J62.01"}},
        home_country="LV",
    )
    [found] = flags(inputs, "labour-cost-below-minimum")
    assert found.supplier_id == 1
    facts = found.evidence["facts"]
    assert facts["minimum_eur"] == "6.88" and facts["floor_nace"] == "F"


def test_no_floor_known_for_the_work_country_is_recorded_not_flagged():
    from supplychain.risk.structural_rules import floors_unknown

    inputs = chain(
        [_priced_at(1.00, 1), _priced_at(1.00, 2), _priced_at(1.00, 3), (0, 4)],
        suppliers={n: {"country": "UZ"} for n in (1, 2, 3, 4)},
        home_country="UZ",
    )
    inputs = _with_work_country(inputs, {3: "LV"})
    [found] = flags(inputs, "labour-cost-below-minimum")
    assert found.supplier_id == 3 and found.evidence["facts"]["country"] == "LV"
    # Link 4 has no price: nothing to judge, so nothing to report missing.
    assert floors_unknown(inputs) == {"UZ": 2}


def test_high_risk_sector_by_nace_code(form_app):
    inputs = chain(
        [(0, 1), (0, 2), (0, 3)],
        suppliers={1: {"sector": "F43.99"}, 2: {"sector": "J62.01"}, 3: {"sector": "N81.21"}},
    )
    found = {f.supplier_id: f for f in flags(inputs, "high-risk-sector")}
    assert set(found) == {1, 3}
    assert found[3].evidence["facts"]["matched"].startswith("N81.2")
    with form_app.test_request_context():
        assert "cleaning" in texts.explain(found[3])


def test_pass_through_reads_the_declared_headcount_and_says_so():
    from supplychain.risk.findings import ResponseFacts
    from tests.risk.test_rule_cases import self_assessment

    edges = [(0, 1), (1, 2, "subcontract", 64), (1, 3, "subcontract", 64)]
    # The chain alone: no workers on its contract recorded, 10 employees: not judged.
    assert flags(chain(edges), "pass-through") == []
    declared = {"contract_workers": 40, "own_employees": 40}
    response = ResponseFacts(self_assessment(), declared)
    [found] = flags(chain(edges, responses={1: response}), "pass-through")
    assert found.evidence["facts"] == {
        "declared_workers": 40,
        "workers_out": 128,
        "declared_employees": 40,
    }
    assert [a["question"] for a in found.evidence["answers"]] == [
        "contract_workers",
        "own_employees",
    ]
    sentence = texts.explain(found)
    assert "declared 40 workers" in sentence and "bring 128" in sentence
    # An answer the map agrees with raises nothing.
    honest = ResponseFacts(self_assessment(), {"contract_workers": 300})
    assert flags(chain(edges, responses={1: honest}), "pass-through") == []


def test_unknown_subcontracting_on_the_supplier_that_named_it():
    inputs = chain(
        [(0, 1), (0, 4)],
        suppliers={2: {"name": "Roka SIA", "code": "P-D1"}, 3: {}},
        disclosed={1: ((2, "labour_hire"), (3, "subcontract"))},
    )
    found = flags(inputs, "unknown-subcontracting")
    assert [(f.supplier_id, f.evidence, f.severity) for f in found] == [
        (1, {"suppliers": [2]}, Severity.HIGH),
        (1, {"suppliers": [3]}, Severity.HIGH),
    ]
    assert found[0].ilo == ()  # a risk factor, not an ILO indicator
    assert "Roka SIA (P-D1)" in texts.explain(found[0])
    assert "agency" in texts.explain(found[0])
    assert "subcontractor" in texts.explain(found[1])


def test_pass_through_of_two_suppliers_with_the_same_figures_gives_each_its_flag():
    edges = [(0, 1, "subcontract", 20), (1, 2, "subcontract", 19)]
    edges += [(0, 3, "subcontract", 20), (3, 4, "subcontract", 19)]
    found = flags(chain(edges), "pass-through")
    assert [(f.supplier_id, f.evidence, f.params) for f in found] == [
        (n, {"facts": {"workers_in": 20, "workers_out": 19, "employees": 10}}, {"children": 1})
        for n in (1, 3)
    ]


def test_pass_through_takes_from_the_chain_the_headcount_not_declared():
    from supplychain.risk.findings import ResponseFacts
    from tests.risk.test_rule_cases import self_assessment

    edges = [(0, 1, "subcontract", 20), (1, 2, "subcontract", 64), (1, 3, "subcontract", 64)]

    def facts(declared):
        response = ResponseFacts(self_assessment(), declared)
        [found] = flags(chain(edges, responses={1: response}), "pass-through")
        return found.evidence["facts"]

    assert facts({"own_employees": 1}) == {
        "workers_in": 20,
        "workers_out": 128,
        "declared_employees": 1,
    }
    assert facts({"contract_workers": 40}) == {
        "declared_workers": 40,
        "workers_out": 128,
        "employees": 10,
    }


def test_an_hourly_minimum_wage_needs_no_hours_of_a_month():
    # Lithuania's minimum is hourly (EUR 7.05) plus 1.77% contributions: 7.17 a labour hour.
    [found] = flags(chain([_priced_at(5.00)], home_country="LT"), "labour-cost-below-minimum")
    facts = found.evidence["facts"]
    assert (facts["country"], facts["minimum_eur"]) == ("LT", "7.17")
    assert not {"average_month_hours", "months", "normal_hours"} & set(facts)
    assert flags(chain([_priced_at(8.00)], home_country="LT"), "labour-cost-below-minimum") == []


def test_a_supplier_of_goods_below_is_not_an_undisclosed_subcontractor():
    from tests.risk.test_rule_cases import answered

    RULE = "undisclosed-subcontracting"

    said_no = answered({"uses_subcontractors": "no", "uses_agencies": "no"}).responses
    assert flags(chain([(0, 1), (1, 2, "supply")], responses=said_no), RULE) == []
    [found] = flags(chain([(0, 1), (1, 2)], responses=said_no), RULE)
    assert found.params == {"reason": "denied", "kind": "subcontractors", "n": 1}


DISCLOSURE_ONLY = """\
id: names
version: 1
title: {en: Names, lv: Vārdi}
languages: [en, lv]
sections:
  - id: chain
    title: {en: Chain, lv: Ķēde}
    questions:
      - id: subcontractors
        type: table
        required: false
        disclosure: subcontractors
        text: {en: Name your subcontractors, lv: Nosauciet apakšuzņēmējus}
        columns:
          - {id: name, type: text, text: {en: Name, lv: Nosaukums}}
          - {id: registration_no, type: text, text: {en: Reg. no., lv: Reģ. nr.}}
          - {id: country, type: country, text: {en: Country, lv: Valsts}}
          - {id: email, type: email, text: {en: Email, lv: E-pasts}}
"""


def test_a_disclosure_table_asked_of_everyone_left_empty_names_no_one():
    from supplychain.questionnaires.loader import parse_questionnaire
    from supplychain.risk.findings import ResponseFacts

    questionnaire = parse_questionnaire(DISCLOSURE_ONLY, "names.yaml")
    response = ResponseFacts(questionnaire, {"subcontractors": []})
    [found] = flags(chain([(0, 1)], responses={1: response}), "undisclosed-subcontracting")
    assert found.params == {"reason": "none-named", "kind": "subcontractors", "n": 0}
    assert [a["question"] for a in found.evidence["answers"]] == ["subcontractors"]
