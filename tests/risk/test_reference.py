"""Reference data for the labour-cost, sector and cross-border rules: the shipped files load
and add up, and a bad edit is refused with the file's name."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from supplychain.reference.risk_factors import (
    HIGH_RISK_SECTORS_FILE,
    LABOUR_COSTS_FILE,
    LabourCost,
    ReferenceDataError,
    SectorFloor,
    country_tier,
    country_tiers,
    figures_move,
    high_risk_sectors,
    labour_costs,
    load_country_tiers,
    load_high_risk_sectors,
    load_labour_costs,
    sector_match,
)

REQUIRED = {"LV", "LT", "EE", "PL", "BG", "RO", "FI", "SE", "DE"}
NO_STATUTORY_MINIMUM = {"FI", "SE", "DK", "NO"}
TOOLKIT = "Navigating through your supply chain"


def cost(**overrides: object) -> LabourCost:
    values: dict[str, object] = {
        "country": "XX",
        "currency": "EUR",
        "minimum_wage": Decimal("1000"),
        "period": "month",
        "hours_per_month": Decimal("160"),
        "employer_contributions_percent": Decimal("25"),
        "eur_rate": Decimal("1"),
        "valid_from": date(2026, 1, 1),
        "source": "test",
        "checked": date(2026, 11, 23),
        "note": "test",
    }
    return LabourCost(**{**values, **overrides})  # type: ignore[arg-type]


# --- labour costs -----------------------------------------------------------------------


def test_every_country_loads():
    costs = labour_costs()
    assert REQUIRED <= costs.keys()
    assert NO_STATUTORY_MINIMUM <= costs.keys()
    for code, entry in costs.items():
        assert entry.country == code
        assert entry.checked == date(2026, 11, 23)
        assert entry.source and entry.note


def test_data_sits_in_the_package():
    """supplychain/data is packaged, so the wheel carries both files."""
    package = Path(__file__).resolve().parents[2] / "supplychain"
    assert LABOUR_COSTS_FILE.parent == package / "data"
    assert LABOUR_COSTS_FILE.is_file() and HIGH_RISK_SECTORS_FILE.is_file()


def test_latvia_hand_checked():
    """LV 2026: EUR 780 a month over the 1,994 normal hours of 2026 (166.17 h a month on
    average, 152 to 184 in a month), plus the employer's 23.59 % VSAOI for the labour cost; the
    construction agreement's EUR 5.57 an hour for wages in NACE F."""
    lv = labour_costs()["LV"]
    assert (lv.minimum_wage, lv.period, lv.hours_per_month) == (780, "month", Decimal("166.17"))
    assert lv.employer_contributions_percent == Decimal("23.59")
    expected = Decimal(780) / Decimal("166.17") * Decimal("1.2359")
    assert lv.hourly_eur is not None
    assert abs(lv.hourly_eur - expected) < Decimal("1e-20")
    assert round(lv.hourly_wage_eur, 2) == Decimal("4.69")  # the wage alone, no contributions
    assert round(lv.lowest_hourly_wage_eur, 2) == Decimal("4.24")  # July's 184 hours
    [construction] = lv.sector_floors
    assert (construction.nace, construction.hourly_wage_eur) == ("F", Decimal("5.57"))
    assert construction.valid_from == date(2024, 1, 1) and construction.checked
    assert construction.applies("F43.33", date(2026, 12, 1))
    assert construction.applies("43.33", date(2026, 12, 1))  # the section letter may be left out
    assert not construction.applies("N81.21", date(2026, 12, 1))
    assert not construction.applies("F43.33", date(2023, 12, 31))  # not yet in force
    assert lv.in_force(date(2026, 1, 1)) and not lv.in_force(date(2025, 12, 31))
    assert not labour_costs()["DE"].in_force(date(2027, 1, 1))  # EUR 14.60 from 2027: update


def test_hourly_eur_from_a_monthly_wage_in_another_currency():
    entry = cost(currency="PLN", eur_rate=Decimal("0.25"), eur_rate_date=date(2026, 5, 8))
    assert entry.hourly_eur == Decimal("1000") / 160 * Decimal("1.25") * Decimal("0.25")


def test_hourly_eur_from_an_hourly_wage_ignores_hours_per_month():
    entry = cost(minimum_wage=Decimal("12"), period="hour", hours_per_month=None)
    assert entry.hourly_eur == Decimal("15")


@pytest.mark.parametrize(
    "overrides",
    [
        {"minimum_wage": None},
        {"employer_contributions_percent": None},
        {"period": None},
        {"hours_per_month": None},  # monthly wage with nothing to divide by
    ],
)
def test_hourly_eur_is_none_without_what_it_needs(overrides):
    assert cost(**overrides).hourly_eur is None


