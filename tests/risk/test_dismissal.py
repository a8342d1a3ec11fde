"""Critical flags: possible forced labour on its page, where to turn with every critical flag,
and dismissal by two people."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from supplychain import db
from supplychain.models import (
    Answer,
    AuditEvent,
    Flag,
    FlagDecision,
    FlagStatus,
    Organisation,
    Response,
    ResponseStatus,
    Role,
    Severity,
    utcnow,
)
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.reports import services as reports
from supplychain.reports.flags import flag_items
from supplychain.risk import dismissal, services
from supplychain.risk import jobs as risk_jobs
from supplychain.risk.composite_rules import FORCED_LABOUR
from supplychain.risk.snapshot import run_suppliers
from supplychain.validation import InvalidInput
from tests.conftest import login, post_form
from tests.factories import PASSWORD, make_link, make_org, make_supplier, make_user
from tests.reports.helpers import make_report, pdf_text

CRITICAL_ANSWERS = {"identity_documents": "held", "bank_cards": "others"}


def _version_asking(catalogue) -> int:
    """The newest version of the self-assessment whose document and bank-card answers are
    critical."""
    for (qid, version), questionnaire in sorted(catalogue.versions.items(), reverse=True):
        ids = {q.id for q in questionnaire.questions()}
        if qid == "supplier-self-assessment" and set(CRITICAL_ANSWERS) <= ids:
            return version
    raise AssertionError("no version asks about documents and bank cards")


@pytest.fixture
def critical(app):
    """A supplier whose answers are critical, assessed; ids of the people and flags."""
    with app.app_context():
        session = db.get_session()
        org = make_org(session, "ours")
        people = {
            role: make_user(session, org, kind, email=f"{role}@ours.example").id
            for role, kind in (
                ("first", Role.ADMIN),
                ("second", Role.ADMIN),
                ("officer", Role.OFFICER),
            )
        }
        supplier = make_supplier(session, org, code="K", name="Kalns SIA")
        make_link(session, org, None, supplier)
        response = Response(
            organisation_id=org.id,
            supplier_id=supplier.id,
            questionnaire_id="supplier-self-assessment",
            questionnaire_version=_version_asking(get_catalogue()),
            language="en",
            status=ResponseStatus.SUBMITTED,
            submitted_at=utcnow(),
        )
        session.add(response)
        session.flush()
        for question, value in CRITICAL_ANSWERS.items():
            session.add(
                Answer(
                    organisation_id=org.id,
                    response_id=response.id,
                    question_id=question,
                    value=value,
                )
            )
        session.commit()
        run = risk_jobs.run_now(session=session, organisation_id=org.id, catalogue=get_catalogue())
        flags = session.exec(services.flags_of(session, run).where(Flag.supplier_id == supplier.id))
        by_indicator = {f.indicator: f.id for f in flags}
    return {"org": org.id, **people, **by_indicator}


def _client(app, who: str):
    client = app.test_client()
    login(client, f"{who}@ours.example", PASSWORD)
    return client


def _decision(app, flag_id: int) -> FlagDecision | None:
    with app.app_context():
        session = db.get_session()
        flag = session.get(Flag, flag_id)
        return services.decisions(session, flag.organisation_id, [flag.fingerprint]).get(
            flag.fingerprint
        )


def test_the_forced_labour_flag_shows_escalation_first_and_links_its_flags(app, critical):
    client = _client(app, "officer")
    page = client.get(f"/risk/flags/{critical[FORCED_LABOUR]}").get_data(as_text=True)
    assert "Possible forced labour." in page
    escalation, evidence = page.index('id="escalation"'), page.index("The flags that make it")
    assert escalation < evidence
    assert "112" in page[escalation:evidence] and "+371 28612120" in page[escalation:evidence]
    for indicator in ("retained-documents", "retained-bank-cards"):
        assert f'href="/risk/flags/{critical[indicator]}"' in page[evidence:]
    # The answer flag links to both its guide sections, and shows the contacts too.
    answer = client.get(f"/risk/flags/{critical['retained-documents']}").get_data(as_text=True)
    assert '/guide/identity-documents"' in answer and '/guide/when-suspicions-arise"' in answer
    assert 'id="escalation"' in answer


def test_dismissing_a_critical_flag_needs_a_second_admin(app, critical):
    flag_id = critical[FORCED_LABOUR]
    url = f"/risk/flags/{flag_id}"
    first, second, officer = (_client(app, who) for who in ("first", "second", "officer"))
    proposed = post_form(
        first, url, {"status": "dismissed", "note": "Checked on site: copies only."}, page=url
    )
    assert proposed.status_code == 302
    decision = _decision(app, flag_id)
    assert decision.status == FlagStatus.OPEN and decision.dismissal_pending
    assert decision.proposed_by == critical["first"]
    page = officer.get(url).get_data(as_text=True)
    assert "Dismissal proposed by Test User, waiting for a second admin." in page
    assert "Checked on site: copies only." in page and "Confirm the dismissal" not in page
    assert "Confirm the dismissal" not in first.get(url).get_data(as_text=True)
    assert "dismissal proposed" in officer.get("/risk/?severity=critical").get_data(as_text=True)
    with app.test_request_context():  # and the report says so next to the flag
        session = db.get_session()
        run = services.latest_run(session, decision.organisation_id)
        items = flag_items(session, run, run_suppliers(session, run), get_catalogue())
        [item] = [i for i in items if i.id == flag_id]
        assert item.dismissal_proposed == "Checked on site: copies only."
    confirm = f"{url}/dismissal/confirm"
    assert post_form(first, confirm, page=url).status_code == 403  # the proposer
    assert post_form(officer, confirm, page=url).status_code == 403  # not an admin
    assert _decision(app, flag_id).status == FlagStatus.OPEN
    assert "Confirm the dismissal" in second.get(url).get_data(as_text=True)
    assert post_form(second, confirm, page=url).status_code == 302
    decision = _decision(app, flag_id)
    assert decision.status == FlagStatus.DISMISSED and not decision.dismissal_pending
    assert (decision.proposed_by, decision.confirmed_by) == (critical["first"], critical["second"])
    assert decision.note == "Checked on site: copies only." and decision.confirmed_at
    page = officer.get(url).get_data(as_text=True)
    assert re.search(r"Dismissal proposed by Test User on .+ and confirmed by Test User on", page)
    with app.app_context():
        events = db.get_session().exec(
            select(AuditEvent.action, AuditEvent.user_id, AuditEvent.details).where(
                AuditEvent.object_id == flag_id, AuditEvent.object_type == "flag"
            )
        )
        trail = [(action, user, details.get("reason")) for action, user, details in events]
    reason = "Checked on site: copies only."
    again = post_form(first, url, {"status": "dismissed", "note": "again"}, page=url)
    assert again.status_code == 200 and "This flag is dismissed already." in again.get_data(
        as_text=True
    )
    assert trail == [
        ("flag.dismissal_proposed", critical["first"], reason),
        ("flag.dismissal_confirmed", critical["second"], reason),
    ]


def test_a_proposal_can_be_withdrawn_and_other_flags_dismiss_at_once(app, critical):
    flag_id, url = critical["retained-bank-cards"], f"/risk/flags/{critical['retained-bank-cards']}"
    officer = _client(app, "officer")
    post_form(officer, url, {"status": "dismissed", "note": "A mistake"}, page=url)
    assert "Withdraw the proposal" in officer.get(url).get_data(as_text=True)
    assert post_form(officer, f"{url}/dismissal/decline", page=url).status_code == 302
    assert not _decision(app, flag_id).dismissal_pending
    assert post_form(officer, f"{url}/dismissal/decline", page=url).status_code == 403
    with app.app_context():
        session = db.get_session()
        flag = session.get(Flag, flag_id)
        with pytest.raises(InvalidInput):  # nothing waits to be confirmed
            dismissal.confirm_dismissal(session=session, flag=flag, user_id=critical["second"])
        calm = session.exec(select(Flag).where(Flag.severity != "critical")).first()
        decided = services.decide(
            session=session, flag=calm, status=FlagStatus.DISMISSED, user_id=None, note="ok"
        )
        assert decided.status == FlagStatus.DISMISSED and decided.proposed_at is None


def test_every_critical_flag_the_action_list_and_the_report_show_the_contacts(app, critical):
    """Where to turn is at the top of every critical flag, on the supplier's action list (page
    and PDF) and with the critical flags of the PDF report, each contact with its source."""
    with app.app_context():  # pay below the minimum: critical, its guide is not the escalation
        session = db.get_session()
        session.get(Organisation, critical["org"]).country = "LV"  # the wage rule's country
        response = session.exec(select(Response)).one()
        session.add(
            Answer(
                organisation_id=critical["org"],
                response_id=response.id,
                question_id="hourly_rate",
                value="3.20",
            )
        )
        session.commit()
        run = risk_jobs.run_now(
            session=session, organisation_id=critical["org"], catalogue=get_catalogue()
        )
        flags = session.exec(
            services.flags_of(session, run).where(Flag.severity == Severity.CRITICAL)
        ).all()
        ids = [(f.id, f.supplier_id) for f in flags]
        assert "pay-below-minimum" in {f.rule for f in flags}
    client = _client(app, "officer")
    for flag_id, _supplier in ids:
        page = client.get(f"/risk/flags/{flag_id}").get_data(as_text=True)
        top = page[page.index('id="escalation"') : page.index("<h2>Evidence</h2>")]
        assert "+371 28612120" in top and "110" in top and "cilvektirdznieciba.lv" in top
        assert "Source: Cabinet regulation No. 344 of 16 July 2019" in top and "67186522" in top
        assert "To be confirmed:" in top  # what a source did not settle is said with it
    supplier_id = ids[0][1]
    listed = client.get(f"/guide/checklist/{supplier_id}").get_data(as_text=True)
    assert "+371 28612120" in listed and "State-funded assistance" in listed
    _reader, text = pdf_text(client.get(f"/guide/checklist/{supplier_id}.pdf").data)
    assert "+371 28612120" in text and "State Labour Inspectorate" in text
    report = make_report(app, critical["org"])
    with app.app_context():
        _reader, text = pdf_text(reports.archived(report))
    contacts = text.index("Who to contact if you suspect exploitation or trafficking")
    assert "+371 28612120" in text[contacts : contacts + 1000]
    assert contacts < text.rindex("Flagged suppliers")  # with the flags by severity
