"""Small chains with flags, assessed, for report tests."""

from __future__ import annotations

from pypdf import PdfReader

from supplychain import db
from supplychain.models import Role, utcnow
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.reports import jobs, services
from supplychain.reports.context import Scope
from supplychain.risk import jobs as risk_jobs
from tests.factories import make_link, make_org, make_supplier, make_user


def small_chain(session, name: str = "Kalns Būve SIA", slug: str = "kalns"):
    """You → A (construction) → agency B (labour hire) → C; assessed once."""
    org = make_org(session, slug, "Kalns Holdings")
    officer = make_user(session, org, Role.OFFICER, email=f"officer@{slug}.example")
    a = make_supplier(session, org, name=name, code="A1", sector="F41.2")
    b = make_supplier(session, org, name="Darbaspēks Agency", code="B1", kind="agency")
    c = make_supplier(session, org, name="Third Tier SIA", code="C1", sector="F43.3")
    make_link(session, org, None, a)
    make_link(session, org, a, b, relation="labour_hire")
    make_link(session, org, b, c)
    session.commit()
    run = risk_jobs.run_now(session=session, organisation_id=org.id, catalogue=get_catalogue())
    return org, officer, {"a": a, "b": b, "c": c}, run


def make_report(
    app, organisation_id: int, scope: Scope | None = None, lang: str = "en", kind: str = "full"
):
    """Queue a report and let the worker's function make it; return it, fresh."""
    with app.app_context():
        session = db.get_session()
        report = services.queue_report(
            session=session,
            organisation_id=organisation_id,
            scope=scope or Scope(),
            lang=lang,
            kind=kind,
        )
        session.commit()
        report_id = report.id
    assert jobs.run_waiting(app) == 1
    with app.app_context():
        from supplychain.models import Report

        return db.get_session().get(Report, report_id)


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    import io

    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def now():
    return utcnow()
