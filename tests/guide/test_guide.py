"""The prevention guide: every rule leads to sections that exist in every language, every link
in it resolves, search works, and a supplier's action list comes as a page and as a PDF."""

from __future__ import annotations

import io
import itertools
import re

import pytest
from pypdf import PdfReader

from supplychain.guide.content import (
    CONTACTS,
    LANGUAGES,
    GuideError,
    guide,
    load_contacts,
    load_guide,
)
from supplychain.models import Role
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.risk.rules import RULES
from tests.conftest import post_form, sign_in
from tests.factories import (
    committed,
    make_link,
    make_supplier,
    make_team,
)


def test_every_rule_links_to_existing_sections_in_every_language():
    for rule_id, rule in RULES.items():
        assert rule.guide, f"{rule_id} names no guide section"
        for lang in LANGUAGES:
            for section_id in rule.guide:
                assert guide().section(lang, section_id), f"{rule_id}: no {lang}/{section_id}"


def test_every_annotation_in_the_questionnaires_links_to_a_section(form_app):
    with form_app.app_context():
        catalogue = get_catalogue()
    for questionnaire in catalogue.versions.values():
        for _q, annotation, _c in questionnaire.risk_annotations():
            assert annotation.guide, questionnaire.id
            for lang, section_id in itertools.product(LANGUAGES, annotation.guide):
                assert guide().section(lang, section_id), (questionnaire.id, section_id)


def test_every_section_says_what_to_do_now():
    for lang in LANGUAGES:
        for section in guide().ordered(lang):
            assert section.immediate_actions, f"{lang}/{section.id} has no actions to take now"


def test_a_dangling_link_or_a_missing_translation_is_refused(tmp_path):
    for lang in LANGUAGES:
        (tmp_path / lang).mkdir()
    front = "---\nid: a\ntitle: A\norder: 1\ntool: 0\nsummary: S\n---\n"
    (tmp_path / "en" / "a.md").write_text(front + "See [b](#b).\n")
    (tmp_path / "lv" / "a.md").write_text(front + "Skat.\n")
    with pytest.raises(GuideError, match="links to unknown"):
        load_guide(tmp_path)
    (tmp_path / "en" / "a.md").write_text(front + "Fine.\n")
    (tmp_path / "en" / "c.md").write_text(front.replace("id: a", "id: c"))
    with pytest.raises(GuideError, match="missing in one language: c"):
        load_guide(tmp_path)


def test_search_finds_recruitment_fees():
    assert "recruitment-fees" in [s.id for s in guide().search("en", "recruitment fees")]


@pytest.fixture
def flagged(app, client):
    with committed(app) as session:
        org = make_team(session, "ours", Role.ADMIN)
        a = make_supplier(session, org, code="A", name="Alfa SIA")
        b = make_supplier(session, org, code="B", name="Bēta <script>x</script> UAB", kind="agency")
        make_link(session, org, None, a)
        make_link(session, org, a, b, relation="labour_hire")
        supplier_id = b.id
    sign_in(client, Role.ADMIN, "ours")
    post_form(client, "/risk/run", page="/risk/")
    return supplier_id


def test_pages_toc_search_and_a_flag_leads_to_its_section(client, flagged):
    index = client.get("/guide/").get_data(as_text=True)
    for section in guide().ordered("en"):
        assert f'/guide/{section.id}"' in index
    found = client.get("/guide/?q=recruitment+fees").get_data(as_text=True)
    assert "/guide/recruitment-fees" in found
    page = client.get("/guide/when-suspicions-arise").get_data(as_text=True)
    assert "112" in page and "Valsts darba inspekcija" in page
    flags = client.get("/risk/?rule=labour-hire-deep").get_data(as_text=True)
    flag_url = re.search(r'href="(/risk/flags/\d+)"', flags).group(1)
    assert "/guide/agency-labour" in client.get(flag_url).get_data(as_text=True)
    assert client.get("/guide/no-such-section").status_code == 404


def test_action_list_as_page_and_pdf(client, flagged):
    page = client.get(f"/guide/checklist/{flagged}").get_data(as_text=True)
    assert "Agency workers deep in the chain" in page and "☐" in page
    assert 'href="/guide/leaflet"' in page  # the leaflet for workers, beside the contacts
    assert "<script>x</script>" not in page
    response = client.get(f"/guide/checklist/{flagged}.pdf")
    assert response.mimetype == "application/pdf" and response.data[:5] == b"%PDF-"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Bēta <script>x</script> UAB" in text  # supplier text comes out as text
    assert "Agency workers deep in the chain" in text


def test_links_between_sections_go_to_the_sections_pages():
    section = guide().section("en", "recruitment-fees")
    assert section.links, "the section links to others"
    assert 'href="#' not in str(section.html)
    assert f'href="{section.links[0]}"' in str(section.html)


def test_every_contact_has_its_source_and_check_day_and_one_without_is_refused(tmp_path):
    for lang in LANGUAGES:
        for contact in load_contacts(CONTACTS, lang):
            assert contact["name"] and contact["source"] and contact["checked"]
    lv = {c["phone"]: c for c in load_contacts(CONTACTS, "lv")}
    assert {"112", "110", "+371 28612120"} <= set(lv) and lv["110"]["name"] == "Valsts policija"
    bad = tmp_path / "contacts.yaml"
    bad.write_text('- name: {en: "Hotline"}\n  phone: "123"\n', encoding="utf-8")
    with pytest.raises(GuideError, match="contacts.yaml: contact 1: missing source, checked"):
        load_contacts(bad, "en")
