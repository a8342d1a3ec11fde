"""Benchmark refusing abusive chain files: a 1e1000000 number cell, and an XLSX bomb.

    python bench/abuse.py                 # 200-row files, a bomb of 1 GB unpacked
    python bench/abuse.py --rows 2000 --bomb-mb 500

Each refusal is timed next to a baseline measured in the same run: importing (checking) an
ordinary file of the same size, identical but for the one number, through the same path (the
parser, the import page with its job's check, and `supplychain import-chain`). The bomb's peak
memory is measured in a fresh process (ru_maxrss) next to that process reading an ordinary
workbook, and to openpyxl opening a bomb an eighth the size, as the import did before the check.

Targets (issue 17, 2-core machine): the 1e1000000 import is refused, with its row and column
named, in under 1 s on every path (it took 95 s of CPU before); a ~1 MB bomb unpacking to 1 GB
is refused with under 100 MB of extra memory (it took 2.2 GB before).
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from supplychain import create_app, db  # noqa: E402
from supplychain.accounts import services as accounts  # noqa: E402
from supplychain.chain import importer  # noqa: E402
from supplychain.chain import jobs as import_jobs  # noqa: E402
from supplychain.chain.tabular import FileFormatError, read_table, write_csv, write_xlsx  # noqa: E402  # noqa: E402
from supplychain.cli import cli  # noqa: E402
from supplychain.models import Role  # noqa: E402

HUGE = "1e1000000"
ORDINARY = "100000000"  # as long as HUGE: the two files are the same size
PASSWORD = "bench passphrase 1"
SHARED = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def rows(n: int, workers: str) -> list[list[object]]:
    """A flat chain of n links whose first row's workers cell is the given text."""
    out: list[list[object]] = []
    for i in range(1, n + 1):
        cells = ["", f"S{i}", f"Supplier {i} SIA", "subcontract", "LV", "F41.2", "", "", "company"]
        out.append([*cells, "10", workers if i == 1 else "5", "1000", "100"])
    return out


def files(n: int) -> dict[str, tuple[bytes, bytes]]:
    """(abusive, ordinary) contents by file name, text cells in both formats."""
    return {
        "chain.csv": (write_csv(rows(n, HUGE)), write_csv(rows(n, ORDINARY))),
        "chain.xlsx": (write_xlsx(rows(n, HUGE)), write_xlsx(rows(n, ORDINARY))),
    }


def parse(name: str, content: bytes) -> str:
    try:
        importer.parse_chain(read_table(name, content))
    except importer.ImportRejected as exc:
        return f"refused: row {exc.errors[0].row}, {exc.errors[0].column}"
    except FileFormatError as exc:
        return f"refused: {exc}"
    return "accepted"


def timed(fn, *args, repeat: int = 5) -> tuple[float, object]:
    """Median seconds of repeat calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn(*args)
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def web_client(app):
    client = app.test_client()
    client.post(
        "/account/login",
        data={"email": "bench@abuse.example", "password": PASSWORD},
    )
    return client


def upload(client, name: str, content: bytes) -> str:
    """Upload through the import page, check the file as the worker does, read the job's page:
    the whole of what a person waits for before the refusal (or the preview) is shown."""
    response = client.post(
        "/chain/import",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )
    if response.status_code != 302:
        return str(response.status_code)
    import_jobs.run_waiting(client.application)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    if "The file was not imported" in html and "<code>workers</code>" in html:
        return "refused, row and column named"
    return "preview" if "Import" in html else "?"


def command(app, *args: str) -> str:
    """Run `supplychain ARGS` in this process (the same command, without interpreter start-up)."""
    result = app.test_cli_runner().invoke(cli, list(args))
    first = result.output.strip().splitlines()[:1]
    return f"exit {result.exit_code}: {first[0][:60] if first else ''}"


def bomb(path: Path, unpacked_mb: int) -> None:
    """A valid workbook whose shared strings unpack to unpacked_mb MB, written without holding
    them in memory."""
    # Strings of 32 KB, 32 to the megabyte: deflate packs them almost 1000 to 1, and openpyxl
    # keeps each one as a Python string.
    chunk = (b"<si><t>" + b"A" * (2**15 - 16) + b"</t></si>") * 32
    with (
        zipfile.ZipFile(io.BytesIO(write_xlsx(rows(1, ORDINARY)))) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED}"/>'
                data = data.replace(b"</Types>", override.encode() + b"</Types>")
            target.writestr(info.filename, data)
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            strings.write(
                b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            for _ in range(unpacked_mb):
                strings.write(chunk)
            strings.write(b"</sst>")


# Run in a fresh process, so that its peak memory is this file's alone.
MEMORY_PROBE = """
import io, json, resource, sys, time
import openpyxl
from supplychain.chain.tabular import FileFormatError, read_table
content = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    if sys.argv[2] == "unguarded":  # what the import did before: openpyxl first
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        outcome = f"opened by openpyxl, {sum(1 for _ in book.worksheets[0].iter_rows())} rows"
    else:
        table = read_table(sys.argv[1], content)
        outcome = f"read {len(table.rows)} rows"
