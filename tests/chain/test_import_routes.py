"""Import through the pages (upload, preview, confirm), the CLI, and the downloads."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from sqlmodel import col, func, select

from supplychain import db
from supplychain.chain.tabular import COLUMNS
from supplychain.cli import cli
from supplychain.models import ChainImport, Link, Response, Role, RunStatus, Supplier
from supplychain.worker import run_once
from tests.chain.test_importer import BAD, GOOD
from tests.conftest import csrf_token, row_counts, sign_in
from tests.factories import committed, make_org, make_team


@pytest.fixture
def officer(app, client):
    with committed(app) as session:
        make_team(session, "importers", Role.OFFICER)
    return sign_in(client, Role.OFFICER, "importers")


def _upload(client, text: str, name: str = "chain.csv"):
    token = csrf_token(client, "/chain/import")
    return client.post(
        "/chain/import",
        data={"csrf_token": token, "file": (io.BytesIO(text.encode()), name)},
        content_type="multipart/form-data",
    )


def _counts(app):
    return row_counts(app, Supplier, Link, ChainImport)


def test_bad_file_lists_every_problem_and_changes_nothing(app, officer):
    before = _counts(app)
    response = _upload(officer, BAD)
    assert response.status_code == 302  # stored; the worker checks it
    assert run_once(app)["imports"] == 1
    html = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert "The file was not imported: 3 problems." in html
    assert html.count('<tr><td data-label="Row">') == 3
    assert "&#34;XX&#34; is not a country we know" in html and "Enter a whole number." in html
    assert _counts(app)[:2] == before[:2]


def test_a_file_of_many_bad_rows_shows_the_first_problems_with_what_was_typed(app, officer):
    header = ",".join(COLUMNS)
    rows = "".join(f",S{i},Name {i},subcontract,<b>Latvja</b>,,,,company,,,,\n" for i in range(250))
    response = _upload(officer, header + "\n" + rows)
    run_once(app)
    html = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert "The file was not imported: 250 problems." in html
    assert html.count('<tr><td data-label="Row">') == 200 and "and 50 more" in html
    assert '<code class="typed">&lt;b&gt;Latvja&lt;/b&gt;</code>' in html
    assert "<b>Latvja" not in html


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


SHORT = "\n".join(line for line in GOOD.splitlines() if "AG1" not in line) + "\n"


def _answer(app, code: str) -> None:
    """The supplier starts answering a questionnaire: it holds evidence from then on."""
    from supplychain.questionnaires.catalogue import get_catalogue
    from supplychain.questionnaires.services import start_response

    with app.app_context():
        session = db.get_session()
        supplier = session.exec(select(Supplier).where(Supplier.code == code)).one()
        start_response(
            session=session,
            organisation_id=supplier.organisation_id,
            questionnaire=get_catalogue().current["supplier-self-assessment"],
            language="en",
            supplier_id=supplier.id,
        )
        session.commit()


def _checked(app, client, text: str) -> str:
    response = _upload(client, text)
    assert response.status_code == 302
    assert run_once(app)["imports"] == 1
    return response.headers["Location"]


def _confirm(app, client, url: str, **fields) -> str:
    done = client.post(f"{url}/apply", data={"csrf_token": csrf_token(client, url), **fields})
    assert done.status_code == 302
    assert run_once(app)["imports"] == 1
    return client.get(url).get_data(as_text=True)


def _job(app, url: str) -> ChainImport:
    with app.app_context():
        return db.get_session().get(ChainImport, int(url.rsplit("/", 1)[1]))


def test_reimport_keeps_what_is_missing_unless_the_officer_ticks_prune(app, officer):
    """Issue 18: a file without a supplier took it out, with its answers, unannounced. Now the
    preview says it stays, names what a prune would take out and what each holds, the prune is
    a box left unticked, and the job prunes only what the officer saw."""
    _confirm(app, officer, _checked(app, officer, GOOD))
    _answer(app, "AG1")
    url = _checked(app, officer, SHORT)
    preview = officer.get(url).get_data(as_text=True)
    assert "Not in this file: 1 supplier and 2 links of your chain. They stay." in preview
    assert "Take out what came from earlier files?" in preview
    assert "<code>AG1</code> Darba Spēks SIA:" in preview and "archived, not deleted." in preview
    assert "It holds questionnaire answers: 1; all of it is kept" in preview
    assert '<input type="checkbox" name="prune" value="y">' in preview  # not ticked
    done = _confirm(app, officer, url)
    assert "Not in the file and kept in your chain: 1 supplier, 2 links." in done
    assert _counts(app)[:2] == [3, 4] and _job(app, url).prune is False

    # Ticked, but AG1's answer goes between the preview and the confirmation: AG1 would now
    # be deleted, not archived as shown. Nothing is applied; the new preview says so.
    url = _checked(app, officer, SHORT)
    with app.app_context():
        session = db.get_session()
        session.execute(sa.delete(Response))
        session.commit()
    again = _confirm(app, officer, url, prune="y")
    assert "Your chain changed after the preview was made, so nothing was applied." in again
    assert "deleted: it holds no answers" in again and "archived, not deleted" not in again
    record = _job(app, url)
    assert (record.stage, record.status, record.prune) == ("check", RunStatus.DONE, False)
    assert _counts(app)[:2] == [3, 4]
    done = _confirm(app, officer, url, prune="y")
    assert "Imported: 0 suppliers added, 0 links added, 0 changed, 3 removed." in done
    assert "Suppliers taken out" in done
    assert _counts(app)[:2] == [2, 2] and _job(app, url).prune is True

    # An import applied before prunes were optional kept the codes it removed, and its page
    # still shows them.
    with app.app_context():
        session = db.get_session()
        record = session.get(ChainImport, _job(app, url).id)
        legacy = ("added", "changed", "removed")
        record.outcome = {
            "counts": {f"{verb}_{what}": 1 for verb in legacy for what in ("suppliers", "links")},
            "lists": {"removed_suppliers": ["S-202"], "removed_links": [["", "S-202"]]},
        }
        session.add(record)
        session.commit()
    old = officer.get(url).get_data(as_text=True)
    assert "<code>S-202</code>" in old and "Our organisation → S-202" in old


def test_cli_import_chain(app, tmp_path):
    with app.app_context():
        make_org(db.get_session(), "cli-org")
        db.get_session().commit()
    good, bad, short = tmp_path / "good.csv", tmp_path / "bad.csv", tmp_path / "short.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(BAD, encoding="utf-8")
    short.write_text(SHORT, encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["import-chain", str(bad), "--org", "cli-org"])
    assert result.exit_code == 1
    assert 'error: row 3, country: "XX" is not a country we know' in result.output
    assert "3 problem(s); nothing was imported." in result.output
    result = runner.invoke(cli, ["import-chain", str(good), "--org", "cli-org"])
    assert result.exit_code == 0, result.output
    assert "added suppliers 3" in result.output
    result = runner.invoke(cli, ["import-chain", str(good), "--org", "cli-org", "--dry-run"])
    assert "Would change: added suppliers 0" in result.output

    _answer(app, "AG1")
    result = runner.invoke(cli, ["import-chain", str(short), "--org", "cli-org"])
    assert result.exit_code == 0, result.output
    assert "Not in the file: 1 supplier(s) and 2 link(s) of the chain; they stayed." in (
        result.output
    )
    assert "--prune would take out 1 supplier(s) and 2 link(s)" in result.output
    assert "AG1 Darba Spēks SIA: holds answers 1; would be archived, not deleted" in result.output
    command = ["import-chain", str(short), "--org", "cli-org", "--prune"]
    result = runner.invoke(cli, [*command, "--dry-run"])
    assert "Would take out (--prune) 1 supplier(s) and 2 link(s)" in result.output
    assert _live(app) == [3, 4]
    result = runner.invoke(cli, command)
    assert result.exit_code == 0, result.output
    assert "Took out (--prune) 1 supplier(s)" in result.output
    assert "AG1 Darba Spēks SIA: holds answers 1; was archived, not deleted" in result.output
    assert _live(app) == [2, 2] and _counts(app)[:2] == [3, 4]  # AG1 archived, with its links


def _live(app) -> list[int]:
    with app.app_context():
        session = db.get_session()
        return [
            int(
                session.exec(
                    select(func.count()).select_from(m).where(col(m.archived_at).is_(None))
                ).one()
            )
            for m in (Supplier, Link)
        ]
