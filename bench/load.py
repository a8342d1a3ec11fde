"""Load and fault test: suppliers answering for a while against gunicorn, optionally with the
PostgreSQL server restarted in the middle; then count what reached the database.

    python bench/load.py --postgres postgresql://postgres@127.0.0.1:5432/test
    python bench/load.py --postgres postgresql://postgres@127.0.0.1:5432/test --restart-db-at 20

Each client opens a fresh link, answers every section and submits, again and again, like a
supplier would: when a page answers 503 (the database is away) it waits as the page says and
tries again. Every other error counts as a failure. Afterwards every response a client saw
accepted must be in the database as submitted, with all its answers, and nothing else.

Targets (issue 9, 2-core machine): 50 concurrent suppliers for 60 s, 0 errors, every
submitted answer in the database; with a restart, requests fail only as 503 and recover.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

from answering import (  # noqa: E402
    CSRF,
    Client,
    count_rows,
    free_port,
    get_catalogue_for,
    make_database,
    prepare,
    serve,
)

from supplychain.questionnaires.sample import plain_answers  # noqa: E402
from tests.answering import section_form  # noqa: E402


class Supplier(Client):
    """A client that waits out 503 answers, and keeps a log of every status it got."""

    def __init__(self, port: int, codes: Counter, timeline: list) -> None:
        super().__init__(port)
        self.codes, self.timeline = codes, timeline

    def patient(self, method: str, path: str, body_for=None, want=(200, 302, 303)) -> str:
        for _attempt in range(120):
            body = body_for() if body_for else None
            try:
                status, text, _elapsed = self.request(method, path, body)
            except OSError as exc:  # the app server itself never goes away in this test
                self.errors.append(f"{method} {path}: {exc}")
                return ""
            self.codes[status] += 1
            self.timeline.append((time.monotonic(), status))
            if status == 503:
                self.errors = [e for e in self.errors if not e.endswith(": 503")]
                time.sleep(0.5)
                continue
            if status not in want:
                self.errors.append(f"{method} {path}: unexpected {status}")
            return text
        self.errors.append(f"{method} {path}: still 503 after a minute")
        return ""

    def token_for(self, path: str) -> str:
        match = CSRF.search(self.patient("GET", path))
        return match.group(1) if match else ""

    def respond(self, token: str, questionnaire, answers) -> bool:
        """One whole response; True when the submit was accepted."""
        link = f"/r/{token}"
        self.patient("POST", link, lambda: [("csrf_token", self.token_for(link))])
        for section in questionnaire.sections:
            path = f"/r/answer?section={section.id}"
            fields = section_form(questionnaire, section.id, answers)
            self.patient(
                "POST", path, lambda p=path, f=fields: [("csrf_token", self.token_for(p)), *f]
            )
        before = len(self.errors)
        self.patient(
            "POST",
            "/r/review",
            lambda: [("csrf_token", self.token_for("/r/review")), ("respondent_name", "Load")],
            want=(303,),
        )
        return len(self.errors) == before


def restart_postgres() -> None:
    version = next(iter(sorted(p.name for p in Path("/etc/postgresql").iterdir())))
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--postgres", help="PostgreSQL server URL; default: a SQLite file")
    parser.add_argument("--restart-db-at", type=float, help="restart PostgreSQL after S seconds")
    args = parser.parse_args()
    if args.restart_db_at is not None and not args.postgres:
        parser.error("--restart-db-at needs --postgres")

    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    port = free_port()
    url, drop_database = make_database(args.postgres, folder)
    env = {
        "SUPPLYCHAIN_DATABASE_URL": url,
        "SUPPLYCHAIN_INSTANCE_PATH": str(folder),
        "SUPPLYCHAIN_SECRET_KEY": "load-" + "x" * 40,
        "SUPPLYCHAIN_BASE_URL": f"http://127.0.0.1:{port}",
        "SUPPLYCHAIN_RESPOND_RATE_LIMIT": "1000000 per minute",  # every client is 127.0.0.1
    }
    # Enough links for the fastest plausible pace: a response every half second per client.
    tokens = prepare(env, int(args.clients * (args.seconds * 2 + 4)))
    questionnaire = get_catalogue_for(env)
    answers = plain_answers(questionnaire)
    server = serve(env, port, args.workers, 1)
    codes: Counter = Counter()
    timeline: list[tuple[float, int]] = []
    accepted: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + args.seconds
    started = time.monotonic()

    def supplier(i: int) -> None:
        done = 0
        for token in tokens[i :: args.clients]:
            if time.monotonic() >= stop:
                break
            client = Supplier(port, codes, timeline)
            done += client.respond(token, questionnaire, answers)
            with lock:
                errors.extend(client.errors)
        with lock:
            accepted.append(done)

    restart = None
    if args.restart_db_at is not None:
        restart = threading.Timer(args.restart_db_at, restart_postgres)
        restart.start()
    threads = [threading.Thread(target=supplier, args=(i,)) for i in range(args.clients)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if restart is not None:
            restart.join()
        submitted, rows = count_rows(url)
    finally:
        server.terminate()
        server.wait(timeout=30)
        drop_database()
    took = time.monotonic() - started
    total = sum(accepted)
    expected_rows = total * len(answers)
    print(f"== {args.clients} suppliers answering for {took:.0f} s ({url.split(':')[0]}) ==")
    print(f"requests {sum(codes.values())}: {dict(sorted(codes.items()))}")
    print(f"responses accepted {total}; submitted in the database {submitted}")
    print(f"answers stored {rows} of {expected_rows} (lost {expected_rows - rows})")
    unavailable = [t - started for t, status in timeline if status == 503]
    if unavailable:
        last = max(unavailable)
        after = [t - started for t, status in timeline if status != 503 and t - started > last]
        print(
            f"database away: 503 from {min(unavailable):.1f} s to {last:.1f} s "
            f"({len(unavailable)} answers); next success at {min(after, default=0):.1f} s"
        )
    for error in errors[:10]:
        print("  ", error)
    ok = not errors and submitted == total and rows == expected_rows
    print(f"errors {len(errors)} {'ok' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
