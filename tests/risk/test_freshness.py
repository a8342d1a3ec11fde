"""The pages that show the latest assessment say when it is out of date (a chain change, an
answer, an import), when a supplier was never assessed, and why a run does not move."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlmodel import col, select
from werkzeug.datastructures import MultiDict

from supplychain import db
from supplychain.chain.jobs import run_waiting as run_imports
from supplychain.i18n import format_datetime
from supplychain.invitations import services as invitations
from supplychain.jobstate import aware
from supplychain.models import (
    AssessmentRun,
    AuditEvent,
    ChainImport,
    Report,
    Role,
    RunStatus,
    utcnow,
)
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.questionnaires.sample import plain_answers
from supplychain.risk.rules import RULES
from supplychain.worker import run_once
from tests.answering import section_form
from tests.conftest import csrf_token, login, post_form
from tests.factories import PASSWORD, make_link, make_org, make_supplier, make_user

PAGES = ("/", "/risk/", "/reports/")  # and each supplier's page
ASSESS_NOW = 'action="/risk/run"'  # the Assess now button
OUT_OF_DATE = "The assessment is out of date: the chain or the answers changed on "
NOTICE = re.compile(
    r'<div class="flash [^"]*freshness".*?</div>|<p class="flash [^"]*freshness".*?</p>', re.S
)


@pytest.fixture
def chain(app, client):
    with app.app_context():
        session = db.get_session()
        org = make_org(session, "fresh")
        make_user(session, org, Role.ADMIN, email="admin@fresh.example")
        make_user(session, org, Role.VIEWER, email="viewer@fresh.example")
        alfa = make_supplier(session, org, code="A", name="Alfa SIA")
        agency = make_supplier(
            session, org, code="G", name="Gaisma Staff SIA", kind="agency", email="g@gaisma.lv"
        )
        make_link(session, org, None, alfa)
        make_link(session, org, alfa, agency, relation="labour_hire")
        session.commit()
        ids = {"org": org.id, "A": alfa.id, "G": agency.id}
    login(client, "admin@fresh.example", PASSWORD)
    return ids


def _notice(client, url: str) -> str:
    """The freshness notice of a page ("" when it shows none)."""
    page = client.get(url)
    assert page.status_code == 200, url
    return "".join(NOTICE.findall(page.get_data(as_text=True)))


def _changed_on(app, action: str) -> str:
    """The time of the latest audit event of action, as the (English) pages write it."""
    with app.test_request_context(), force_locale("en"):
        event = (
            db.get_session()
            .exec(
                select(AuditEvent)
                .where(AuditEvent.action == action)
                .order_by(col(AuditEvent.id).desc())
            )
            .first()
        )
        assert event is not None, action
        return OUT_OF_DATE + format_datetime(aware(event.created_at)) + "."


def _assess(client) -> None:
    response = post_form(client, "/risk/run", page="/risk/")
    assert response.status_code == 302


def _supplier_form(code: str, name: str, **extra: str) -> dict[str, str]:
    return {"code": code, "name": name, "country": "LV", "kind": "company", **extra}


def test_a_chain_change_puts_every_page_out_of_date_until_assessed_again(app, client, chain):
    supplier_page = f"/chain/suppliers/{chain['A']}"
    assert "Not assessed yet." in client.get(supplier_page).get_data(as_text=True)
    _assess(client)
    for url in (*PAGES, supplier_page):
        assert _notice(client, url) == "", url

    edited = post_form(
        client,
        f"{supplier_page}/edit",
        _supplier_form("A", "Alfa Būve SIA", employees="40"),
        page=f"{supplier_page}/edit",
    )
    assert edited.status_code == 302
    label = _changed_on(app, "supplier.updated")
    for url in (*PAGES, supplier_page):  # the edit queued an assessment itself
        notice = _notice(client, url)
        assert label in notice and "An assessment is under way" in notice, url
    viewer = app.test_client()
    login(viewer, "viewer@fresh.example", PASSWORD)
    for url in (*PAGES, supplier_page):
        notice = _notice(viewer, url)
        assert label in notice and ASSESS_NOW not in notice, url

    added = post_form(
        client,
        "/chain/suppliers/new",
        _supplier_form("N", "Jaunais SIA"),
        page="/chain/suppliers/new",
    )
    new_page = added.headers["Location"]
    page = client.get(new_page).get_data(as_text=True)
    assert "Not assessed yet." in page and "No flags in the latest assessment." not in page
    actions = client.get(new_page.replace("/chain/suppliers/", "/guide/checklist/"))
    assert "Not assessed yet." in actions.get_data(as_text=True)  # its action list too
    assert "Not assessed yet." not in client.get(supplier_page).get_data(as_text=True)

    _assess(client)
    for url in (*PAGES, supplier_page, new_page):
        assert _notice(client, url) == "", url
    assert "Not assessed yet." not in client.get(new_page).get_data(as_text=True)

    # The organisation's country (and the thresholds) change flags too.
    settings = {f"{rid}.{k}": str(d) for rid, r in RULES.items() for k, d in r.thresholds.items()}
    saved = post_form(
        client, "/risk/settings", {**settings, "country": "LT"}, page="/risk/settings"
    )
    assert saved.status_code == 302
    assert _changed_on(app, "risk_settings.updated") in _notice(client, "/risk/")


def _invite(app, supplier_id: int, org_id: int) -> str:
    """Invite the agency to its screening; return its link's token."""
    with app.app_context():
        session = db.get_session()
        _campaign, links = invitations.create_campaign(
            session=session,
            organisation_id=org_id,
            user_id=None,
            questionnaire=get_catalogue().current["agency-screening"],
            title="Screening",
            message="",
            deadline=utcnow() + timedelta(days=10),
            supplier_ids=[supplier_id],
            base_url=app.config["BASE_URL"],
            now=utcnow(),
        )
        session.commit()
    return links[0].url.rsplit("/", 1)[1]