def test_countries_without_a_statutory_minimum_give_none():
    for code in NO_STATUTORY_MINIMUM:
        entry = labour_costs()[code]
        assert entry.minimum_wage is None and entry.hourly_eur is None
        assert "collective agreement" in entry.note
        assert "skips" in entry.note  # the rule says why it says nothing


def test_figures_move_on_the_days_they_start_and_after_the_days_they_end():
    """An assessment on a later day reads other floors only where one starts or ends between."""
    floor = SectorFloor(
        "F", Decimal("5"), date(2026, 7, 1), date(2026, 9, 30), "test", date(2026, 6, 1), "test"
    )
    costs = {"XX": cost(valid_to=date(2026, 12, 31), sector_floors=(floor,))}
    moves = [
        ((2026, 6, 30), (2026, 7, 1)),  # the floor starts
        ((2026, 9, 30), (2026, 10, 1)),  # it ended the day before
        ((2026, 12, 31), (2027, 1, 2)),  # the minimum wage ended
        ((2025, 12, 31), (2026, 1, 1)),  # it starts
    ]
    for after, until in moves:
        assert figures_move(costs, date(*after), date(*until)), (after, until)
    for after, until in [((2026, 7, 1), (2026, 9, 30)), ((2026, 10, 1), (2026, 12, 31))]:
        assert not figures_move(costs, date(*after), date(*until)), (after, until)
    assert not figures_move({"XX": cost(valid_from=None)}, date(2020, 1, 1), date(2030, 1, 1))


def test_eur_rates_are_positive_and_dated():
    for entry in labour_costs().values():
        assert entry.eur_rate > 0
        if entry.currency == "EUR":
            assert entry.eur_rate == 1
        else:
            assert entry.eur_rate_date is not None


def test_hourly_costs_are_plausible():
    """Catches a rate entered the wrong way round or a monthly wage marked hourly."""
    for code, entry in labour_costs().items():
        if entry.minimum_wage is not None:
            assert entry.hourly_eur is not None
            assert Decimal(2) < entry.hourly_eur < Decimal(30), code


# --- high-risk sectors ------------------------------------------------------------------


def test_every_sector_family_of_the_sources_is_present():
    codes = {s.nace for s in high_risk_sectors()}
    # construction, cleaning, catering/restaurants, hotels, agriculture, forestry, berry
    # picking, agencies (temporary work, labour hire, placement)
    assert {"F", "N81.2", "I56", "I55", "A01", "A02", "A02.30", "N78.1", "N78.2", "N78.3"} <= codes
    # Logistics is named by no source (issue 20): it is not claimed as high risk.
    assert not {c for c in codes if c.startswith("H")}
    toolkit_named = {s.nace for s in high_risk_sectors() if any(TOOLKIT in x for x in s.sources)}
    assert {"F", "N81.2", "I56", "A01", "A02"} <= toolkit_named
    for sector in high_risk_sectors():
        assert sector.labels["en"] and sector.labels["lv"] and sector.sources


@pytest.mark.parametrize(
    ("code", "matched"),
    [
        ("F41.20", "F"),
        ("F", "F"),
        ("41.20", "F"),
        ("n81.21", "N81.2"),
        ("A02", "A02"),
        ("A02.10", "A02"),
        ("A02.30", "A02.30"),  # the more specific entry wins over A02
        ("N78.20", "N78.2"),
        ("I56.10", "I56"),
        ("H49.41", None),  # logistics: no source names it
        ("H52.10", None),
        ("I55.10", "I55"),  # hotels
        ("N78.10", "N78.1"),  # placement agencies
        ("J62", None),
        ("J62.01", None),
        ("", None),
    ],
)
def test_sector_match(code, matched):
    found = sector_match(code)
    assert (found.nace if found else None) == matched


# --- country tiers ---------------------------------------------------------------------


def test_country_tiers_hold_the_eu_the_eea_and_switzerland():
    tiers = country_tiers()
    assert len([c for c, t in tiers.items() if t.name == "EU member states"]) == 27
    assert {"LV", "EE", "FI", "LT", "PL", "BG", "NO", "IS", "LI", "CH"} <= set(tiers)
    assert {t.tier for t in tiers.values()} == {"eu-eea"}
    assert all(t.source and t.checked for t in tiers.values())
    assert country_tier(" fi ") is not None
    # Third countries are those in no list, the United Kingdom since 2020 among them.
    assert [country_tier(c) for c in ("UA", "UZ", "BY", "GB", "")] == [None] * 5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- {name: A, tier: eu-eea, countries: [XX], source: s, checked: 2026-12-07}\n", "XX"),
        ("- {name: A, tier: eu-eea, countries: [], source: s, checked: 2026-12-07}\n", "countries"),
        ("- {name: A, tier: corridor, countries: [UA], source: s, checked: 2026-12-07}\n", "tier"),
        ("- {name: A, tier: eu-eea, countries: [LV], checked: 2026-12-07}\n", "source"),
        (
            "- {name: A, tier: eu-eea, countries: [LV], source: s, checked: 2026-12-07}\n"
            "- {name: B, tier: eu-eea, countries: [LV], source: s, checked: 2026-12-07}\n",
            "LV is in two lists",
        ),
    ],
)
def test_a_bad_country_tier_file_is_refused_with_its_name(tmp_path, text, message):
    with pytest.raises(ReferenceDataError) as caught:
        load_country_tiers(write(tmp_path, "country_tiers.yaml", text))
    assert str(caught.value).startswith("country_tiers.yaml: ")
    assert message in str(caught.value)


