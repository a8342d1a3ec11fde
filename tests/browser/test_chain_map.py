"""The chain map in a real browser: the demo chain's tiers, a node opens its supplier; at 2,000
suppliers a group is readable at default zoom and opens the list of exactly its suppliers."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from supplychain import db
from supplychain.demo import DEMO_EMAIL, load_demo
from supplychain.models import Link, Role, Supplier, utcnow
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.risk.jobs import run_now
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, committed, email_of, make_team

pytestmark = pytest.mark.browser


def test_demo_map_shows_every_tier_and_nodes_open_supplier_pages(app, live_server, page):
    with app.app_context():
        load_demo(session=db.get_session(), password="demo passphrase 1")
        db.get_session().commit()
    page.goto(f"{live_server}/account/login")
    page.get_by_label("Email").fill(DEMO_EMAIL)
    page.get_by_label("Password").fill("demo passphrase 1")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Chain map").click()
    headings = [t.strip() for t in page.locator("svg.chain-map .columns text").all_text_contents()]
    assert headings[:6] == ["Your organisation", "Tier 1", "Tier 2", "Tier 3", "Tier 4", "Tier 5"]
    assert page.locator("svg.chain-map .node.agency").count() >= 6
    assert page.locator("svg.chain-map .node.cycle").count() == 2
    page.get_by_label("Find a supplier").fill("RIGAFORM")
    hit = page.locator("svg.chain-map .node.hit")
    assert hit.count() == 1
    hit.locator("a").click()
    page.wait_for_url("**/chain/suppliers/*")
    assert page.get_by_role("heading", name="SIA Rīgas Veidņi").is_visible()


SIZE = 2000
SECTORS = ("F41.20", "F43.21", "N78.20", "A01.11", "H49.41")


def _big_chain(app) -> dict[tuple[int, str], set[str]]:
    """2,000 suppliers in a chain six tiers deep, assessed; their names by (tier, section)."""
    with committed(app) as session:
        org = make_team(session, "bigmap", Role.OFFICER)
        now = utcnow()
        rows = [
            {
                "organisation_id": org.id,
                "code": f"M{i:04d}",
                "name": f"Mapped {i:04d} SIA",
                "country": "LV",
                "sector": SECTORS[i % len(SECTORS)],
                "registration_no": "",
                "email": "",
                "kind": "agency" if SECTORS[i % len(SECTORS)][0] == "N" else "company",
                "source": "entered",
                "created_at": now,
                "updated_at": now,
            }
            for i in range(SIZE)
        ]
        session.execute(sa.insert(Supplier.__table__), rows)
        ids = dict(session.execute(sa.select(Supplier.code, Supplier.id)).all())
        # 20 direct suppliers; each further one works for the one a third of its number down.
        parent = {i: None if i < 20 else (i - 20) // 3 for i in range(SIZE)}
        links = [
            {
                "organisation_id": org.id,
                "parent_id": None if p is None else ids[f"M{p:04d}"],
                "child_id": ids[f"M{i:04d}"],
                "relation": "subcontract",
                "source": "entered",
                "status": "confirmed",
                "created_at": now,
            }
            for i, p in parent.items()
        ]
        session.execute(sa.insert(Link.__table__), links)
        run_now(session=session, organisation_id=org.id, catalogue=get_catalogue())
    tier = {i: 1 if p is None else 0 for i, p in parent.items()}
    for i in range(20, SIZE):
        tier[i] = tier[parent[i]] + 1
    groups: dict[tuple[int, str], set[str]] = {}
    for i, row in enumerate(rows):
        groups.setdefault((tier[i], row["sector"][0]), set()).add(row["name"])
    return groups


def _rendered_height(locator) -> float:
    return locator.evaluate("(el) => el.getBoundingClientRect().height")


def test_a_group_of_a_2000_supplier_map_is_readable_and_lists_its_suppliers(app, live_server, page):
    groups = _big_chain(app)
    sign_in(page, live_server, email_of(Role.OFFICER, "bigmap"), PASSWORD)
    page.goto(f"{live_server}/chain/")
    group = page.locator('svg.chain-map .node.group[data-key="g2-F"]')
    label = group.locator("text").first
    assert "Construction" in label.text_content()
    assert _rendered_height(label) >= 11  # SVG text as drawn, after the viewBox's scaling
    members = group.locator("text").nth(1).text_content()
    assert members.startswith(f"{len(groups[(2, 'F')])} suppliers")
    group.locator("a").click()
    page.wait_for_url("**/chain/suppliers?*")
    assert page.get_by_text(f"{len(groups[(2, 'F')])} suppliers", exact=True).is_visible()
    names = page.locator("table tbody tr td a").filter(has_text="Mapped")
    listed = set(names.all_text_contents())
    assert listed and listed <= groups[(2, "F")]
    first = names.first
    assert first.is_visible()
    size = first.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")
    assert size >= 12 and _rendered_height(first) >= 12
