"""The risk report read back from the PDF: pages, contents, bookmarks, every flagged supplier
and every flag's rule title; supplier text stays text and nothing is fetched."""

from __future__ import annotations

import gc
import io
import re

import pytest
from pypdf import PdfReader
from sqlmodel import select

from supplychain import db
from supplychain.demo import load_demo
from supplychain.models import Organisation, Supplier
from supplychain.pdf import STATIC_BASE, render, static_file
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.reports import services
from supplychain.reports.context import Scope, build_report_context
from supplychain.risk import jobs as risk_jobs
from supplychain.risk import services as risk
from supplychain.risk import texts

from .helpers import make_report, pdf_text, small_chain


def _normal(text: str) -> str:
    """pypdf may break a line anywhere: compare text with all whitespace removed."""
    return re.sub(r"\s+", "", text)


@pytest.fixture
def demo(app):
    with app.app_context():
        session = db.get_session()
        load_demo(session=session, password="demo passphrase 1")
        session.commit()
        org = session.exec(select(Organisation).where(Organisation.slug == "daugava-build")).one()
        risk_jobs.run_now(session=session, organisation_id=org.id, catalogue=get_catalogue())
        return org.id


def test_demo_report_has_contents_bookmarks_suppliers_and_rule_titles(app, demo):
    report = make_report(app, demo)
    with app.app_context():
        data = services.archived(report)
        session = db.get_session()
        run = risk.latest_run(session, demo)
        flags = session.exec(risk.flags_of(session, run)).all()
        flagged = {
            s.name for s in session.exec(select(Supplier)) if s.id in {f.supplier_id for f in flags}
        }
        titles = {str(texts.title(f.rule)) for f in flags if f.rule != "answer"}
    reader, text = pdf_text(data)
    assert data.startswith(b"%PDF-")
    assert len(reader.pages) == report.pages >= 10
    flat = _normal(text)
    contents = _normal(reader.pages[1].extract_text() + reader.pages[2].extract_text())
    for heading in (
        "Contents",
        "Summary",
        "Thechain",
        "Flagsbyseverity",
        "Flaggedsuppliers",
        "Decisionsandmitigation",
        "Method",
        "Appendix:answers",
    ):
        assert heading in contents, heading
    # the contents give page numbers: "Method" is followed by the page it starts on
    method_page = int(re.search(r"Method(\d+)", contents).group(1))
    assert "Method" in _normal(reader.pages[method_page - 1].extract_text())
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert {"Summary", "The chain", "Flags by severity", "Method"} <= set(outline)
    assert flagged and all(_normal(name) in flat for name in flagged)
    assert titles and all(_normal(title) in flat for title in titles)
    assert reader.metadata.title.startswith("Supply chain risk report")


def test_latvian_report(app, demo):
    report = make_report(app, demo, lang="lv")
    with app.app_context():
        reader, text = pdf_text(services.archived(report))
    assert "Saturs" in reader.pages[1].extract_text()
    assert "Kopsavilkums" in _normal(text)


def test_supplier_text_is_text_and_nothing_is_fetched(app, session, caplog):
    hostile = "<img src=file:///etc/passwd>"
    org, _officer, _s, _run = small_chain(session, name=hostile)
    report = make_report(app, org.id)
    with app.app_context():
        _reader, text = pdf_text(services.archived(report))
    assert _normal(hostile) in _normal(text)
    assert "root:" not in text
    assert "not fetched" not in caplog.text  # escaped: no image element reached the renderer


def test_the_fetcher_serves_our_static_files_only(app, caplog):
    css, mime = static_file(STATIC_BASE + "css/report.css")
    assert mime == "text/css" and b"@page" in css
    for url in (
        "file:///etc/passwd",
        STATIC_BASE + "../../../../etc/passwd",
        STATIC_BASE + "%2e%2e/%2e%2e/pyproject.toml",
        "http://127.0.0.1:9/x.png",
    ):
        with pytest.raises(ValueError):
            static_file(url)
    with app.app_context():
        pdf = render('<p>x</p><img src="file:///etc/passwd"><img src="http://127.0.0.1:9/a.png">')
    assert b"root:" not in pdf.pdf
    assert caplog.text.count("not fetched") == 2