# --- bad edits --------------------------------------------------------------------------

LV_ENTRY = """\
- country: LV
  currency: EUR
  minimum_wage: 780
  period: month
  hours_per_month: 173.33
  employer_contributions_percent: 23.59
  eur_rate: 1
  eur_rate_date: null
  valid_from: 2026-01-01
  source: test
  checked: 2026-11-23
  note: test
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_loads(tmp_path):
    costs = load_labour_costs(write(tmp_path, "labour_costs.yaml", LV_ENTRY))
    assert costs["LV"].hourly_eur is not None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (LV_ENTRY + "  wage_note: extra\n", "wage_note"),
        (LV_ENTRY.replace("minimum_wage: 780", 'minimum_wage: "780"'), "not text"),
        (LV_ENTRY.replace("  hours_per_month: 173.33\n", ""), "hours_per_month"),
        (LV_ENTRY.replace("hours_per_month: 173.33", "hours_per_month: null"), "hours_per_month"),
        (LV_ENTRY.replace("eur_rate: 1", "eur_rate: 0.5"), "eur_rate"),
        (LV_ENTRY.replace("currency: EUR", "currency: PLN"), "eur_rate_date"),
        (LV_ENTRY.replace("country: LV", "country: XX"), "ISO 3166"),
        (LV_ENTRY.replace("period: month", "period: week"), "period"),
        (LV_ENTRY + "  hours_per_month_max: 150\n", "hours_per_month_max"),
        (LV_ENTRY + "  sector_floors: [{nace: Q99, hourly_wage_eur: 5}]\n", "Q99"),
        (
            LV_ENTRY
            + "  sector_floors:\n    - {nace: F, hourly_wage_eur: '5.57', valid_from: 2024-01-01,"
            + " valid_to: null, source: s, checked: 2026-12-07, note: n}\n",
            "not text",
        ),
        (LV_ENTRY + "  month_hours: {2026: [168, 160]}\n", "month_hours.2026"),
        (
            LV_ENTRY.replace("period: month", "period: hour")
            + f"  month_hours: {{2026: [{', '.join(['160'] * 12)}]}}\n",
            "only for a monthly minimum",
        ),
        (LV_ENTRY + LV_ENTRY, "LV appears twice"),
        ("country: LV\n", "list"),
        ("- [unclosed\n", "labour_costs.yaml"),
    ],
)
def test_a_bad_labour_cost_file_is_refused_with_its_name(tmp_path, text, message):
    with pytest.raises(ReferenceDataError) as caught:
        load_labour_costs(write(tmp_path, "labour_costs.yaml", text))
    assert str(caught.value).startswith("labour_costs.yaml: ")
    assert message in str(caught.value)


def test_the_faulty_entry_is_named(tmp_path):
    text = LV_ENTRY + LV_ENTRY.replace("LV", "EE").replace("780", "-1")
    with pytest.raises(ReferenceDataError, match=r"entry 2 \(EE\): minimum_wage"):
        load_labour_costs(write(tmp_path, "labour_costs.yaml", text))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- {nace: F99, label: {en: X, lv: X}, sources: [a]}\n", "F99 is not a NACE"),
        ("- {nace: F, label: {en: X, lv: X}, sources: []}\n", "sources"),
        ("- {nace: F, label: {en: X, lv: X}, sources: [a], note: b}\n", "note"),
        (
            "- {nace: F, label: {en: X, lv: X}, sources: [a]}\n"
            "- {nace: F, label: {en: Y, lv: Y}, sources: [b]}\n",
            "twice",
        ),
    ],
)
def test_a_bad_sector_file_is_refused_with_its_name(tmp_path, text, message):
    with pytest.raises(ReferenceDataError) as caught:
        load_high_risk_sectors(write(tmp_path, "high_risk_sectors.yaml", text))
    assert str(caught.value).startswith("high_risk_sectors.yaml: ")
    assert message in str(caught.value)


def test_a_missing_file_is_refused_with_its_name(tmp_path):
    with pytest.raises(ReferenceDataError, match="^nowhere.yaml: "):
        load_high_risk_sectors(tmp_path / "nowhere.yaml")
