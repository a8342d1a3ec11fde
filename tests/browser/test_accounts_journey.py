"""Sign up, add a supplier, switch language, on a laptop and on a phone, in a real browser."""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "a long enough passphrase"


def _sign_up(page, base: str, slug: str, app, inbox=None) -> None:
    """Sign up, then confirm the address from the mailed link, as a person does. The mail is
    read from inbox (a real SMTP server) or, with no mail server set, from MAIL_DIR's files."""
    page.goto(f"{base}/account/signup")
    page.get_by_label("Organisation name").fill("Rīgas Būve AS")
    page.get_by_label("Short name (used in links)").fill(slug)
    page.get_by_label("Your name").fill("Līga Ozola")
    page.get_by_label("Email").fill(f"liga@{slug}.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    page.get_by_role("heading", name="Check your mail").wait_for()

    page.goto(_confirmation_link(app, inbox).replace(app.config["BASE_URL"], base))
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm and sign in").click()
    page.wait_for_url(f"{base}/")


def _confirmation_link(app, inbox) -> str:
    if inbox is not None:
        texts = [m.get_body(preferencelist=("plain",)).get_content() for m in inbox.messages]
    else:
        files = sorted(Path(app.config["MAIL_DIR"]).glob("*.eml"))
        mails = [
            email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files
        ]
        texts = [m.get_body(preferencelist=("plain",)).get_content() for m in mails]
    links = [
        link for text in texts for link in re.findall(r"https?://\S+/account/confirm/\S+", text)
    ]
    return links[-1]


def test_sign_up_and_add_a_supplier_on_a_laptop(app, live_server, page):
    _sign_up(page, live_server, "rigas-buve", app)
    assert page.get_by_role("heading", name="Your chain is empty").is_visible()
    page.get_by_role("link", name="Add a supplier").first.click()
    page.get_by_role("textbox", name="Code", exact=True).fill("BETON")
    page.get_by_label("Legal name").fill("SIA Betona Meistari")
    page.get_by_label("Country").fill("XX")
    page.get_by_role("button", name="Save").click()
    assert page.locator("#country-error").inner_text().startswith('"XX" is not a country we know')
    page.get_by_label("Country").fill("LV")
    page.get_by_label("Sector (NACE code)").fill("F43.99")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="SIA Betona Meistari").wait_for()
    page.get_by_role("link", name="Latviešu").click()
    assert page.locator("html").get_attribute("lang") == "lv"


def test_phone_menu_opens_and_pages_fit(app, live_server, phone):
    _sign_up(phone, live_server, "telefons", app)
    nav_link = phone.get_by_role("link", name="Suppliers")
    assert not nav_link.is_visible()  # folded away behind the menu button
    phone.get_by_role("button", name="Menu").click()
    nav_link.click()
    phone.wait_for_url(f"{live_server}/chain/suppliers")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
