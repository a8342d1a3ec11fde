"""The README's Quick start, alone (issue 18): `supplychain demo` is the only process started.
Its app mails the questionnaire itself (an .eml in the folder it prints), and once the supplier
has answered from the mailed link, it carries out the assessment itself: no worker runs."""

from __future__ import annotations

import email
import email.policy
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from supplychain.demo import DEMO_EMAIL
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.questionnaires.sample import plain_answers
from tests.answering import section_form
from tests.browser.conftest import submit_answers
from tests.conftest import CSRF_RE

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def _wait_for(found: Callable[[], object], what: str, timeout: float = 90) -> object:
    deadline = time.monotonic() + timeout
    while not (value := found()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)
    return value


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serving(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def demo(tmp_path) -> Iterator[dict[str, str]]:
    """`supplychain demo --port N` with a fresh instance folder; yields what it printed."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUPPLYCHAIN_")}
    env |= {
        "SUPPLYCHAIN_INSTANCE_PATH": str(tmp_path / "instance"),
        "PYTHONPATH": str(ROOT),  # this checkout's code, even beside an editable install
        "PYTHONUNBUFFERED": "1",
    }
    command = Path(sys.executable).parent / "supplychain"
    log = tmp_path / "demo.log"
    with log.open("wb") as output:  # a file, not a pipe: the access log never fills it up
        process = subprocess.Popen(
            [str(command), "demo", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:

        def printed() -> re.Match | None:
            text = log.read_text(encoding="utf-8", errors="replace")
            assert process.poll() is None, text
            return re.search(
                r"Sign in at (?P<url>http://\S+)/account/login\n.*?password: (?P<password>\S+)\n"
                r"Mail is written as \.eml files to (?P<mail>.+?); the app sends it",
                text,
                re.S,
            )

        found = _wait_for(printed, "the demo's login")
        _wait_for(lambda: _serving(port), "the demo's server")
        yield found.groupdict()  # type: ignore[union-attr]
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _latest_run(page, server: str) -> str | None:
    """The newest finished run the Risks page shows, if no assessment is under way."""
    page.goto(f"{server}/risk/")
    if page.get_by_text("An assessment is under way").count():
        return None
    return page.locator('a[href*="/risk/runs/"]').first.get_attribute("href")


def test_the_demo_alone_mails_the_questionnaire_and_assesses_the_answer(demo, browser, form_app):
    server, mail_dir = demo["url"], Path(demo["mail"])
    assert mail_dir.is_absolute()
    officer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    officer.goto(f"{server}/account/login")
    officer.get_by_label("Email").fill(DEMO_EMAIL)
    officer.get_by_label("Password").fill(demo["password"])
    officer.get_by_role("button", name="Sign in").click()
    first_run = _latest_run(officer, server)
    assert first_run is not None  # the demo's own first assessment

    officer.goto(f"{server}/chain/suppliers?q=RIGAFORM")
    officer.get_by_role("link", name="SIA Rīgas Veidņi").click()
    officer.get_by_role("link", name="Send a questionnaire").click()
    officer.get_by_role("button", name="Send", exact=True).click()
    officer.wait_for_load_state()

    def mailed() -> email.message.EmailMessage | None:
        for path in mail_dir.glob("*.eml"):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if message["To"] == "info@rigas-veidni.example" and message.get_body():
                return message  # type: ignore[return-value]
        return None

    mail = _wait_for(mailed, "the invitation's .eml")
    text = mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    [link] = re.findall(rf"{re.escape(server)}/r/\S+", text)

    with form_app.app_context():
        questionnaire = get_catalogue().current["supplier-self-assessment"]
    answers = plain_answers(questionnaire, {})
    supplier = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    supplier.goto(link)
    supplier.get_by_role("link", name="English").click()
    supplier.get_by_role("button", name="Start").click()
    supplier.wait_for_url(f"{server}/r/answer")
    # The sections are posted as the browser would post them, in its session (the pages
    # themselves are driven in test_answering_journey): this test is about who does the work.
    for section in questionnaire.sections:
        url = f"{server}/r/answer?section={section.id}"
        csrf = CSRF_RE.search(supplier.request.get(url).text())
        assert csrf, section.id
        pairs = [("csrf_token", csrf[1] or csrf[2]), ("go", "next")]
        pairs += section_form(questionnaire, section.id, answers)
        saved = supplier.request.post(
            url,
            data=urlencode(pairs),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            max_redirects=0,
        )
        assert saved.status == 303, (section.id, saved.status)
    supplier.goto(f"{server}/r/review")
    submit_answers(supplier, "Jānis Ozols, valdes loceklis")

    # No worker runs: the app assesses the answer by itself, and the Risks page shows it.
    newer = _wait_for(
        lambda: (run := _latest_run(officer, server)) != first_run and run,
        "a finished assessment after the answer",
    )
    officer.goto(f"{server}{newer}")
    assert officer.locator("dd", has_text="after a supplier's answers").count() == 1  # queued
    officer.goto(f"{server}/")  # the overview is current: no change since that run began
    overview = officer.locator("main").inner_text()
    assert "out of date" not in overview and "under way" not in overview
