"""The demo chain's map in a real browser: every tier is drawn, a node opens its supplier."""

from __future__ import annotations

import pytest

from supplychain import db
from supplychain.demo import DEMO_EMAIL, load_demo

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
