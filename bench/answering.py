"""Benchmark the supplier's answering pages under gunicorn on loopback.

    python bench/answering.py                       # SQLite file, the embedded default
    python bench/answering.py --postgres postgresql://postgres@127.0.0.1:5432/test

Real HTTP clients (one thread each, their own cookies) open their links, read pages and post
the whole self-assessment. An untimed round (one full response per client) warms every worker
first. Every latency is printed next to a baseline measured in the same run at the same
concurrency: the sign-in page, the cheapest page the app renders.

Targets (issue 5, 2-core machine): questionnaire page p95 <= 50 ms at 10 concurrent clients;
submit of a full response p95 <= 100 ms at 10 concurrent; at 50 concurrent clients, zero
errors and zero lost answers (rows counted in the database afterwards).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from supplychain import create_app, db  # noqa: E402
from supplychain.invitations import services as invitations  # noqa: E402
from supplychain.models import Role, utcnow  # noqa: E402
from supplychain.questionnaires.catalogue import get_catalogue  # noqa: E402
from supplychain.questionnaires.sample import plain_answers  # noqa: E402
from tests.answering import section_form  # noqa: E402
from tests.factories import make_org, make_supplier, make_user  # noqa: E402

QUESTIONNAIRE = "supplier-self-assessment"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class Client:
    """A browser-like client: its own cookies, no redirects followed, latency of every call."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.errors: list[str] = []

    def request(self, method: str, path: str, body: list | None = None) -> tuple[int, str, float]:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        elapsed = time.perf_counter() - start
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        if response.status >= 400:
            self.errors.append(f"{method} {path}: {response.status}")
        return response.status, text, elapsed

    def csrf(self, path: str) -> str:
        _status, text, _t = self.request("GET", path)
        match = CSRF.search(text)
        if not match:
            self.errors.append(f"no form on {path}")
            return ""
        return match.group(1)

    def start(self, token: str) -> None:
        self.request("POST", f"/r/{token}", [("csrf_token", self.csrf(f"/r/{token}"))])


def answer_all(client: Client, questionnaire, answers) -> tuple[list[float], float]:
    """Post every section, then submit; return the section posts' times and the submit's."""
    times = []
    for section in questionnaire.sections:
        path = f"/r/answer?section={section.id}"
        body = [("csrf_token", client.csrf(path)), ("go", "next")]
        body += section_form(questionnaire, section.id, answers)
        status, _text, elapsed = client.request("POST", path, body)
        if status != 303:
            client.errors.append(f"section {section.id}: {status}")
        times.append(elapsed)
    body = [("csrf_token", client.csrf("/r/answer")), ("respondent_name", "Bench Respondent")]
    status, _text, submit = client.request("POST", "/r/review", body)
    if status != 303:
        client.errors.append(f"submit: {status}")
    return times, submit


WRK_SCRIPT = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], {["Cookie"] = "%s"})
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d\\n", latency:percentile(50),
    latency:percentile(95), summary.requests, summary.errors.status + summary.errors.connect
    + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def wrk_read(port: int, paths: list[str], cookie: str, seconds: float, clients: int):
    """Latencies measured by wrk (C, outside our GIL): (p50 s, p95 s, requests, errors)."""
    lua = WRK_SCRIPT % (", ".join(f'"{p}"' for p in paths), cookie)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    duration = f"{max(1, round(seconds))}s"
    command = ["wrk", "-t", "2", "-c", str(clients), "-d", duration, "-s", script.name]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}/"], capture_output=True, text=True, check=True
    ).stdout
    os.unlink(script.name)
    p50, p95_us, requests, errors = map(int, output.rsplit("RESULT ", 1)[1].split())
    return p50 / 1e6, p95_us / 1e6, requests, errors


def in_threads(count: int, work) -> None:
    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def ms(value: float) -> str:
    return f"{value * 1000:6.1f} ms"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(env: dict[str, str], invited: int) -> list[str]:
    """A migrated database with one organisation and `invited` suppliers, each with a link."""
    os.environ.update(env)
    app = create_app()
    with app.app_context():
        db.upgrade(db.get_engine())
        session = db.get_session()
        org = make_org(session, "bench", "Bench Buyer AS")
        user = make_user(session, org, Role.OFFICER, email="bench@buyer.example")
        suppliers = [
            make_supplier(session, org, code=f"B{i}", email=f"s{i}@bench.example", country="GB")
            for i in range(invited)
        ]
        _campaign, links = invitations.create_campaign(
            session=session,
            organisation_id=org.id,
            user_id=user.id,
            questionnaire=get_catalogue().current[QUESTIONNAIRE],
            title="Bench",
            message="",
            deadline=utcnow() + timedelta(days=30),
            supplier_ids=[s.id for s in suppliers],
            base_url=app.config["BASE_URL"],
            now=utcnow(),
        )
        session.commit()
    app.extensions["engine"].dispose()
    return [link.url.rsplit("/", 1)[1] for link in links]


