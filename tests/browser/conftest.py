"""A live server in a thread and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import io
import shutil
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader
from werkzeug.serving import WSGIRequestHandler, make_server

from supplychain.risk import jobs as risk_jobs
from tests.conftest import make_app, threaded_app_url

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from flask import Flask

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


_RESPONSE = "tests.live_server.response"


class _CloseOnce:
    """The app's response iterable, whose close() may be called more than once."""

    def __init__(self, iterable: Iterable[bytes]) -> None:
        self._iterable = iterable
        self._closed = False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._iterable)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            close = getattr(self._iterable, "close", None)
            if close is not None:
                close()


class _ClosingHandler(WSGIRequestHandler):
    """Werkzeug's handler, but the response is always closed, even on a dropped connection.

    Werkzeug's run_wsgi closes the app's iterable only at the end of a `finally` that first
    drains the socket; when the browser resets a connection (it abandons the favicon or a
    stylesheet request on leaving the page) that drain raises ConnectionResetError, the close is
    skipped and send_file's open file is left to the garbage collector: a ResourceWarning, which
    pytest raises as PytestUnraisableExceptionWarning in whichever test is running then.
    """

    def run_wsgi(self) -> None:
        with self.server.one_request_at_a_time:  # type: ignore[attr-defined]
            try:
                super().run_wsgi()
            finally:
                response = getattr(self, "environ", {}).pop(_RESPONSE, None)
                if response is not None:
                    response.close()


def _tracking(app: WSGIApplication) -> WSGIApplication:
    """Wrap app so the handler can find (and close) the response it returned."""

    def tracked(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        response = _CloseOnce(app(environ, start_response))
        environ[_RESPONSE] = response
        return response

    return tracked


@pytest.fixture
def app(database_url: str, tmp_path) -> Iterator[Flask]:
    """The app on a database file rather than in memory: the test runs the worker's jobs in its
    own thread while the page it left open may still poll the server, and each needs a
    connection of its own (in-memory SQLite has one for all)."""
    application = make_app(threaded_app_url(database_url, tmp_path), tmp_path, SERVER_NAME=None)
    yield application
    application.extensions["engine"].dispose()


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """Serve app on a free loopback port; yield its base URL.

    Each connection has its own thread, but requests run one at a time, as they did. A server
    with one thread hangs whenever Chromium opens a connection ahead of need and sends nothing
    on it: the server waits on that socket for a request line while the page's real request
    queues behind it (a 30 s goto timeout on a loaded machine).
    """
    server = make_server(
        "127.0.0.1", 0, _tracking(app), threaded=True, request_handler=_ClosingHandler
    )
    server.one_request_at_a_time = threading.Lock()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    yield context.new_page()
    context.close()


DEMO_PASSWORD = "demo passphrase 1"


def assessed_demo(app) -> None:
    """The demo organisation with its first assessment, as `supplychain demo` leaves it."""
    from sqlmodel import select

    from supplychain import db
    from supplychain.demo import load_demo
    from supplychain.models import Organisation
    from supplychain.questionnaires.catalogue import get_catalogue

    with app.app_context():
        session = db.get_session()
        summary = load_demo(session=session, password=DEMO_PASSWORD)
        session.commit()
        org = session.exec(
            select(Organisation).where(Organisation.slug == summary.organisation)
        ).one()
        risk_jobs.run_now(session=session, organisation_id=org.id, catalogue=get_catalogue())


def sign_in(page, live_server: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{live_server}/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def job_done(page) -> None:
    """Wait for a job's page, which refreshes itself each second while the job works, to stop."""
    page.locator('meta[http-equiv="refresh"]').wait_for(state="detached", timeout=30_000)


def save_section(page) -> None:
    """Press "Save and continue" (or "Save and review") and wait for the next page."""
    page.get_by_role("button", name="Save and").click()
    page.wait_for_load_state()


def submit_answers(page, signed_by: str) -> None:
    """Sign the review page, submit, and wait for the thank-you page."""
    page.get_by_label("Your name and position").fill(signed_by)
    page.get_by_role("button", name="Submit the answers").click()
    page.get_by_role("heading", name="Thank you").wait_for()


def download_pdf(page, folder: Path) -> PdfReader:
    """Wait for the report page's download link (the page refreshes itself until the report is
    made), download the PDF into folder and read it back."""
    link = page.get_by_role("link", name="Download the PDF")
    link.wait_for(timeout=15000)
    with page.expect_download() as info:
        link.click()
    target = folder / "report.pdf"
    info.value.save_as(target)
    return PdfReader(io.BytesIO(target.read_bytes()))
