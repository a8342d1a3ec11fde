"""The mail worker: its command, its loop, and a worker process killed mid-batch."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable

import click
import pytest
from sqlmodel import func, select

from supplychain import create_app, db
from supplychain.cli import cli
from supplychain.invitations import outbox
from supplychain.models import OutboxMessage, OutboxStatus
from supplychain.ops.cli import register, worker
from supplychain.worker import run_forever
from tests import mailserver

# `supplychain worker`, run by this interpreter (the venv's console script may not be on PATH).
WORKER = [
    sys.executable,
    "-c",
    "from supplychain.cli import cli; cli()",
    "worker",
    "--interval",
    "0.1",
]


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.02)


def queue(session, count: int) -> set[str]:
    """Queue count mails and commit; return their Message-IDs."""
    ids = {
        outbox.enqueue(
            session=session,
            to=f"s{n}@supplier.example",
            subject=f"Mail {n}",
            text=f"Mail number {n}",
            html="",
            kind="test",
        ).message_id
        for n in range(count)
    }
    session.commit()
    return ids


def test_worker_once_sends_what_is_due_and_says_so(app, session, runner, smtp):
    ids = queue(session, 3)
    group = click.Group()
    register(group)
    result = runner.invoke(group, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    said = (
        "reminders 0, sent 3, retried 0, dead 0, assessments 0, sendings 0, imports 0, reports 0, "
        "cases_purged 0, signups_deleted 0, nightly_runs 0"
    )
    assert result.output.strip() == said
    assert {m["Message-ID"] for m in smtp.messages} == ids
    session.expire_all()
    statuses = session.exec(select(OutboxMessage.status)).all()
    assert statuses == [OutboxStatus.SENT] * 3


def test_worker_refuses_an_unmigrated_database(tmp_path, monkeypatch):
    monkeypatch.setenv("SUPPLYCHAIN_DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    monkeypatch.setenv("SUPPLYCHAIN_INSTANCE_PATH", str(tmp_path))
    app = create_app()
    result = app.test_cli_runner().invoke(worker, ["--once"])
    assert result.exit_code == 1
    assert "Run `supplychain db upgrade` first." in result.output
    app.extensions["engine"].dispose()


def test_run_forever_survives_a_failing_tick_and_stops_when_asked(app, session, smtp, caplog):
    [message_id] = queue(session, 1)
    app.config["OUTBOX_BATCH"] = "not a number"  # every tick fails until this is mended
    stop, ticks = threading.Event(), []
    loop = threading.Thread(
        target=run_forever,
        args=(app,),
        kwargs={"interval": 0.05, "stop_event": stop, "on_tick": ticks.append},
    )
    loop.start()
    try:
        wait_until(lambda: "worker tick failed" in caplog.text, "a tick fails", timeout=10)
        app.config["OUTBOX_BATCH"] = 50
        wait_until(lambda: len(smtp.messages) == 1, "the mail arrives", timeout=10)
    finally:
        stop.set()
        loop.join(timeout=10)
    assert not loop.is_alive()
    assert smtp.messages[0]["Message-ID"] == message_id
    assert sum(tick["sent"] for tick in ticks) == 1


@pytest.fixture
def worker_env(database_url, tmp_path, monkeypatch):
    """An app and environment for worker processes: a database they can share (a file, not
    memory, on SQLite), a short lease, and a real SMTP server taking 0.1 s a message."""
    url = database_url if database_url != "sqlite://" else f"sqlite:///{tmp_path / 'worker.db'}"
    controller, inbox, port = mailserver.start()
    receive = inbox.handle_DATA

    async def slowly(server, session, envelope):
        await asyncio.sleep(0.1)
        return await receive(server, session, envelope)

    inbox.handle_DATA = slowly  # aiosmtpd looks its hooks up on the handler per connection
    # Small batches, so that the two restarted workers take turns claiming.
    (tmp_path / "config.py").write_text("OUTBOX_LEASE_SECONDS = 2\nOUTBOX_BATCH = 5\n")
    for key, value in {
        "DATABASE_URL": url,
        "INSTANCE_PATH": str(tmp_path),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
    }.items():
        monkeypatch.setenv(f"SUPPLYCHAIN_{key}", value)
    app = create_app()
    result = app.test_cli_runner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert app.config["OUTBOX_LEASE_SECONDS"] == 2
    yield app, inbox
    app.extensions["engine"].dispose()
    controller.stop()


def start_worker(tmp_path, name: str) -> subprocess.Popen:
    with open(tmp_path / f"{name}.log", "wb") as log:  # the child keeps its own copy open
        return subprocess.Popen(WORKER, env=os.environ.copy(), stdout=log, stderr=log)


def unsent(app) -> int:
    with app.app_context():
        pending = select(func.count()).where(OutboxMessage.status != OutboxStatus.SENT)
        return db.get_session().exec(pending).one()


def test_a_worker_killed_mid_batch_loses_no_mail(worker_env, tmp_path):
    """SIGKILL after ten mails; two fresh workers send the rest once the lease has run out."""
    app, inbox = worker_env
    with app.app_context():
        ids = queue(db.get_session(), 40)

    first = start_worker(tmp_path, "first")
    try:
        wait_until(lambda: len(inbox.messages) >= 10, "ten mails arrive")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    assert len(inbox.messages) < 40, "the worker was to be killed mid-batch"

    workers = [start_worker(tmp_path, f"worker{n}") for n in (1, 2)]
    try:
        wait_until(lambda: unsent(app) == 0, "every mail is sent")
    finally:
        for process in workers:
            process.send_signal(signal.SIGTERM)
        codes = [process.wait(timeout=20) for process in workers]
    assert codes == [0, 0], [(tmp_path / f"worker{n}.log").read_text() for n in (1, 2)]

    received = Counter(message["Message-ID"] for message in inbox.messages)
    assert set(received) == ids
    # At least once: only the mail in flight when the worker died may have arrived twice.
    assert sum(received.values()) - len(ids) <= 1, received.most_common(3)
