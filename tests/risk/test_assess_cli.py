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


def test_labour_cost_is_judged_where_the_work_is_done(app, runner, tmp_path):
    """A Latvian organisation: posted workers from Bulgaria and Ukraine on its site are judged
    by Latvia's floor; work done in Finland or Uzbekistan has no known floor, and is said so."""
    from sqlmodel import select

    from supplychain.chain.exporter import export_csv
    from supplychain.models import Link, Organisation

    result = runner.invoke(cli, ["create-org", "site", "--name", "Site SIA", "--country", "lv"])
    assert result.exit_code == 0, result.output
    header = (
        "parent_code,code,name,relation,country,sector,registration_no,email,kind,employees,"
        "workers,contract_value_eur,labour_hours,work_country"
    )
    rows = [  # EUR per labour hour: value / 1000 hours; Latvia's floor is 5.80
        ",BG1,Bulgar OOD,subcontract,BG,F43.3,,,company,10,5,5000,1000,",
        ",UA1,Ukr TOV,subcontract,UA,F43.3,,,company,10,5,2000,1000,",
        ",LV1,Latvija SIA,subcontract,LV,J62.01,,,company,10,5,7000,1000,",
        ",EE1,Eesti OU,subcontract,EE,J62.01,,,company,10,5,7000,1000,",
        ",FI1,Suomi Oy,subcontract,FI,J62.01,,,company,10,5,7000,1000,",
        ",FI2,Hanke Oy,subcontract,LV,F43.3,,,company,10,5,3000,1000,fi",
        ",UZ1,Toshkent MChJ,subcontract,UZ,F43.3,,,company,10,5,1000,1000,UZ",
    ]
    path = tmp_path / "chain.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["import-chain", str(path), "--org", "site"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["assess", "--org", "site"])
    assert result.exit_code == 0, result.output
    flagged = {
        line.split()[2]
        for line in result.output.splitlines()
        if line.split()[1:2] == ["labour-cost-below-minimum"]
    }
    assert flagged == {"BG1", "UA1"}
    assert "prices not judged for: FI (1 link), UZ (1 link)." in result.output
    with app.app_context():
        session = db.get_session()
        org = session.exec(select(Organisation).where(Organisation.slug == "site")).one()
        assert org.country == "LV"
        assert {link.work_country for link in session.exec(select(Link))} == {"", "FI", "UZ"}
        exported = export_csv(session, org.id).decode("utf-8-sig")
        # The run keeps where each link's work was done, as it read it.
        from supplychain.risk.services import latest_run
        from supplychain.risk.snapshot import run_chain

        run = latest_run(session, org.id)
        kept = run_chain(session, run)
        assert kept.kept and sorted(f.work_country for f in kept.links.values())[-2:] == [
            "FI",
            "UZ",
        ]
        # The report's method section says which prices were not judged, and why.
        from flask import render_template
        from flask_babel import force_locale

        from supplychain.questionnaires.catalogue import get_catalogue
        from supplychain.reports.context import Scope, build_report_context
        from supplychain.reports.services import THRESHOLD_NAMES

        with force_locale("en"):
            context = build_report_context(
                session,
                run=run,
                scope=Scope(),
                scope_title="t",
                catalogue=get_catalogue(),
                lang="en",
            )
            assert context.no_floor_known == (("FI", 1), ("UZ", 1))
            method = render_template(
                "reports/_method.html", ctx=context, THRESHOLD_NAMES=THRESHOLD_NAMES
            )
        assert "no legal minimum known for the country of work: FI (1 link), UZ (1 link)." in method
    assert exported.splitlines()[0].endswith(",work_country")
    assert any(line.endswith(",FI") for line in exported.splitlines())
