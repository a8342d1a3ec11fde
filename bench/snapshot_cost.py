"""What keeping a run's chain (risk.snapshot.keep_chain) costs inside an assessment, at 10k and
100k suppliers: its own time next to the whole run's, measured in the same runs (a share is
steadier than absolute times on a shared machine).

    python bench/snapshot_cost.py --sizes 10000,100000

Three runs per size: the first (every supplier and link written), a repeat with nothing changed
(nothing read or written: the chain's hash matches), and one after 1% of suppliers were renamed
(the open rows read and compared, 1% closed and written again).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import col

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

from chain import bulk_insert, generate  # noqa: E402

from supplychain import create_app, db  # noqa: E402
from supplychain.accounts import services as accounts  # noqa: E402
from supplychain.models import Organisation, Supplier  # noqa: E402
from supplychain.questionnaires.catalogue import get_catalogue  # noqa: E402
from supplychain.risk import jobs as risk_jobs  # noqa: E402
from supplychain.risk import services, snapshot  # noqa: E402

spent: list[float] = []


def timed_keep(*args, **kwargs):
    start = time.perf_counter()
    snapshot.keep_chain(*args, **kwargs)
    spent.append(time.perf_counter() - start)


services.keep_chain = timed_keep  # the bench's own stopwatch around the real function


def measure(app, n: int) -> None:
    with app.app_context():
        session = db.get_session()
        org = accounts.create_organisation(session=session, slug=f"snap-{n}", name=f"Snap {n}")
        org.country = "LV"
        session.commit()
        bulk_insert(session, org.id, generate(n))
        catalogue = get_catalogue()
        print(f"\n== {n:,} suppliers ({db.get_engine().dialect.name}) ==")
        for label in ("first run", "repeat, nothing changed", "after 1% renamed"):
            if label.startswith("after"):
                table = Supplier.__table__
                session.execute(
                    sa.update(table)
                    .where(table.c.organisation_id == org.id, table.c.id % 100 == 0)
                    .values(name=table.c.name + " X")
                )
                session.commit()
            start = time.perf_counter()
            risk_jobs.run_now(session=session, organisation_id=org.id, catalogue=catalogue)
            total = time.perf_counter() - start
            print(
                f"{label}: run {total:.2f} s, keeping the chain {spent[-1]:.2f} s "
                f"({100 * spent[-1] / total:.0f}%)"
            )
        session.execute(sa.delete(Organisation).where(col(Organisation.id) == org.id))
        session.commit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--database-url", help="default: a new SQLite file for each size")
    args = parser.parse_args()
    for n in (int(s) for s in args.sizes.split(",")):
        url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='bench-snap-')}/b.db"
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
        with app.app_context():
            db.upgrade(db.get_engine())
        measure(app, n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
