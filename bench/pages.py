"""Benchmark the officer's pages that grow with the chain (issues 23 and 24): the supplier list
with its risk, questionnaire and screening columns, sorted and filtered; the chain map; the
flags list, its page 50 and its views grouped by supplier and by rule; on an assessed chain of
2k, 10k and 100k suppliers, with decisions on 40 of its flags.

    python bench/pages.py                       # SQLite, 2k, 10k and 100k
    python bench/pages.py --sizes 10000 --postgres postgresql://postgres@127.0.0.1/bench
    (an empty PostgreSQL database of its own: never the tests' one)

The chain is written with bulk inserts (bench/chain.py's generator) and assessed once; a third
of the suppliers get an invitation. Each page is timed as the best of three requests after a
first one, with the size of its HTML. Target: every page under 1 s at 10k and 100k on the
2-core machine, and the map at most a few hundred KB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

from chain import bulk_insert, generate  # noqa: E402

from supplychain import create_app, db  # noqa: E402
from supplychain.accounts import services as accounts  # noqa: E402
from supplychain.models import (  # noqa: E402
    Campaign,
    Flag,
    FlagDecision,
    FlagStatus,
    Invitation,
    Role,
    Supplier,
    utcnow,
)
from supplychain.questionnaires.catalogue import get_catalogue  # noqa: E402
from supplychain.risk.jobs import run_now  # noqa: E402

PAGES = [
    "/chain/suppliers",
    "/chain/suppliers?page=20",
    "/chain/suppliers?sort=tier&dir=desc",
    "/chain/suppliers?sort=risk&dir=desc",
    "/chain/suppliers?sort=flags&dir=desc",
    "/chain/suppliers?sort=asked",
    "/chain/suppliers?sort=screening&dir=desc",
    "/chain/suppliers?asked=never&country=LV",
    "/chain/suppliers?severity=high&tier=3",
    "/chain/suppliers?outdated=1",
    "/invitations/new?selection=1&all=1&asked=never",
    "/chain/",
    "/chain/?tier=2",
    "/chain/?country=LV&sector=F",
    "/risk/",
    "/risk/?page=50",
    "/risk/?severity=high",
    "/risk/?group=supplier",
    "/risk/?group=supplier&page=20",
    "/risk/?group=rule",
    "/risk/?after=medium:chain-depth:0",  # a page deep in the list, by key
    "/risk/?status=open",
    "/risk/?status=dismissed",  # read along the run's flags (no index of fingerprints)
    "/risk/?group=supplier&after=0.1.0.1.0",  # a page deep in the suppliers, by key
    "/risk/?group=supplier&status=open",
]


def invite_a_third(session, org_id: int) -> None:
    now = utcnow()
    campaign = Campaign(
        organisation_id=org_id,
        questionnaire_id="supplier-self-assessment",
        questionnaire_version=1,
        title="Bench",
        deadline=now + timedelta(days=10),
    )
    session.add(campaign)
    session.flush()
    ids = session.execute(
        sa.select(Supplier.id).where(Supplier.organisation_id == org_id).order_by(Supplier.id)
    ).scalars()
    rows = [
        {
            "organisation_id": org_id,
            "campaign_id": campaign.id,
            "supplier_id": sid,
            "questionnaire_id": "supplier-self-assessment",
            "questionnaire_version": 1,
            "email": f"s{sid}@bench.example",
            "language": "lv",
            "token_hash": f"{org_id}-{sid}",
            "expires_at": now + timedelta(days=(10 if sid % 2 else -1)),
            "created_at": now,
            "link_generation": 0,
        }
        for sid in ids
        if sid % 3 == 0
    ]
    session.execute(sa.insert(Invitation.__table__), rows)
    session.commit()


def decide_some(session, org_id: int) -> None:
    """Decisions on 40 flags spread over the chain, half of them dismissals (the filters and
    the open counts find the flags with a decision)."""
    flags = session.execute(
        sa.select(Flag.fingerprint, Flag.supplier_id)
        .where(Flag.organisation_id == org_id, Flag.id % 997 == 0)
        .limit(40)
    ).all()
    statuses = (FlagStatus.DISMISSED, FlagStatus.ACKNOWLEDGED)
    session.add_all(
        FlagDecision(
            organisation_id=org_id,
            fingerprint=fingerprint,
            supplier_id=supplier_id,
            status=statuses[n % 2],
            updated_at=utcnow(),
        )
        for n, (fingerprint, supplier_id) in enumerate(flags)
    )
    session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,10000,100000")
    parser.add_argument("--postgres", default="")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    url = options.postgres or f"sqlite:///{work / 'bench.db'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": False})
    password = "bench passphrase 1"
    with app.app_context():
        db.upgrade(db.get_engine())
    for n in [int(s) for s in options.sizes.split(",")]:
        slug = f"pages-{n}"
        with app.app_context():  # its own: requests made inside one would share its g
            _load(app, slug, n, password, analyse=bool(options.postgres))
        client = app.test_client()
        page = client.get("/account/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post(
            "/account/login",
            data={"csrf_token": token, "email": f"bench@{slug}.example", "password": password},
        )
        first = client.get(PAGES[0]).get_data(as_text=True)
        assert f"{n} suppliers</span>" in first, "not the chain just made"
        for path in PAGES:
            assert client.get(path).status_code == 200, path
            best = min(_timed(client, path) for _ in range(3))
            size = len(client.get(path).get_data())
            mark = "ok" if best < 1 else "SLOW"
            print(f"{best * 1000:7.0f} ms  {size / 1024:6.0f} KB  {mark}  {path}")


def _load(app, slug: str, n: int, password: str, *, analyse: bool) -> None:
    """An organisation with an officer and an assessed chain of n suppliers, a third invited."""
    session = db.get_session()
    org = accounts.create_organisation(session=session, slug=slug, name=slug)
    accounts.create_user(
        session=session,
        organisation_id=org.id,
        role=Role.OFFICER,
        email=f"bench@{slug}.example",
        password=password,
    )
    session.commit()
    bulk_insert(session, org.id, generate(n))
    invite_a_third(session, org.id)
    started = time.perf_counter()
    run_now(session=session, organisation_id=org.id, catalogue=get_catalogue())
    print(f"\n== {n:,} suppliers (assessed in {time.perf_counter() - started:.1f} s) ==")
    decide_some(session, org.id)
    if analyse:
        # Fresh statistics, as autovacuum soon has them: with none for the rows just written,
        # PostgreSQL estimates one supplier and joins the sort rows in a nested loop (48 s for
        # the flags sort at 10k).
        session.commit()
        with db.get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(sa.text("ANALYZE"))


def _timed(client, path: str) -> float:
    started = time.perf_counter()
    client.get(path)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
