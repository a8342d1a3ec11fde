"""Triage at 2,000 suppliers in a real browser (issue 23): the flags grouped by supplier, the
gravest first; that supplier's flags; a decision on one; the next page of suppliers by key."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import sqlalchemy as sa
from sqlmodel import select

from supplychain import db
from supplychain.models import Flag, Link, Role, Supplier, utcnow
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.risk import jobs as risk_jobs
from supplychain.vocab import GRAVEST_FIRST
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, committed, email_of, make_team

pytestmark = pytest.mark.browser

SIZE = 2000


def _chain(session, org_id: int) -> None:
    """2,000 suppliers, 20 direct ones each over a line of 99 subcontractors; every 7th an
    agency hiring out labour (deep agencies are high-severity flags)."""
    now = utcnow()
    session.execute(
        sa.insert(Supplier.__table__),
        [
            {
                "organisation_id": org_id,
                "code": f"S{i:04d}",
                "name": f"Supplier {i:04d}",
                "country": "LV" if i % 5 else "BG",
                "sector": "N78.20" if i % 7 == 0 else "F41.20",
                "registration_no": "",
                "email": "",
                "kind": "agency" if i % 7 == 0 else "company",
                "source": "entered",
                "employees": 10 + i % 50,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(SIZE)
        ],
    )
    ids = dict(session.execute(sa.select(Supplier.code, Supplier.id)).all())
    session.execute(
        sa.insert(Link.__table__),
        [
            {
                "organisation_id": org_id,
                "parent_id": None if i % 100 == 0 else ids[f"S{i - 1:04d}"],
                "child_id": ids[f"S{i:04d}"],
                "relation": "labour_hire" if i % 7 == 0 else "subcontract",
                "workers": 5,
                "contract_value_eur": 1000 + i,
                "labour_hours": 100,
                "source": "imported",
                "status": "confirmed",
                "created_at": now,
            }
            for i in range(SIZE)
        ],
    )


def _gravest(app, names: dict[int, str]) -> list[tuple[int, ...]]:
    """Each supplier's flags by severity (gravest first) and its id, in the grouped view's
    order, counted here from the flags themselves; names gets the suppliers' names."""
    with app.app_context():
        flags = db.get_session().exec(select(Flag.supplier_id, Flag.severity)).all()
        names.update(db.get_session().exec(select(Supplier.id, Supplier.name)).all())
    counts = Counter(flags)
    suppliers = {sid for sid, _ in flags if sid is not None}
    rows = [(*(counts[sid, s] for s in GRAVEST_FIRST), sid) for sid in suppliers]
    return sorted(rows, reverse=True)


def test_triage_flags_grouped_by_supplier(app, live_server, page):
    with committed(app) as session:
        org = make_team(session, "big", Role.OFFICER)
        _chain(session, org.id)
        org_id = org.id
    with app.app_context():
        session = db.get_session()
        risk_jobs.run_now(session=session, organisation_id=org_id, catalogue=get_catalogue())
    names: dict[int, str] = {}
    order = _gravest(app, names)
    first, hundred_first = order[0], order[100]
    sign_in(page, live_server, email_of(Role.OFFICER, "big"), PASSWORD)
    page.goto(f"{live_server}/risk/")
    page.get_by_role("link", name="By supplier").click()
    row = page.locator("table.flag-groups tbody tr").first
    name = names[first[-1]]
    assert row.locator("td").first.inner_text().startswith(name)
    cells = row.locator("td.num").all_inner_texts()
    assert cells == [str(n) for n in (*first[:-1], sum(first[:-1]))]

    # the supplier's flags, from its group: the filtered list
    row.get_by_role("link", name=name).click()
    page.wait_for_url(re.compile(rf".*supplier={first[-1]}"))
    listed = page.locator("table.flags tbody tr")
    assert listed.count() == sum(first[:-1])
    listed.first.locator("td").nth(2).get_by_role("link").click()

    # a decision on one: being mitigated, with an owner and a date
    page.get_by_label("Status").select_option("mitigating")
    page.get_by_label("Owner").fill("Līga Ozola")
    page.get_by_label("Due date").fill("2027-01-31")
    page.get_by_role("button", name="Save the decision").click()
    page.get_by_text("Your decision is recorded").wait_for()

    page.goto(f"{live_server}/risk/?group=supplier")
    # that supplier's open flags, grouped: one fewer than before
    page.get_by_label("Decision").select_option("open")
    page.get_by_label("Supplier", exact=True).fill(name)
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r".*status=open"))
    group = page.locator("table.flag-groups tbody tr")
    assert group.count() == 1 and group.locator("td.num").last.inner_text() == str(
        sum(first[:-1]) - 1
    )
    page.get_by_label("Decision").select_option("mitigating")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r".*status=mitigating"))
    assert group.locator("td.num").last.inner_text() == "1"  # the one handled

    # the next page of suppliers, by key (all of them, no filter)
    page.goto(f"{live_server}/risk/?group=supplier")
    page.get_by_role("link", name="More suppliers").click()
    page.wait_for_url(re.compile(r".*after=[\d.]+"))
    top = page.locator("table.flag-groups tbody tr").first.locator("td").first.inner_text()
    assert top.startswith(names[hundred_first[-1]])
    assert page.get_by_role("link", name="First page").is_visible()
