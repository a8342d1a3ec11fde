"""Issue 22, the site's poster: one A4 page per language of the site, with the QR code of the
workers' page (read back from the PDF), its short address and the help numbers."""

from __future__ import annotations

import io

import zxingcpp
from pypdf import PdfReader

from supplychain.models import Role, Site
from tests.conftest import sign_in
from tests.factories import committed

ADDRESS = "https://supplychain.test/w/"  # the test app's BASE_URL


def _poster(client, site) -> PdfReader:
    response = client.get(f"/sites/{site['id']}/poster.pdf")
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    return PdfReader(io.BytesIO(response.data))


def test_the_poster_has_a_page_per_language_with_the_address_its_qr_code_and_the_numbers(
    client, site
):
    sign_in(client, Role.VIEWER, "acme")
    pages = _poster(client, site).pages
    assert len(pages) == 4  # lv, ru, uk, en: the site's languages
    texts = [" ".join(page.extract_text().split()) for page in pages]
    for text in texts:
        assert f"supplychain.test/w/{site['code']}" in text.replace(" ", "")
        assert "112" in text and "+371 28612120" in text
    assert "Pastāstiet, kas notiek darbā" in texts[0]
    assert "Расскажите, что происходит на работе" in texts[1]
    assert "Розкажіть, що відбувається на роботі" in texts[2]
    assert "Tell us what happens at work" in texts[3]
    for page in pages:
        (image,) = page.images
        (found,) = zxingcpp.read_barcodes(image.image)
        assert found.text == ADDRESS + site["code"]


def test_the_poster_speaks_the_sites_languages_only(client, site):
    with committed(client.application) as session:
        session.get(Site, site["id"]).languages = "uk"
    sign_in(client, Role.VIEWER, "acme")
    (page,) = _poster(client, site).pages
    assert "Розкажіть" in page.extract_text()
