"""Benchmark the summary report (the board's view) against the full report of the same
generated chain of 2,000 suppliers, both made in this run the way the worker makes them.

    python bench/report_summary.py
    python bench/report_summary.py --suppliers 2000 --database postgresql://...@127.0.0.1/test

The full report is the baseline, measured in the same run on the same chain and assessment.
Targets (issue 23, 2-core machine): the summary of 2,000 suppliers <= 30 s and <= 30 pages.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

from chain import bulk_insert, generate, mark  # noqa: E402
from report import OTHER_SECTORS, _app  # noqa: E402

from supplychain import db  # noqa: E402
from supplychain.accounts import services as accounts  # noqa: E402
from supplychain.models import utcnow  # noqa: E402
from supplychain.questionnaires.catalogue import get_catalogue  # noqa: E402
from supplychain.reports import jobs as report_jobs  # noqa: E402
from supplychain.reports import services  # noqa: E402
from supplychain.reports.context import Scope  # noqa: E402
from supplychain.risk import jobs as risk_jobs  # noqa: E402
from supplychain.risk import services as risk  # noqa: E402


def make(app, organisation_id: int, kind: str) -> tuple[float, int, list[int]]:
    """Queue a report of this kind and make it as the worker does: seconds, pages, and the
    percentages its progress went through."""
    with app.app_context():
        session = db.get_session()
        report = services.queue_report(
            session=session, organisation_id=organisation_id, scope=Scope(), lang="en", kind=kind
        )
        session.commit()
        steps: list[int] = []
        start = time.perf_counter()
        report_jobs.claim(session, report, utcnow())
        report_jobs.generate(
            session=session,
            report=report,
            catalogue=get_catalogue(),
            progress=lambda percent, _step: steps.append(percent),
        )
        return time.perf_counter() - start, report.pages, steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", help="default: a SQLite file in a temporary folder")
    parser.add_argument("--suppliers", type=int, default=2000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-summary-"))
    url = args.database or f"sqlite:///{folder / 'bench.db'}"
    app = _app(url, str(folder / "reports"))
    with app.app_context():
        db.upgrade(db.get_engine())
        session = db.get_session()
        org = accounts.create_organisation(session=session, slug="bench-summary", name="Bench")
        org.country = "LV"
        session.commit()
        org_id = org.id
        bulk_insert(session, org_id, generate(args.suppliers))
        for remainder, code in enumerate(OTHER_SECTORS, start=1):
            session.execute(
                sa.text(
                    "UPDATE supplier SET sector = :code WHERE organisation_id = :org"
                    " AND kind = 'company' AND id % 4 = :remainder"
                ),
                {"code": code, "org": org_id, "remainder": remainder},
            )
        session.commit()
        run = risk_jobs.run_now(session=session, organisation_id=org_id, catalogue=get_catalogue())
        flags = session.execute(
            sa.select(sa.func.count()).select_from(risk.flags_of(session, run).subquery())
        ).scalar_one()
    make(app, org_id, "summary")  # warm: WeasyPrint's import and fonts are not the report's
    summary_s, summary_pages, steps = make(app, org_id, "summary")
    full_s, full_pages, _steps = make(app, org_id, "full")
    ok_time, ok_pages = summary_s <= 30, summary_pages <= 30
    print(f"{args.suppliers:,} suppliers, {flags:,} flags")
    print(f"full report (baseline): {full_s:.1f} s, {full_pages} pages")
    print(
        f"summary report: {summary_s:.1f} s (target <= 30 s) {mark(ok_time)}, "
        f"{summary_pages} pages (target <= 30) {mark(ok_pages)}; "
        f"{summary_s / full_s:.0%} of the full report's time, "
        f"{summary_pages / full_pages:.0%} of its pages"
    )
    print("progress recorded at:", " ".join(f"{p}%" for p in steps))
    return 0 if ok_time and ok_pages else 1


if __name__ == "__main__":
    sys.exit(main())