def serve(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen:
    command = [sys.executable, "-c", "from supplychain.cli import cli; cli()", "serve"]
    command += ["--port", str(port), "--workers", str(workers), "--threads", str(threads)]
    server = subprocess.Popen(
        command, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def count_rows(url: str) -> tuple[int, int]:
    engine = db.make_engine(url)
    with engine.connect() as connection:
        submitted = connection.execute(
            sa.text("SELECT count(*) FROM response WHERE status = 'submitted'")
        ).scalar_one()
        answers = connection.execute(sa.text("SELECT count(*) FROM answer")).scalar_one()
    engine.dispose()
    return submitted, answers


def warm_up(port: int, tokens: list[str], questionnaire, answers) -> None:
    """One untimed full response per client, so that every worker has compiled its templates,
    form classes and SQL before anything is timed (only a restart's first requests pay that)."""
    errors: list[str] = []

    def responder(i: int) -> None:
        client = Client(port)
        client.request("GET", "/account/login")
        client.start(tokens[i])
        answer_all(client, questionnaire, answers)
        errors.extend(client.errors)

    in_threads(len(tokens), responder)
    for error in errors[:10]:
        print("   warming up:", error)


def read_phase(port: int, tokens: list[str], sections: list[str], args) -> list[str]:
    """Baseline and questionnaire pages at the same concurrency, for the same length of time."""
    if shutil.which("wrk"):
        client = Client(port)
        client.start(tokens[0])
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        base = wrk_read(port, ["/account/login"], "", args.seconds, args.clients)
        pages = wrk_read(port, sections, cookie, args.seconds, args.clients)
        tool = "wrk"
    else:  # Python clients: their own GIL adds to the latencies measured
        base = python_read(port, lambda c, i: ["/account/login"], args)
        pages = python_read(port, lambda c, i: (c.start(tokens[i]), sections)[1], args)
        tool = "Python clients"
    print(f"\n== reading, {args.clients} concurrent clients, {args.seconds:.0f} s each ({tool}) ==")
    print(f"baseline (sign-in page): p50 {ms(base[0])}  p95 {ms(base[1])}  ({base[2]} requests)")
    ok = pages[1] <= 0.050 and not pages[3] and not base[3]
    print(
        f"questionnaire page:      p50 {ms(pages[0])}  p95 {ms(pages[1])}"
        f"  = {pages[1] / base[1]:.1f}x baseline  ({pages[2]} requests, {pages[3]} errors;"
        f" target p95 <= 50 ms) {'ok' if ok else 'MISSED'}"
    )
    return [] if ok else ["page"]


def python_read(port: int, paths_for, args) -> tuple[float, float, int, int]:
    latencies: list[float] = []
    errors: list[str] = []
    stop = time.monotonic() + args.seconds

    def work(i: int) -> None:
        client = Client(port)
        paths = paths_for(client, i)
        n = 0
        while time.monotonic() < stop:
            latencies.append(client.request("GET", paths[n % len(paths)])[2])
            n += 1
        errors.extend(client.errors)

    in_threads(args.clients, work)
    return statistics.median(latencies), p95(latencies), len(latencies), len(errors)


def answer_phase(port: int, tokens: list[str], questionnaire, answers, args, base_p95) -> list[str]:
    """Each client answers full responses one after another; section saves and submits timed."""
    section_posts: list[float] = []
    submits: list[float] = []
    errors: list[str] = []

    def responder(i: int) -> None:
        for r in range(args.rounds):
            client = Client(port)
            client.start(tokens[i * args.rounds + r])
            times, submit = answer_all(client, questionnaire, answers)
            section_posts.extend(times)
            submits.append(submit)
            errors.extend(client.errors)

    in_threads(args.clients, responder)
    ok = p95(submits) <= 0.100 and not errors
    print(f"\n== answering, {args.clients} concurrent clients, {len(submits)} full responses ==")
    print(
        f"section save:            p50 {ms(statistics.median(section_posts))}"
        f"  p95 {ms(p95(section_posts))}"
    )
    print(
        f"submit:                  p50 {ms(statistics.median(submits))}  p95 {ms(p95(submits))}"
        f"  = {p95(submits) / base_p95:.1f}x the sign-in page's p95"
        f"  (target p95 <= 100 ms) {'ok' if ok else 'MISSED'}"
    )
    for error in errors[:10]:
        print("  ", error)
    return [] if ok else ["submit"]


def stress_phase(port: int, tokens: list[str], questionnaire, answers, url: str) -> list[str]:
    """Everyone at once, one full response each; then count what reached the database."""
    before = count_rows(url)
    errors: list[str] = []

    def stressed(i: int) -> None:
        client = Client(port)
        client.start(tokens[i])
        answer_all(client, questionnaire, answers)
        errors.extend(client.errors)

    started = time.perf_counter()
    in_threads(len(tokens), stressed)
    took = time.perf_counter() - started
    submitted, rows = count_rows(url)
    new_responses, new_rows = submitted - before[0], rows - before[1]
    expected = len(tokens) * len(answers)
    ok = not errors and new_responses == len(tokens) and new_rows == expected
    print(f"\n== {len(tokens)} concurrent clients, one full response each ({took:.1f} s) ==")
    print(
        f"errors {len(errors)}; responses submitted {new_responses}/{len(tokens)}; "
        f"answers stored {new_rows}/{expected} (lost {expected - new_rows})"
        f" {'ok' if ok else 'MISSED'}"
    )
    for error in errors[:10]:
        print("  ", error)
    return [] if ok else ["stress"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--stress-clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each read phase")
    parser.add_argument("--rounds", type=int, default=3, help="full responses per client")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--postgres", help="PostgreSQL server URL; a database is made for the run")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-answering-"))
    port = free_port()
    url, drop_database = make_database(args.postgres, folder)
    env = {
        "SUPPLYCHAIN_DATABASE_URL": url,
        "SUPPLYCHAIN_INSTANCE_PATH": str(folder),
        "SUPPLYCHAIN_SECRET_KEY": secrets.token_hex(32),
        "SUPPLYCHAIN_BASE_URL": f"http://127.0.0.1:{port}",
        # Every client comes from 127.0.0.1 here; behind a proxy each supplier has its own address.
        "SUPPLYCHAIN_RESPOND_RATE_LIMIT": "1000000 per minute",
    }
    answering = args.clients * args.rounds
    stress = args.clients + answering
    tokens = prepare(env, stress + args.stress_clients + args.clients)
    questionnaire = get_catalogue_for(env)
    answers = plain_answers(
        questionnaire,
        {
            "uses_subcontractors": "yes",
            "subcontractors": [
                {"name": "Bench Sub SIA", "registration_no": "40100000001", "country": "LV"},
                {"name": "Bench Two OÜ", "registration_no": "EE10000001", "country": "EE"},
            ],
        },
    )
    server = serve(env, port, args.workers, args.threads)
    print(f"{url.split('://')[0]}; gunicorn {args.workers} workers x {args.threads} threads")
    sections = [f"/r/answer?section={s.id}" for s in questionnaire.sections]
    try:
        warm_up(port, tokens[stress + args.stress_clients :], questionnaire, answers)
        failures = read_phase(port, tokens[: args.clients], sections, args)
        base = (
            wrk_read(port, ["/account/login"], "", 2, args.clients)[1]
            if shutil.which("wrk")
            else python_read(port, lambda c, i: ["/account/login"], args)[1]
        )
        failures += answer_phase(
            port,
            tokens[args.clients : stress],
            questionnaire,
            answers,
            args,
            base,
        )
        failures += stress_phase(
            port, tokens[stress : stress + args.stress_clients], questionnaire, answers, url
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        drop_database()
    print("\nall targets met" if not failures else f"\nmissed: {', '.join(failures)}")
    return 1 if failures else 0


def get_catalogue_for(env: dict[str, str]):
    app = create_app()
    with app.app_context():
        return get_catalogue().current[QUESTIONNAIRE]


def make_database(postgres: str | None, folder: Path):
    if not postgres:
        return f"sqlite:///{folder / 'bench.db'}", lambda: None
    name = f"bench_answering_{secrets.token_hex(4)}"
    admin = db.make_engine(postgres).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(db.make_engine(postgres).url).set(database=name)

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.render_as_string(hide_password=False), drop


if __name__ == "__main__":
    sys.exit(main())