def _answer(app, token: str) -> None:
    """Answer the screening from its link, as the supplier does."""
    with app.app_context():
        questionnaire = get_catalogue().current["agency-screening"]
    supplier = app.test_client()
    post_form(supplier, f"/r/{token}", page=f"/r/{token}")  # Start
    answers = plain_answers(questionnaire, {})
    for section in questionnaire.sections:
        url = f"/r/answer?section={section.id}"
        data = [("csrf_token", csrf_token(supplier, url)), ("go", "next")]
        data += section_form(questionnaire, section.id, answers)
        assert supplier.post(url, data=MultiDict(data)).status_code == 303, section.id
    body = {"csrf_token": csrf_token(supplier, "/r/review"), "respondent_name": "Ieva"}
    assert supplier.post("/r/review", data=body).status_code == 303


def _set_newest(app, model=AssessmentRun, **values) -> int:
    """Put the newest run (or report, or import) in a state: a worker that never came, or
    one that died."""
    with app.app_context():
        session = db.get_session()
        row = session.exec(select(model).order_by(col(model.id).desc())).first()
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)
        session.commit()
        return row.id


def test_an_answer_and_an_import_put_it_out_of_date_and_a_stuck_run_says_why(app, client, chain):
    token = _invite(app, chain["G"], chain["org"])
    _assess(client)
    assert _notice(client, "/risk/") == ""

    _answer(app, token)
    notice = _notice(client, "/risk/")
    assert _changed_on(app, "response.submitted") in notice
    # The answer queued a run: said instead of offering another.
    assert "An assessment is under way (0%)." in notice and ASSESS_NOW not in notice

    waited = utcnow() - timedelta(minutes=5)
    run_id = _set_newest(app, created_at=waited)
    with app.test_request_context(), force_locale("en"):
        since = format_datetime(waited, "HH:mm")
    waiting = f"Waiting for a worker since {since}: is <code>supplychain worker</code> running?"
    notice = _notice(client, "/risk/")
    assert waiting in notice and ASSESS_NOW in notice  # Assess now, as none takes it
    assert waiting in client.get(f"/risk/runs/{run_id}").get_data(as_text=True)

    # Carried out in a web request that died (no lease): stopped a lease after it started.
    started = utcnow() - timedelta(minutes=20)
    _set_newest(app, status=RunStatus.RUNNING, claimed_until=None, started_at=started)
    assert "Its runner stopped" in _notice(client, f"/chain/suppliers/{chain['G']}")
    assert run_once(app)["assessments"] == 1  # taken over
    for url in ("/", "/risk/", f"/chain/suppliers/{chain['G']}"):
        assert _notice(client, url) == "", url

    upload = client.post(
        "/chain/import",
        data={
            "csrf_token": csrf_token(client, "/chain/import"),
            "file": (io.BytesIO(_export(client)), "chain.csv"),
        },
        content_type="multipart/form-data",
    )
    job = upload.headers["Location"]
    _set_newest(app, ChainImport, created_at=waited)
    assert waiting in client.get(job).get_data(as_text=True)
    run_once(app)
    assert post_form(client, f"{job}/apply", page=job).status_code == 302
    run_imports(app)  # applies the import, which queues a run (the worker's tick would run it)
    notice = _notice(client, "/reports/")
    assert _changed_on(app, "chain.imported") in notice and "under way" in notice
    _set_newest(app, status=RunStatus.RUNNING, claimed_until=utcnow() - timedelta(minutes=1))
    assert "Its runner stopped" in _notice(client, "/reports/")  # a worker that died

    _set_newest(app, status=RunStatus.FAILED, error="the database went away")
    assert "The latest assessment failed: the database went away" in _notice(client, "/")

    made = post_form(client, "/reports/", {"scope": "chain", "lang": "en"}, page="/reports/")
    _set_newest(app, Report, created_at=waited)
    assert waiting in client.get(made.headers["Location"]).get_data(as_text=True)


