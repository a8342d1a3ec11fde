"""Import through the pages (upload, preview, confirm), the CLI, and the downloads."""

from __future__ import annotations

import io

import pytest
from sqlmodel import func, select

from supplychain import db
from supplychain.cli import cli
from supplychain.invitations.worker import run_once
from supplychain.models import ChainImport, Link, Role, Supplier
from tests.chain.test_importer import BAD, GOOD
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, make_org, make_user


@pytest.fixture
def officer(app, client):
    with app.app_context():
        session = db.get_session()
        org = make_org(session, "importers")
        make_user(session, org, Role.OFFICER, email="officer@importers.example")
        session.commit()
    login(client, "officer@importers.example", PASSWORD)
    return client


def _upload(client, text: str, name: str = "chain.csv"):
    token = csrf_token(client, "/chain/import")
    return client.post(
        "/chain/import",
        data={"csrf_token": token, "file": (io.BytesIO(text.encode()), name)},
        content_type="multipart/form-data",
    )


def _counts(app):
    with app.app_context():
        session = db.get_session()
        return [
            int(session.exec(select(func.count()).select_from(m)).one())
            for m in (Supplier, Link, ChainImport)
        ]


def test_bad_file_lists_every_problem_and_changes_nothing(app, officer):
    before = _counts(app)
    response = _upload(officer, BAD)
    assert response.status_code == 302  # stored; the worker checks it
    assert run_once(app)["imports"] == 1
    html = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert "The file was not imported: 3 problems." in html
    assert html.count('<tr><td data-label="Row">') == 3
    assert "Unknown country code XX" in html and "Enter a whole number." in html
    assert _counts(app)[:2] == before[:2]


def test_good_file_is_previewed_then_applied(app, officer):
    response = _upload(officer, GOOD)
    assert response.status_code == 302
    run_once(app)
    preview = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert "Suppliers added" in preview and "AG1" in preview
    assert _counts(app)[:2] == [0, 0]  # nothing written before the confirmation
    apply_url = response.headers["Location"] + "/apply"
    done = officer.post(apply_url, data={"csrf_token": csrf_token(officer)})
    assert done.status_code == 302
    run_once(app)
    assert _counts(app)[:2] == [3, 4]
    assert officer.post(apply_url, data={"csrf_token": csrf_token(officer)}).status_code == 404
    exported = officer.get("/chain/export.csv")
    assert exported.headers["Content-Disposition"] == 'attachment; filename="chain.csv"'
    assert "Darba Spēks SIA" in exported.get_data().decode("utf-8-sig")
    xlsx = officer.get("/chain/export.xlsx")
    assert xlsx.data[:2] == b"PK"


def test_unreadable_upload_says_why(app, officer):
    response = _upload(officer, "whatever", name="chain.pdf")
    run_once(app)
    assert "Upload a .csv or .xlsx file." in officer.get(response.headers["Location"]).get_data(
        as_text=True
    )


def test_cli_import_chain(app, tmp_path):
    with app.app_context():
        make_org(db.get_session(), "cli-org")
        db.get_session().commit()
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(BAD, encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["import-chain", str(bad), "--org", "cli-org"])
    assert result.exit_code == 1
    assert "error: row 3, country: Unknown country code XX" in result.output
    assert "3 problem(s); nothing was imported." in result.output
    result = runner.invoke(cli, ["import-chain", str(good), "--org", "cli-org"])
    assert result.exit_code == 0, result.output
    assert "added suppliers 3" in result.output
    result = runner.invoke(cli, ["import-chain", str(good), "--org", "cli-org", "--dry-run"])
    assert "Would change: added suppliers 0" in result.output
