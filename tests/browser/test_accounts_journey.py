"""Sign up, add a supplier, switch language, on a laptop and on a phone, in a real browser."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _sign_up(page, base: str, slug: str) -> None:
    page.goto(f"{base}/account/signup")
    page.get_by_label("Organisation name").fill("Rīgas Būve AS")
    page.get_by_label("Short name (used in links)").fill(slug)
    page.get_by_label("Your name").fill("Līga Ozola")
    page.get_by_label("Email").fill(f"liga@{slug}.example")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_role("button", name="Create the account").click()
    page.wait_for_url(f"{base}/")


def test_sign_up_and_add_a_supplier_on_a_laptop(live_server, page):
    _sign_up(page, live_server, "rigas-buve")
    assert page.get_by_role("heading", name="Your chain is empty").is_visible()
    page.get_by_role("link", name="Add a supplier").first.click()
    page.get_by_role("textbox", name="Code", exact=True).fill("BETON")
    page.get_by_label("Legal name").fill("SIA Betona Meistari")
    page.get_by_label("Country").fill("XX")
    page.get_by_role("button", name="Save").click()
    assert page.locator("#country-error").inner_text().startswith("Unknown country code XX")
    page.get_by_label("Country").fill("LV")
    page.get_by_label("Sector (NACE code)").fill("F43.99")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("heading", name="SIA Betona Meistari").is_visible()
    page.get_by_role("link", name="Latviešu").click()
    assert page.locator("html").get_attribute("lang") == "lv"


def test_phone_menu_opens_and_pages_fit(live_server, phone):
    _sign_up(phone, live_server, "telefons")
    nav_link = phone.get_by_role("link", name="Suppliers")
    assert not nav_link.is_visible()  # folded away behind the menu button
    phone.get_by_role("button", name="Menu").click()
    nav_link.click()
    phone.wait_for_url(f"{live_server}/chain/suppliers")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