def _export(client) -> bytes:
    """The chain as exported, with one more agency under Alfa."""
    text = client.get("/chain/export.csv").get_data().decode("utf-8-sig")
    row = "A,G2,Otrā Aģentūra SIA,labour_hire,LV,N78.2,40003000099,,agency,3,5,,"
    return (text.rstrip("\r\n") + "\r\n" + row + "\r\n").encode()


def test_assessed_is_decided_by_when_the_run_started(session):
    from supplychain.risk.freshness import assessed, stale_action

    org = make_org(session)
    early = make_supplier(session, org)
    run = AssessmentRun(organisation_id=org.id, started_at=utcnow())
    late = make_supplier(session, org)
    session.flush()
    assert assessed(session, run, early) and not assessed(session, run, late)
    assert not assessed(session, None, early)
    assert all(
        stale_action(a)
        for a in ("supplier.archived", "supplier.deleted_for_good", "chain.imported")
    )
    assert not any(stale_action(a) for a in ("user.login", "flag.open", "suppliers.x"))


def test_a_deadline_passing_after_the_run_puts_it_out_of_date(session):
    """No audit event marks a deadline passing, yet the rule no-response reads it."""
    from supplychain.risk.freshness import freshness
    from supplychain.risk.jobs import run_now

    org = make_org(session)
    alfa = make_supplier(session, org, code="A", email="a@alfa.example")
    make_link(session, org, None, alfa)
    session.commit()
    now = utcnow()
    deadline = now + timedelta(days=3)
    invitations.create_campaign(
        session=session,
        organisation_id=org.id,
        user_id=None,
        questionnaire=get_catalogue().current["supplier-self-assessment"],
        title="Autumn",
        message="",
        deadline=deadline,
        supplier_ids=[alfa.id],
        base_url="http://localhost",
        now=now,
    )
    session.commit()
    run_now(session=session, organisation_id=org.id, catalogue=get_catalogue())
    assert not freshness(session, org.id, now + timedelta(days=2)).stale
    later = freshness(session, org.id, now + timedelta(days=4))
    assert later.stale and abs(later.changed_at - aware(deadline)) < timedelta(seconds=1)
