"""The age of the reference figures: `supplychain reference check` lists them and warns about a
figure checked over a year ago or past its valid-to date; the overview warns admins only."""

from __future__ import annotations

from pathlib import Path

from supplychain.cli import cli
from supplychain.db import get_session
from supplychain.models import Role
from supplychain.reference.risk_factors import LABOUR_COSTS_FILE
from tests.conftest import login
from tests.factories import PASSWORD, make_org, make_user

ENTRY = """
- country: LV
  currency: EUR
  minimum_wage: 780
  period: month
  hours_per_month: 166
  employer_contributions_percent: 23.59
  eur_rate: 1
  eur_rate_date: null
  valid_from: 2026-01-01
  valid_to: {valid_to}
  source: "Cabinet regulation No. 656"
  source_translated: {{lv: "MK noteikumi Nr. 656"}}
  checked: {checked}
  note: "test"
"""


def _file(tmp_path: Path, checked: str, valid_to: str = "null") -> Path:
    path = tmp_path / "labour_costs.yaml"
    path.write_text(ENTRY.format(checked=checked, valid_to=valid_to), encoding="utf-8")
    return path


def test_check_lists_figures_and_warns_about_old_ones(runner, tmp_path):
    fresh = _file(tmp_path, "2026-11-23")
    result = runner.invoke(
        cli, ["reference", "check", "--file", str(fresh), "--today", "2026-12-07"]
    )
    assert result.exit_code == 0, result.output
    assert "LV minimum wage: valid 2026-01-01, checked 2026-11-23; Cabinet regulation No. 656" in (
        result.output
    )
    assert "warning:" not in result.output and "1 figure(s), 0 warning(s)" in result.output

    result = runner.invoke(
        cli, ["reference", "check", "--file", str(fresh), "--today", "2027-11-24"]
    )
    assert result.exit_code == 1
    assert "warning: LV minimum wage: checked 2026-11-23, more than a year" in result.output

    ended = _file(tmp_path, "2026-11-23", valid_to="2026-12-31")
    result = runner.invoke(
        cli, ["reference", "check", "--file", str(ended), "--today", "2027-01-01"]
    )
    assert result.exit_code == 1 and "valid only to 2026-12-31" in result.output


def test_shipped_figures_list_with_sector_floors(runner):
    result = runner.invoke(cli, ["reference", "check", "--today", "2026-12-07"])
    assert result.exit_code == 0, result.output
    assert "LV sector floor F" in result.output
    assert "high-risk sector F (construction): no dates kept; HEUNI" in result.output
    assert str(LABOUR_COSTS_FILE).endswith("labour_costs.yaml")


def test_overview_warns_admins_not_officers(app, client, tmp_path, monkeypatch):
    monkeypatch.setenv("SUPPLYCHAIN_REFERENCE_LABOUR_COSTS", str(_file(tmp_path, "2020-01-15")))
    with app.app_context():
        session = get_session()
        org = make_org(session)
        admin = make_user(session, org, Role.ADMIN)
        officer = make_user(session, org, Role.OFFICER)
        session.commit()
        emails = admin.email, officer.email
    login(client, emails[0], PASSWORD)
    page = client.get("/").get_data(as_text=True)
    assert "Reference figures due for a check" in page
    assert "LV minimum wage (Cabinet regulation No. 656)" in page and "Jan 15, 2020" in page
    client.get("/account/language/lv")
    page = client.get("/").get_data(as_text=True)
    assert "LV minimālā alga (MK noteikumi Nr. 656)" in page and "2020. gada 15. janv." in page
    other = app.test_client()
    login(other, emails[1], PASSWORD)
    assert "Reference figures due for a check" not in other.get("/").get_data(as_text=True)