def test_rendering_leaves_the_cycle_collector_as_it_found_it(app):
    """render pauses the process-wide collector; it must not switch it on or leave it off."""
    with app.app_context():
        assert gc.isenabled()
        render("<p>x</p>")
        assert gc.isenabled()
        gc.disable()
        try:
            render("<p>x</p>")
            assert not gc.isenabled()
        finally:
            gc.enable()


def _context(app, org_id: int, scope: Scope):
    from flask_babel import force_locale

    with app.app_context(), force_locale("en"):
        session = db.get_session()
        return build_report_context(
            session,
            run=risk.latest_run(session, org_id),
            scope=scope,
            scope_title="test",
            catalogue=get_catalogue(),
            lang="en",
        )


def test_scope_of_one_supplier_and_below(app, session):
    org, _officer, s, _run = small_chain(session)
    a, b, c = s["a"].id, s["b"].id, s["c"].id
    whole = _context(app, org.id, Scope())
    assert {x.id for x in whole.suppliers} == {a, b, c}
    below_b = _context(app, org.id, Scope("supplier", supplier_id=b))
    assert {x.id for x in below_b.suppliers} == {b, c}
    assert below_b.suppliers_in_scope == 2
    assert {f.supplier_id for f in (i for x in below_b.suppliers for i in x.all_flags)} == {b, c}
    report = make_report(app, org.id, Scope("supplier", supplier_id=b))
    with app.app_context():
        _reader, text = pdf_text(services.archived(report))
    assert _normal("Darbaspēks Agency and its subcontractors") in _normal(text)
    assert _normal("Third Tier SIA") in _normal(text)


def test_scope_of_one_tier(app, session):
    org, _officer, s, _run = small_chain(session)
    tier3 = _context(app, org.id, Scope("tier", tier=3))
    assert [x.id for x in tier3.suppliers] == [s["c"].id]
    assert tier3.flags_total == len(tier3.suppliers[0].all_flags)


def test_a_map_wider_than_tall_gets_a_landscape_page(app, session):
    """small_chain is four columns, one box each: a wide map, drawn sideways; a lone supplier
    of one tier is not wider than tall."""
    org, *_ = small_chain(session)
    wide = _context(app, org.id, Scope())
    assert wide.chain_map.width > wide.chain_map.height and wide.map_landscape
    report = make_report(app, org.id)
    with app.app_context():
        reader = PdfReader(io.BytesIO(services.archived(report)))
    sizes = {(round(p.mediabox.width), round(p.mediabox.height)) for p in reader.pages}
    assert sizes == {(595, 842), (842, 595)}  # A4 upright, and the map's page turned


def test_a_report_of_a_run_shows_the_chain_it_read_after_an_archive(app, session):
    """The run flagged C; archived since, C stays in a report of that run (the run is a record,
    and the pages say it is out of date), and cannot be chosen as a new report's scope."""
    from supplychain.chain import retire
    from supplychain.reports import services as reports
    from supplychain.validation import InvalidInput

    org, _officer, s, _run = small_chain(session)
    c = s["c"].id
    before = _context(app, org.id, Scope())
    retire.archive(session, org.id, [c], actor_id=None, reason="deleted")
    session.commit()
    after = _context(app, org.id, Scope())
    assert c in {x.id for x in before.suppliers}
    assert [x.id for x in after.suppliers] == [x.id for x in before.suppliers]
    assert after.flags_total == before.flags_total
    with pytest.raises(InvalidInput):
        reports.check_scope(session, org.id, Scope("supplier", supplier_id=c))


