"""`supplychain assess` on the demo chain: every structural rule is raised, each flag explained."""

from __future__ import annotations

import csv
import io
import json

from supplychain import db
from supplychain.cli import cli
from supplychain.demo import load_demo
from supplychain.risk.rules import RULES

STRUCTURAL = {
    "chain-depth",
    "labour-hire",
    "labour-hire-deep",
    "intermediary-chain",
    "chain-cycle",
    "pass-through",
    "undisclosed-subcontracting",
    "no-response",
    "unassessed",
    "labour-cost-below-minimum",
    "high-risk-sector",
    "cross-border",
}


def _demo(app):
    with app.app_context():
        load_demo(session=db.get_session(), password="demo passphrase 1")
        db.get_session().commit()


def test_demo_raises_every_structural_rule_with_readable_evidence(app, runner):
    _demo(app)
    result = runner.invoke(cli, ["assess", "--org", "daugava-build", "--format", "json"])
    assert result.exit_code == 0, result.output
    flags = json.loads(result.output)
    assert STRUCTURAL <= set(RULES)
    assert STRUCTURAL <= {f["rule"] for f in flags}
    assert any(f["rule"] == "answer" for f in flags)
    for flag in flags:
        assert set(flag) >= {"supplier", "rule", "severity", "message", "evidence"}
        assert flag["message"] and "%(" not in flag["message"]
        assert flag["evidence"], flag
    undisclosed = next(f for f in flags if f["rule"] == "undisclosed-subcontracting")
    assert undisclosed["supplier"] == "RIGAFORM"
    assert undisclosed["evidence"]["answers"][0]["answer"] == "No"
    depth = next(f for f in flags if f["rule"] == "chain-depth")
    assert depth["evidence"]["path"][0] == "your organisation"


def test_csv_and_latvian(app, runner):
    _demo(app)
    result = runner.invoke(
        cli, ["assess", "--org", "daugava-build", "--format", "csv", "--lang", "lv"]
    )
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["supplier", "rule", "indicator", "severity", "message", "evidence"]
    messages = " ".join(r[4] for r in rows[1:])
    assert "uzņēmum" in messages  # Latvian text
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_unknown_organisation(runner):
    result = runner.invoke(cli, ["assess", "--org", "nobody"])
    assert result.exit_code == 1 and "no organisation" in result.output
