"""The shipped screening packs validate; a pack is chosen by country; items by kind and sector;
bad pack data is refused with a message naming the file and the entry."""

from __future__ import annotations

from datetime import date

import pytest

from supplychain.screening.packs import PACKS_FILE, PackError, add_months, load_packs, shipped


def test_the_shipped_packs_load_latvian_first_then_finnish_then_general():
    packs = load_packs(PACKS_FILE)
    assert [p.id for p in packs.packs] == ["lv", "fi", "general"]
    for pack in packs.packs:
        for item in pack.items:
            assert item.title.en and item.title.lv and item.check.en and item.check.lv
            assert item.source and item.checked <= date.today()


@pytest.mark.parametrize(
    ("country", "pack"),
    [("LV", "lv"), ("lv", "lv"), ("FI", "fi"), ("EE", "general"), ("", "general")],
)
def test_the_pack_is_chosen_by_the_partners_country(country, pack):
    assert shipped().for_country(country).id == pack


def test_items_apply_by_kind_and_sector():
    latvian = shipped().for_country("LV")
    ids = lambda **kw: [i.id for i in latvian.items_for(**kw)]  # noqa: E731
    common = ["enterprise-register", "vat-register", "tax-debtors"]
    assert ids(is_agency=False, sector="C10.1") == common
    assert ids(is_agency=True, sector="N78.2") == [*common, "nva-agency-register"]
    assert ids(is_agency=False, sector="F41.2") == [*common, "edlus"]
    assert ids(is_agency=False, sector="") == common
    finnish = shipped().for_country("FI")
    assert len(finnish.items_for(is_agency=False, sector="F")) == 7
    assert all(i.valid_months == 3 and i.valid_basis == "law" for i in finnish.items)
    general = shipped().general
    assert "agency-licence" in [i.id for i in general.items_for(is_agency=True, sector="")]


def test_validity_runs_from_the_day_of_the_check():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    item = shipped().for_country("LV").item("enterprise-register")
    assert item.valid_until(date(2026, 3, 1)) == date(2027, 3, 1)


GOOD_ITEM = """
    - id: a
      title: {en: A, lv: A}
      check: {en: Check A, lv: Pārbaudiet A}
      source: {en: our own, lv: mūsu pašu}
      checked: 2026-12-07
      applies: all
      valid_months: 12
      valid_basis: ours
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "- id: general\n  countries: []\n  name: {en: G, lv: G}\n  basis: {en: B, lv: B}\n"
            "  items:" + GOOD_ITEM.replace("applies: all", "applies: Z99"),
            "pack general: items.0.applies",
        ),
        (
            "- id: general\n  countries: []\n  name: {en: G, lv: G}\n  basis: {en: B, lv: B}\n"
            "  items:" + GOOD_ITEM.replace("valid_months: 12", "valid_months: 0"),
            "items.0.valid_months",
        ),
        (
            "- id: xx\n  countries: [QQ]\n  name: {en: G, lv: G}\n  basis: {en: B, lv: B}\n"
            "  items:" + GOOD_ITEM,
            "pack xx: countries",
        ),
        (
            "- id: general\n  countries: []\n  name: {en: G}\n  basis: {en: B, lv: B}\n"
            "  items:" + GOOD_ITEM,
            "name.lv",
        ),
        (
            "- id: lv\n  countries: [LV]\n  name: {en: G, lv: G}\n  basis: {en: B, lv: B}\n"
            "  items:" + GOOD_ITEM,
            "exactly one pack must have no countries",
        ),
        (
            "- id: general\n  countries: []\n  name: {en: G, lv: G}\n  basis: {en: B, lv: B}\n"
            "  items:" + GOOD_ITEM + GOOD_ITEM,
            "item ids used twice: a",
        ),
        ("not: [a list", "cannot read"),
    ],
)
def test_bad_pack_data_is_refused_naming_the_file_and_the_entry(tmp_path, text, message):
    path = tmp_path / "packs.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PackError) as raised:
        load_packs(path)
    assert str(path) in str(raised.value) and message in str(raised.value)
