"""Report pages: ask for a report, follow its progress, download it unchanged; export the flags
of a run as CSV, XLSX and JSON with supplier text defused."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from supplychain import db
from supplychain.models import Report, Role, RunStatus
from supplychain.reports import jobs, services
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_user

from .helpers import small_chain

FORMULA = '=HYPERLINK("http://evil.example","open me")'


@pytest.fixture
def ours(app, client):
    with app.app_context():
        session = db.get_session()
        org, _officer, suppliers, run = small_chain(session, name=FORMULA)
        make_user(session, org, Role.VIEWER, email="viewer@kalns.example")
        session.commit()
        ids = {"org": org.id, "run": run.id, **{k: v.id for k, v in suppliers.items()}}
    login(client, "officer@kalns.example", PASSWORD)
    return ids


def test_ask_follow_and_download(app, client, ours):
    page = client.get("/reports/").get_data(as_text=True)
    assert "Make the report" in page and "Flags of assessment" in page
    response = post_form(client, "/reports/", {"scope": "chain", "lang": "en"}, page="/reports/")
    assert response.status_code == 302
    status_url = response.headers["Location"]
    waiting = client.get(status_url).get_data(as_text=True)
    assert 'http-equiv="refresh"' in waiting and "<progress" in waiting
    assert '<b class="percent">0%</b>' in waiting
    jobs.run_waiting(app)
    done = client.get(status_url).get_data(as_text=True)
    assert 'http-equiv="refresh"' not in done
    report_id = int(re.search(r"/reports/(\d+)", status_url).group(1))
    with app.app_context():
        report = db.get_session().get(Report, report_id)
    assert report.sha256 in done
    assert report.kind == "summary", "the form asks for the board's view unless told"
    assert "Summary: the board" in done
    with client.get(f"/reports/{report_id}/download") as first:
        assert first.status_code == 200 and first.mimetype == "application/pdf"
        assert "attachment" in first.headers["Content-Disposition"]
        assert hashlib.sha256(first.data).hexdigest() == report.sha256
        body = first.data
    with client.get(f"/reports/{report_id}/download") as second:
        assert second.data == body
    listing = client.get("/reports/").get_data(as_text=True)
    assert f"/reports/{report_id}/download" in listing and "Summary: the board" in listing


def test_form_errors_name_the_field_and_queue_nothing(app, client, ours):
    for data, message in (
        ({"scope": "supplier", "supplier": "NOPE", "lang": "en"}, "No supplier has the code NOPE"),
        ({"scope": "tier", "lang": "en"}, "Give a tier from 1"),
        ({"scope": "tier", "tier": "0", "lang": "en"}, "Give a tier from 1"),
        ({"scope": "chain", "lang": "xx"}, "Choose English or Latvian"),
        ({"scope": "chain", "lang": "en", "kind": "xx"}, "Choose the summary or the full"),
    ):
        response = post_form(client, "/reports/", data, page="/reports/")
        assert response.status_code == 200, data
        assert message in response.get_data(as_text=True), data
    with app.app_context():
        assert db.get_session().exec(select(Report)).all() == []


def test_viewers_download_but_do_not_make_reports(app, client, ours):
    client.get("/account/logout")
    viewer = app.test_client()
    login(viewer, "viewer@kalns.example", PASSWORD)
    assert "Make the report" not in viewer.get("/reports/").get_data(as_text=True)
    response = post_form(viewer, "/reports/", {"scope": "chain", "lang": "en"}, page="/reports/")
    assert response.status_code == 403


def test_a_tampered_report_is_not_handed_out(app, client, ours):
    post_form(client, "/reports/", {"scope": "chain", "lang": "en"}, page="/reports/")
    jobs.run_waiting(app)
    with app.app_context():
        report = db.get_session().exec(select(Report)).one()
        assert report.status == RunStatus.DONE
        path = services.path_of(services.report_dir(app), report)
    path.write_bytes(b"%PDF-1.7 forged")
    response = client.get(f"/reports/{report.id}/download")
    assert response.status_code == 410
    assert "no longer matches" in response.get_data(as_text=True)


def test_exports_defuse_supplier_text(app, client, ours):
    run = ours["run"]
    with client.get(f"/reports/runs/{run}/flags.csv") as response:
        assert response.mimetype == "text/csv"
        rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    mine = [r for r in rows if r["supplier_code"] == "A1"]
    assert mine and all(r["supplier"] == "'" + FORMULA for r in mine)
    assert {r["rule"] for r in rows} >= {"labour-hire-deep", "high-risk-sector"}
    assert all(r["message"] and r["severity"] for r in rows)

    with client.get(f"/reports/runs/{run}/flags.xlsx") as response:
        book = load_workbook(io.BytesIO(response.data))
    sheet = book["flags"]
    header = [c.value for c in sheet[1]]
    cells = [row[header.index("supplier")] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in cells), "text, never a formula"
    assert any(c.value == "'" + FORMULA for c in cells)
    assert sheet.max_row == len(rows) + 1

    with client.get(f"/reports/runs/{run}/flags.json") as response:
        document = json.loads(response.data)
    assert document["run"]["id"] == run and document["run"]["rules_version"]
    assert len(document["flags"]) == len(rows)
    hire = next(f for f in document["flags"] if f["rule"] == "labour-hire-deep")
    assert hire["evidence"]["path"][0] == "your organisation"
    assert any(f["supplier_name"] == FORMULA for f in document["flags"]), "JSON keeps it as is"

    assert client.get(f"/reports/runs/{run}/flags.exe").status_code == 404


def test_latvian_export(app, client, ours):
    client.get("/account/language/lv")
    with client.get(f"/reports/runs/{ours['run']}/flags.csv") as response:
        rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert "Aģentūru darbinieki dziļi ķēdē" in {r["title"] for r in rows}
