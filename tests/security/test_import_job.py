"""Chain imports are background jobs (issue 17): a 200k-row, 15 MB file was parsed inside the
web request for 15.7 s. The request now only stores the file; the worker (or the app's own job
thread) checks it and, once confirmed, applies it, with progress; problems still name their
rows and change nothing, and a job whose runner died is taken over."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from supplychain import db
from supplychain.chain import importer
from supplychain.chain import jobs as import_jobs
from supplychain.chain.tabular import COLUMNS, read_table
from supplychain.models import ChainImport, Link, Organisation, Role, RunStatus, Supplier, utcnow
from supplychain.worker import run_once
from tests.chain.test_importer import BAD, GOOD
from tests.conftest import csrf_token, login, make_app, row_counts, threaded_app_url
from tests.factories import PASSWORD, make_org, make_user

EMAIL = "officer@importers.example"


def _officer(app, client):
    with app.app_context():
        session = db.get_session()
        org = make_org(session, "importers")
        make_user(session, org, Role.OFFICER, email=EMAIL)
        session.commit()
        org_id = org.id
    login(client, EMAIL, PASSWORD)
    return org_id


@pytest.fixture
def officer(app, client):
    _officer(app, client)
    return client


def _upload(client, content: bytes, name: str = "chain.csv"):
    # Encoded here, in memory: the test client would spool a big body to a temporary file
    # that it never closes.
    boundary, body = encode_multipart(
        {
            "csrf_token": csrf_token(client, "/chain/import"),
            "file": FileStorage(io.BytesIO(content), filename=name),
        }
    )
    return client.post(
        "/chain/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def _job_url(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    url = response.headers["Location"]
    assert re.fullmatch(r"/chain/import/\d+", url), url
    return url


def _record(app, url: str) -> ChainImport:
    with app.app_context():
        record = db.get_session().get(ChainImport, int(url.rsplit("/", 1)[1]))
        assert record is not None
        return record


def _chain(app) -> list[int]:
    return row_counts(app, Supplier, Link)


def _big_file(rows: int) -> bytes:
    """A whole chain of rows direct suppliers, whose last row has an unknown country."""
    lines = [",".join(COLUMNS)]
    lines += [
        f",S{i},Supplier {i} SIA,subcontract,LV,F41.2,4000{i:07d},,company,10,5,1000,100"
        for i in range(rows)
    ]
    lines[-1] = lines[-1].replace(",LV,", ",XX,")
    return "\n".join(lines).encode()


def test_a_big_file_is_stored_and_queued_not_parsed_in_the_request(app, officer):
    """The attack's 200k-row, 15 MB file: the POST answers with the job queued, untouched
    (parsed, its bad last row would have been refused here), and the page shows progress."""
    content = _big_file(200_000)
    assert len(content) > 14_000_000
    url = _job_url(_upload(officer, content))
    record = _record(app, url)
    assert (record.stage, record.status, record.progress) == ("check", RunStatus.QUEUED, 0)
    assert record.outcome == {} and record.content == content
    page = officer.get(url).get_data(as_text=True)
    assert "Checking the file" in page and "<progress" in page
    assert '<meta http-equiv="refresh"' in page
    # One import per organisation at a time: a flood of big files waits for nobody else.
    again = _upload(officer, GOOD.encode())
    assert again.status_code == 409
    assert "Another file is being imported" in again.get_data(as_text=True)
    assert _chain(app) == [0, 0]


def test_the_worker_checks_and_applies_the_request_only_queues(app, officer):
    url = _job_url(_upload(officer, GOOD.encode()))
    assert _record(app, url).status == RunStatus.QUEUED
    assert run_once(app)["imports"] == 1
    preview = officer.get(url).get_data(as_text=True)
    assert "Preview the import" in preview and "<code>AG1</code>" in preview
    assert "Apply these changes" in preview and "<progress" not in preview

    applied = officer.post(f"{url}/apply", data={"csrf_token": csrf_token(officer, url)})
    assert applied.headers["Location"] == url
    record = _record(app, url)
    assert (record.stage, record.status) == ("apply", RunStatus.QUEUED)
    assert _chain(app) == [0, 0], "applied inside the request"
    assert "Applying the changes" in officer.get(url).get_data(as_text=True)

    assert run_once(app)["imports"] == 1
    assert _chain(app) == [3, 4]
    done = officer.get(url).get_data(as_text=True)
    assert "Imported: 3 suppliers added, 4 links added, 0 changed, 0 removed." in done
    record = _record(app, url)
    assert record.applied_at is not None and record.content == b""
    again = officer.post(f"{url}/apply", data={"csrf_token": csrf_token(officer, url)})
    assert again.status_code == 404


def test_problems_name_their_rows_and_change_nothing(app, officer):
    with app.app_context():
        session = db.get_session()
        org_id = session.exec(select(Organisation.id).where(Organisation.slug == "importers")).one()
        plan = importer.parse_chain(read_table("chain.csv", GOOD.encode()))
        importer.apply(session, org_id, plan, filename="chain.csv", content=GOOD.encode())
        session.commit()
    before = _chain(app)
    url = _job_url(_upload(officer, BAD.encode()))
    assert run_once(app)["imports"] == 1
    response = officer.get(url)
    html = response.get_data(as_text=True)
    assert "The file was not imported: 3 problems." in html
    assert html.count('<tr><td data-label="Row">') == 3
    assert '<td data-label="Row">3</td><td data-label="Column"><code>country</code>' in html
    assert "&#34;XX&#34; is not a country we know" in html and "Enter a whole number." in html
    assert "<progress" not in html and '<meta http-equiv="refresh"' not in html
    assert _chain(app) == before
    assert _record(app, url).content == b"", "a refused file is not kept"
    refused = officer.post(f"{url}/apply", data={"csrf_token": csrf_token(officer, url)})
    assert refused.status_code == 404
    assert _chain(app) == before


def test_an_unreadable_file_is_refused_by_the_job_with_the_reason(app, officer):
    url = _job_url(_upload(officer, b"%PDF-1.7", name="chain.pdf"))
    run_once(app)
    html = officer.get(url).get_data(as_text=True)
    assert "The file was not imported." in html and "Upload a .csv or .xlsx file." in html


def test_a_job_whose_runner_died_is_taken_over(app, officer):
    """No progress bar for ever: past its lease the page says the work stopped, the next
    runner takes the job over, and the dead runner can write nothing more."""
    url = _job_url(_upload(officer, GOOD.encode()))
    with app.app_context():
        session = db.get_session()
        dead = import_jobs.claim_queued(session, utcnow())  # a runner takes it, then dies
        assert dead is not None and dead.attempts == 1
    assert "<progress" in officer.get(url).get_data(as_text=True)
    with app.app_context():  # time passes: the dead runner's lease runs out
        session = db.get_session()
        session.execute(
            sa.update(ChainImport).values(claimed_until=utcnow() - timedelta(seconds=1))
        )
        session.commit()
    stalled = officer.get(url).get_data(as_text=True)
    assert "stopped before it was finished" in stalled and "<progress" not in stalled

    assert run_once(app)["imports"] == 1
    assert "Preview the import" in officer.get(url).get_data(as_text=True)
    record = _record(app, url)
    assert (record.status, record.attempts, record.step) == (RunStatus.DONE, 2, "done")
    # The dead runner wakes up too late: while the file is being applied, as before it.
    officer.post(f"{url}/apply", data={"csrf_token": csrf_token(officer, url)})
    with app.app_context():
        session = db.get_session()
        applying = import_jobs.claim_queued(session, utcnow())
        assert applying is not None and (applying.stage, applying.attempts) == ("apply", 1)
        with pytest.raises(import_jobs.TakenOver):
            import_jobs.execute(session=session, record=dead)
        assert _record(app, url).step == "claimed" and _chain(app) == [0, 0]
        import_jobs.execute(session=session, record=applying)
    assert _chain(app) == [3, 4]


def test_a_file_that_keeps_killing_its_runner_is_given_up(app, officer):
    url = _job_url(_upload(officer, GOOD.encode()))
    with app.app_context():
        session = db.get_session()
        session.execute(
            sa.update(ChainImport).values(
                status=RunStatus.RUNNING,
                attempts=import_jobs.MAX_ATTEMPTS,
                claimed_until=utcnow() - timedelta(seconds=1),
            )
        )
        session.commit()
    assert run_once(app)["imports"] == 0
    html = officer.get(url).get_data(as_text=True)
    assert "stopped 3 times without finishing. Nothing was changed." in html
    assert "<progress" not in html
    assert _record(app, url).content == b""
    assert _chain(app) == [0, 0]


@pytest.fixture
def threaded_app(database_url, tmp_path):
    """An app that runs jobs in its own thread, as a single server with no worker does; on
    SQLite a file, since the thread and the requests need connections of their own."""
    application = make_app(threaded_app_url(database_url, tmp_path), tmp_path, JOBS_IN_APP=True)
    yield application
    application.extensions["engine"].dispose()


def _wait_for_jobs(app) -> None:
    thread = app.extensions["jobs_in_app"].thread
    if thread is not None:
        thread.join(timeout=60)
        assert not thread.is_alive()


def test_with_no_worker_the_app_thread_checks_and_applies(threaded_app):
    client = threaded_app.test_client()
    _officer(threaded_app, client)
    url = _job_url(_upload(client, GOOD.encode()))
    _wait_for_jobs(threaded_app)
    assert "Apply these changes" in client.get(url).get_data(as_text=True)
    client.post(f"{url}/apply", data={"csrf_token": csrf_token(client, url)})
    _wait_for_jobs(threaded_app)
    assert "Imported: 3 suppliers added" in client.get(url).get_data(as_text=True)
    assert _chain(threaded_app) == [3, 4]
