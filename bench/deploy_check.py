"""Check a running deployment: several app servers and workers share the load, no mail twice.

Run it beside the processes started as docs/deploy.md shows, with the same SUPPLYCHAIN_*
settings. It listens as the SMTP server the workers send to, invites --mails suppliers of a
new organisation (through the same service the invitation pages use), waits for every mail,
then opens each mailed link on the app servers in turn, as a load balancer would send them.

    python bench/deploy_check.py --servers http://127.0.0.1:8001,http://127.0.0.1:8002 \\
        --smtp-port 8025 --worker-logs /tmp/sc-example/worker1.log,/tmp/sc-example/worker2.log

Prints what each server and worker did, and exits 1 unless: every mail arrived exactly once,
every link opened on every server, and (with --worker-logs) every worker sent some of them.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import urllib.request
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from supplychain import create_app, db  # noqa: E402
from supplychain.invitations import services as invitations  # noqa: E402
from supplychain.models import Organisation, OutboxMessage, OutboxStatus, utcnow  # noqa: E402
from supplychain.questionnaires.catalogue import get_catalogue  # noqa: E402
from tests.factories import make_org, make_supplier  # noqa: E402
from tests.mailserver import Inbox  # noqa: E402


def invite(app, n: int) -> tuple[int, str]:
    """A new organisation with n invited suppliers; returns its id and slug."""
    slug = f"deploy-check-{int(time.time())}"
    with app.app_context():
        session = db.get_session()
        org = make_org(session, slug=slug, name="Deploy check")
        suppliers = [
            make_supplier(session, org, code=f"D{i}", email=f"d{i}@{slug}.example")
            for i in range(n)
        ]
        invitations.create_campaign(
            session=session,
            organisation_id=org.id,
            user_id=None,
            questionnaire=get_catalogue().current["supplier-self-assessment"],
            title="Deploy check",
            message="",
            deadline=utcnow() + timedelta(days=7),
            supplier_ids=[s.id for s in suppliers],
            base_url=app.config["BASE_URL"],
            now=utcnow(),
        )
        session.commit()
        return org.id, slug


def unsent(app, org_id: int) -> int:
    with app.app_context():
        query = sa.select(sa.func.count()).where(
            OutboxMessage.organisation_id == org_id, OutboxMessage.status != OutboxStatus.SENT
        )
        return int(db.get_session().execute(query).scalar_one())


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our servers)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def worker_sent(log: Path) -> int:
    """Mails a worker says it has sent, by the lines of its log ("sent 5, ...")."""
    return sum(int(n) for n in re.findall(r"\bsent (\d+)", log.read_text()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", required=True, help="comma-separated app server URLs")
    parser.add_argument("--smtp-port", type=int, required=True)
    parser.add_argument("--mails", type=int, default=100)
    parser.add_argument("--worker-logs", default="", help="comma-separated worker log files")
    parser.add_argument("--timeout", type=float, default=180)
    args = parser.parse_args()
    servers = [s.rstrip("/") for s in args.servers.split(",")]
    logs = [Path(p) for p in args.worker_logs.split(",") if p]
    before = {log: worker_sent(log) for log in logs}

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=args.smtp_port)
    controller.start()
    app = create_app()
    failures: list[str] = []
    try:
        started = time.perf_counter()
        org_id, slug = invite(app, args.mails)
        deadline = time.monotonic() + args.timeout
        while unsent(app, org_id) and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(2)  # a duplicate, if any, would arrive right after
        elapsed = time.perf_counter() - started
        mine = [m for m in inbox.messages if str(m["To"]).endswith(f"@{slug}.example")]
        ids = Counter(m["Message-ID"] for m in mine)
        twice = sum(ids.values()) - len(ids)
        print(f"{len(ids)} of {args.mails} mails arrived in {elapsed:.1f} s; {twice} twice")
        if len(ids) != args.mails or twice:
            failures.append("mail")

        answers: dict[str, Counter[int]] = {server: Counter() for server in servers}
        for message in mine:  # every link on every server: any of them may get a supplier
            link = urlsplit(inbox.links(message)[0])
            for server in servers:
                answers[server][status_of(f"{server}{link.path}")] += 1
        for server, codes in answers.items():
            print(f"{server}: opened {codes[200]} of {len(mine)} links; answers {dict(codes)}")
            if codes[200] != len(mine):
                failures.append(server)
        for log in logs:
            sent = worker_sent(log) - before[log]
            print(f"{log}: sent {sent}")
            if sent == 0:
                failures.append(str(log))
        with app.app_context():
            session = db.get_session()
            session.execute(sa.delete(Organisation).where(Organisation.id == org_id))
            session.commit()
    finally:
        controller.stop()
        app.extensions["engine"].dispose()
    print("deployment ok" if not failures else f"FAILED: {', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