def test_worker_voice_section_gives_figures_and_never_a_worker_s_words(app, session):
    from datetime import timedelta

    from supplychain.models import (
        CaseMessage,
        CaseStatus,
        CheckIn,
        Site,
        SiteSupplier,
        WorkerCase,
        utcnow,
    )

    org, _officer, s, _run = small_chain(session)
    tower = Site(organisation_id=org.id, name="Skanstes Tower", code="SKAN2345")
    quiet = Site(organisation_id=org.id, name="Quiet Yard", code="QUIE2345")
    session.add_all([tower, quiet])
    session.flush()
    session.add(SiteSupplier(organisation_id=org.id, site_id=tower.id, supplier_id=s["c"].id))
    received = utcnow() - timedelta(days=10)
    case = WorkerCase(
        organisation_id=org.id,
        site_id=tower.id,
        code_hash="0" * 64,
        language="ru",
        text="Бригадир забрал паспорта",
        contact="+371 20000000",
        status=CaseStatus.ACKNOWLEDGED,
        acknowledge_by=(received + timedelta(days=7)).date(),
        acknowledged_at=received + timedelta(days=2),
        created_at=received,
        indicators=["retention_of_identity_documents"],
        supplier_ids=[s["c"].id],
        report_excerpt="A worker says the foreman keeps the passports.",
    )
    session.add(case)
    session.flush()
    session.add(CaseMessage(organisation_id=org.id, case_id=case.id, from_worker=True, text="Ещё"))
    for _ in range(6):
        row = {"organisation_id": org.id, "site_id": tower.id, "supplier_id": s["c"].id}
        session.add(CheckIn(**row, language="ru", answers={}, given_on=utcnow().date()))
    # C answered that its workers keep their own documents: the confirmed case contradicts it
    from supplychain.questionnaires import services as answering

    said = answering.start_response(
        session=session,
        organisation_id=org.id,
        questionnaire=get_catalogue().current["supplier-self-assessment"],
        language="en",
        supplier_id=s["c"].id,
    )
    answering.save_answers(
        session=session, response=said, answers={"identity_documents": "workers"}
    )
    answering.submit_response(session=session, response=said, respondent_name="Jānis")
    session.commit()
    risk_jobs.run_now(session=session, organisation_id=org.id, catalogue=get_catalogue())
    report = make_report(app, org.id)
    with app.app_context():
        reader, text = pdf_text(services.archived(report))
    voice = _normal(text)
    assert _normal("Workers contradict their employer") in voice
    assert _normal("Third Tier SIA (C1): It answered that its workers always keep") in voice
    assert "Workervoice" in _normal(reader.pages[1].extract_text())  # in the contents
    assert (
        _normal("Skanstes Tower") + "61011" in voice
    )  # check-ins, groups shown/waiting, cases, open
    assert _normal("Quiet Yard") + _normal("No signal (not no risk)") + "00000" in voice
    assert _normal("Acknowledged 1") in voice
    assert _normal("Retention of identity documents 1") in voice
    assert _normal("Median time to acknowledge a report: 2.0 days.") in voice
    excerpt = _normal(f"Case {case.id} A worker says the foreman keeps the passports.")
    assert excerpt in voice  # the officer's redacted excerpt, under its case's number
    for words in ("Бригадир", "паспорта", "Ещё", "20000000"):  # not the contact left
        assert words not in text


def _bookmarks(reader: PdfReader) -> dict[str, list[str]]:
    """The outline: each top-level title with the titles nested under it."""
    found: dict[str, list[str]] = {}
    last = ""
    for item in reader.outline:
        if isinstance(item, list):
            found[last] += [i.title for i in item if not isinstance(i, list)]
        else:
            last = item.title
            found[last] = []
    return found


def test_a_summary_has_no_answers_and_sections_only_for_critical_and_high(app, session):
    org, _officer, suppliers, run = small_chain(session)
    flags = session.exec(risk.flags_of(session, run)).all()
    graver = {f.supplier_id for f in flags if f.severity in ("critical", "high")}
    names = {s.id: s.name for s in suppliers.values()}
    flagged = {names[f.supplier_id] for f in flags if f.supplier_id in names}
    assert graver and flagged - {names[s] for s in graver if s in names}, "the chain has both"
    full, summary = (make_report(app, org.id, kind=kind) for kind in ("full", "summary"))
    with app.app_context():
        (full_pdf, full_text), (summary_pdf, summary_text) = (
            pdf_text(services.archived(r)) for r in (full, summary)
        )
    full_marks, summary_marks = _bookmarks(full_pdf), _bookmarks(summary_pdf)
    assert "Appendix: answers" in full_marks and set(full_marks["Flagged suppliers"]) == flagged
    assert "Appendix: answers" not in summary_marks
    assert "Appendix" not in summary_text and "Summary: the board" in _flat(summary_text)
    listed = summary_marks["Suppliers with critical or high flags"]
    assert set(listed) == {names[s] for s in graver if s in names}
    assert summary.pages < full.pages


def _flat(text: str) -> str:
    return " ".join(text.split())
