"""The leaflet for workers: one A4 page per language with the help numbers, its texts checked on
load, and a page to pick the languages. SQLite alone: no query here depends on the database."""

from __future__ import annotations

import io
import shutil

import pytest
from pypdf import PdfReader

from supplychain import db
from supplychain.guide.content import CONTACTS, GuideError, load_contacts, worker_contact_ids
from supplychain.models import Role
from supplychain.reference.worker_texts import FOLDER, SIGNS, WorkerTextsError, load_texts
from tests.conftest import login
from tests.factories import PASSWORD, make_org, make_user

# A word of each language's own text that shows its letters came out of the PDF as text.
WORDS = {"en": "hotline", "lv": "palīdzību", "ru": "помощью", "uk": "допомогу"}


@pytest.fixture
def database_url():
    return "sqlite://"


@pytest.fixture
def viewer(app, client):
    with app.app_context():
        session = db.get_session()
        make_user(session, make_org(session, "ours"), Role.VIEWER, email="viewer@ours.example")
        session.commit()
    login(client, "viewer@ours.example", PASSWORD)
    return client


def _pages(response) -> list[str]:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages]


@pytest.mark.parametrize("lang", sorted(WORDS))
def test_each_language_is_one_page_with_the_numbers_in_its_own_letters(viewer, lang):
    pages = _pages(viewer.get(f"/guide/leaflet/{lang}.pdf"))
    assert len(pages) == 1, f"the {lang} leaflet runs onto {len(pages)} pages"
    text = pages[0]
    for number in ("+371 28612120", "112", "110", "www.vdi.gov.lv"):
        assert number in text, (lang, number)
    assert WORDS[lang] in text  # Latvian diacritics and Cyrillic extracted: the font has them


def test_several_languages_in_one_pdf_one_page_each(viewer):
    pages = _pages(viewer.get("/guide/leaflet.pdf?lang=uk&lang=lv"))
    assert len(pages) == 2
    assert WORDS["lv"] in pages[0] and WORDS["uk"] in pages[1]  # the page's order
    assert viewer.get("/guide/leaflet.pdf?lang=lv&lang=xx").status_code == 404
    none = viewer.get("/guide/leaflet.pdf", follow_redirects=True).get_data(as_text=True)
    assert "Choose at least one language." in none


def test_the_page_lists_the_languages_and_is_linked_from_the_escalation_page(viewer):
    page = viewer.get("/guide/leaflet").get_data(as_text=True)
    for lang, name in (("lv", "Latviešu"), ("ru", "Русский"), ("uk", "Українська")):
        assert f'href="/guide/leaflet/{lang}.pdf"' in page and name in page
    assert 'name="lang" value="en"' in page
    assert "/guide/leaflet" in viewer.get("/guide/when-suspicions-arise").get_data(as_text=True)
    assert viewer.get("/guide/leaflet/xx.pdf").status_code == 404


def test_the_leaflet_needs_sign_in(client):
    response = client.get("/guide/leaflet/lv.pdf")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_every_language_describes_every_contact_shown_to_workers():
    ids = worker_contact_ids(CONTACTS)
    shown = {c["phone"] for c in load_contacts(CONTACTS, "en") if c["id"] in ids}
    assert {"112", "110", "+371 28612120"} <= shown
    texts = load_texts(ids)
    assert {"en", "lv", "ru", "uk"} <= set(texts)
    for text in texts.values():
        assert set(text.contacts) == set(ids)
        assert list(text.signs) == list(SIGNS)


@pytest.fixture
def texts(tmp_path):
    folder = tmp_path / "workers"
    shutil.copytree(FOLDER, folder)
    return folder


def test_a_missing_contact_text_in_one_language_is_refused(texts):
    ids = worker_contact_ids(CONTACTS)
    ru = texts / "ru.yaml"
    ru.write_text(ru.read_text(encoding="utf-8").replace("  police:\n", "  polic:\n"), "utf-8")
    with pytest.raises(
        WorkerTextsError,
        match=r"workers/ru.yaml: contacts: no text for contact "
        r"police; unknown contact polic",
    ):
        load_texts(ids, texts)


def test_an_unknown_key_or_a_missing_sign_is_refused(texts):
    ids = worker_contact_ids(CONTACTS)
    uk = texts / "uk.yaml"
    original = uk.read_text(encoding="utf-8")
    uk.write_text(original + "slogan: Разом\n", encoding="utf-8")
    with pytest.raises(WorkerTextsError, match="workers/uk.yaml: slogan: Extra inputs"):
        load_texts(ids, texts)
    uk.write_text(original.replace("  fees:", "  fee:"), encoding="utf-8")
    with pytest.raises(WorkerTextsError, match="workers/uk.yaml: signs: .*no text for sign fees"):
        load_texts(ids, texts)


def test_a_contact_shown_to_workers_needs_an_id(tmp_path):
    bad = tmp_path / "contacts.yaml"
    bad.write_text(
        '- name: {en: "Hotline"}\n  phone: "123"\n  source: S\n  checked: 2026-12-07\n'
        "  workers: true\n",
        encoding="utf-8",
    )
    with pytest.raises(GuideError, match="contact 1: missing id"):
        worker_contact_ids(bad)


def test_a_new_language_is_a_new_file(app, viewer, texts):
    en = (texts / "en.yaml").read_text(encoding="utf-8")
    (texts / "pl.yaml").write_text(en.replace("language: English", "language: Polski"), "utf-8")
    app.config["WORKER_TEXTS"] = str(texts)
    assert "Polski" in viewer.get("/guide/leaflet").get_data(as_text=True)
    assert len(_pages(viewer.get("/guide/leaflet/pl.pdf"))) == 1