except FileFormatError as exc:
    outcome = f"refused: {exc}"
seconds = time.perf_counter() - started
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"before_kb": before, "after_kb": after, "s": seconds, "outcome": outcome}))
"""


def memory(path: Path, how: str = "guarded") -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(path), how],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--bomb-mb", type=int, default=1024)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-abuse-"))
    url = f"sqlite:///{work / 'bench.db'}"
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "TESTING": False,
            "WTF_CSRF_ENABLED": False,
            "JOBS_IN_APP": False,  # the bench runs the job itself, timed
        }
    )
    with app.app_context():
        db.upgrade(db.get_engine())
        session = db.get_session()
        org = accounts.create_organisation(session=session, slug="abuse", name="Abuse")
        accounts.create_user(
            session=session,
            organisation_id=org.id,
            role=Role.OFFICER,
            email="bench@abuse.example",
            password=PASSWORD,
        )
        session.commit()
    client = web_client(app)
    worst = 0.0
    for name, (abusive, ordinary) in files(options.rows).items():
        print(f"\n== {name}: {options.rows} rows, {len(abusive):,} bytes, workers {HUGE} ==")
        for label, run, abuse_args, base_args in (
            ("parser", parse, (name, abusive), (name, ordinary)),
            ("import page", upload, (client, name, abusive), (client, name, ordinary)),
        ):
            refused, outcome = timed(run, *abuse_args)
            base, base_outcome = timed(run, *base_args)
            worst = max(worst, refused)
            print(
                f"{label}: refused in {refused * 1000:.1f} ms ({outcome}); ordinary file "
                f"{base * 1000:.1f} ms ({base_outcome}); ratio {refused / base:.2f}"
            )
        for content, path in ((abusive, work / f"abusive-{name}"), (ordinary, work / name)):
            path.write_bytes(content)
        args = ("import-chain", "--org", "abuse")
        refused, outcome = timed(command, app, *args, str(work / f"abusive-{name}"), repeat=3)
        base, base_outcome = timed(command, app, *args, "--dry-run", str(work / name), repeat=3)
        worst = max(worst, refused)
        print(
            f"supplychain import-chain: refused in {refused * 1000:.1f} ms ({outcome}); "
            f"ordinary file --dry-run {base * 1000:.1f} ms ({base_outcome}); "
            f"ratio {refused / base:.2f}"
        )
    print(f"\nslowest refusal: {worst:.2f} s (target < 1 s) {'ok' if worst < 1 else 'MISSED'}")

    print(f"\n== XLSX bomb: shared strings unpacking to {options.bomb_mb} MB ==")
    small = max(1, options.bomb_mb // 8)
    cases = [
        ("bomb", work / "bomb.xlsx", options.bomb_mb, "guarded"),
        ("ordinary workbook of 2,000 rows", work / "plain.xlsx", 0, "guarded"),
        (f"unguarded openpyxl, a bomb of {small} MB", work / "small-bomb.xlsx", small, "unguarded"),
    ]
    extra = 0.0
    for label, path, unpacked, how in cases:
        if unpacked:
            bomb(path, unpacked)
        else:
            path.write_bytes(write_xlsx(rows(2_000, ORDINARY)))
        found = memory(path, how)
        grown = (found["after_kb"] - found["before_kb"]) / 1024
        print(
            f"{label}: {path.stat().st_size / 2**20:.2f} MB file; {found['outcome']}; "
            f"{found['s'] * 1000:.1f} ms; peak memory {found['before_kb'] / 1024:.0f} MB "
            f"before, {found['after_kb'] / 1024:.0f} MB after: {grown:.1f} MB extra"
        )
        if label == "bomb":
            extra = grown
    print(
        f"bomb's extra memory: {extra:.1f} MB (target < 100 MB) {'ok' if extra < 100 else 'MISSED'}"
    )
    print(f"(files in {work})")


if __name__ == "__main__":
    main()
