"""Walk every route as another organisation's admin and as a visitor: nothing of organisation A
may be shown or changed. A new route without an access rule, or with a URL parameter this test
has no sample for, makes it fail."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlmodel import select

from supplychain import storage
from supplychain.access import rule_for
from supplychain.accounts import services as accounts
from supplychain.api import tokens as api_tokens
from supplychain.api.spec import OPERATIONS
from supplychain.models import (
    Answer,
    ApiToken,
    AuditEvent,
    Campaign,
    CaseMessage,
    CasePhoto,
    CaseStatus,
    ChainImport,
    Evidence,
    Flag,
    FlagDecision,
    Invitation,
    Link,
    Organisation,
    OutboxMessage,
    OutboxStatus,
    Report,
    Response,
    Role,
    ScreeningCheck,
    ScreeningResult,
    SendingJob,
    Site,
    SiteSupplier,
    Supplier,
    TokenPurpose,
    User,
    WorkerCase,
    utcnow,
)
from supplychain.questionnaires import evidence
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.questionnaires.services import (
    COMPANY_RISK_ASSESSMENT,
    record_own_assessment,
    save_answers,
)
from supplychain.reports import services as reports
from supplychain.reports.context import Scope
from supplychain.respond.services import start as start_response_from_link
from supplychain.risk import jobs as risk_jobs
from supplychain.screening import services as screening
from supplychain.screening.packs import pack_for
from supplychain.sites import services as sites
from supplychain.voice import photo
from tests.conftest import csrf_token, login
from tests.factories import (
    PASSWORD,
    make_link,
    make_org,
    make_supplier,
    make_token,
    make_user,
    phone_jpeg,
    send_campaign,
)

SECRET = "ALPHA-CONFIDENTIAL"
# A plausible form body for any POST: every field a route of ours reads.
FORM = {
    "code": "HACK",
    "name": "Hacked",
    "country": "LV",
    "sector": "F41.2",
    "kind": "company",
    "email": "x@example.com",
    "employees": "1",
    "parent_id": "0",
    "child_id": "1",
    "relation": "subcontract",
    "status": "acknowledged",
    "role": "viewer",
    "password": "p" * 20,
    "confirm": "p" * 20,
    "organisation_name": "X",
    "slug": "x-org",
}


@pytest.fixture
def world(app):
    """Organisation A with data marked SECRET; organisation B with its own admin."""
    from supplychain import db

    with app.app_context():
        session = db.get_session()
        org_a, org_b = make_org(session, "alpha", SECRET), make_org(session, "beta", "Beta")
        admin_a = make_user(session, org_a, Role.ADMIN, email="admin@alpha.example")
        other_a = make_user(session, org_a, Role.OFFICER, email=f"{SECRET.lower()}@alpha.example")
        admin_b = make_user(session, org_b, Role.ADMIN, email="admin@beta.example")
        s1 = make_supplier(session, org_a, name=f"{SECRET} Builders", code="ALPHA1")
        s2 = make_supplier(session, org_a, name=f"{SECRET} Agency", code="ALPHA2", kind="agency")
        make_link(session, org_a, None, s1)
        link = make_link(session, org_a, s1, s2, relation="labour_hire")
        reset = accounts.issue_token(
            session=session,
            user=admin_a,
            purpose=TokenPurpose.PASSWORD_RESET,
            lifetime=timedelta(hours=1),
        )
        upload = ChainImport(
            organisation_id=org_a.id,
            filename=f"{SECRET}.csv",
            sha256="0" * 64,
            content=f"code\n{SECRET}".encode(),
        )
        session.add(upload)
        token_a, _secret = api_tokens.issue(
            session=session,
            organisation_id=org_a.id,
            user_id=admin_a.id,
            name=f"{SECRET} script",
            scopes=["read", "write"],
        )
        beta_secret = make_token(session, org_b.id, user_id=admin_b.id, name="Beta script")
        own = get_catalogue().current[COMPANY_RISK_ASSESSMENT]
        record_own_assessment(
            session=session,
            organisation_id=org_a.id,
            user_id=admin_a.id,
            questionnaire=own,
            language="en",
            answers={q.id: "yes" for q in own.questions() if q.type == "yes_no"},
            respondent_name=f"{SECRET} Officer",
        )
        sent = _sent_questionnaire(app, session, org_a, admin_a, s1)
        check = _screening_check(app, session, admin_a, s1)
        case = _worker_case(app, session, org_a, s1)
        site = sites.create_site(
            session=session,
            organisation_id=org_a.id,
            data=sites.SiteData(name=f"{SECRET} site", address=SECRET),
        )
        sites.place(session=session, site=site, supplier_id=s1.id)
        session.commit()
        run = risk_jobs.run_now(
            session=session, organisation_id=org_a.id, catalogue=get_catalogue()
        )
        flag = session.exec(select(Flag).where(Flag.organisation_id == org_a.id)).first()
        report = reports.queue_report(
            session=session, organisation_id=org_a.id, scope=Scope(), lang="en"
        )
        reminding = SendingJob(organisation_id=org_a.id, kind="remind", targets=[s1.id], total=1)
        session.add(reminding)
        session.commit()
        return {
            **sent,
            "import_id": upload.id,
            "supplier_id": s1.id,
            "link_id": link.id,
            "user_id": other_a.id,
            "token": reset,
            "code": "lv",  # also a workers' page address (/w/<code>) that no site has
            "site_id": site.id,
            "questionnaire_id": COMPANY_RISK_ASSESSMENT,
            "decision": "confirm",
            "step": "confirm",
            "run_id": run.id,
            "flag_id": flag.id,
            "section_id": "screening",
            "lang": "ru",  # the workers' leaflet: no organisation data in it
            "report_id": report.id,
            "job_id": reminding.id,
            "fmt": "csv",
            "api_token_id": token_a.id,
            "beta_api_token": beta_secret,
            "check_id": check.id,
            "case_id": case.id,
            "action": "acknowledge",
        }


def _worker_case(app, session, org, supplier):
    """A worker's report, with a photo, about a site of org where supplier's workers are."""
    site = Site(organisation_id=org.id, name=f"{SECRET} Site", code="alphasit")
    session.add(site)
    session.flush()
    session.add(SiteSupplier(organisation_id=org.id, site_id=site.id, supplier_id=supplier.id))
    case = WorkerCase(
        organisation_id=org.id,
        site_id=site.id,
        code_hash="a" * 64,
        language="lv",
        text=f"{SECRET} report",
        contact=f"{SECRET} phone",
        status=CaseStatus.RECEIVED,
        acknowledge_by=utcnow().date(),
    )
    session.add(case)
    session.flush()
    session.add(CaseMessage(organisation_id=org.id, case_id=case.id, from_worker=True, text=SECRET))
    picture = photo.clean(phone_jpeg((40, 30)), max_bytes=2**20)
    stored_name = storage.keep(session, storage.upload_dir(app), org.id, picture.data)
    session.add(
        CasePhoto(
            organisation_id=org.id,
            case_id=case.id,
            stored_name=stored_name,
            size=len(picture.data),
            width=picture.width,
            height=picture.height,
            sha256="0" * 64,
        )
    )
    return case


def _screening_check(app, session, admin, supplier):
    """A failed screening check of supplier with a document."""
    pack = pack_for(supplier.country)
    return screening.record_check(
        session=session,
        folder=storage.upload_dir(app),
        supplier=supplier,
        user=admin,
        item=pack.items[0],
        pack=pack,
        checked_on=utcnow().date(),
        result=ScreeningResult.FAILED,
        note=SECRET,
        valid_until=None,
        document=screening.Document(
            f"{SECRET}.pdf", b"%PDF-1.4 " + SECRET.encode(), "application/pdf"
        ),
    )


def _sent_questionnaire(app, session, org, admin, supplier) -> dict:
    """A campaign to supplier, a started response with an answer, a document, a dead mail."""
    campaign, _links = send_campaign(
        session,
        org.id,
        [supplier.id],
        user_id=admin.id,
        title=f"{SECRET} campaign",
        message=SECRET,
        deadline=utcnow() + timedelta(days=5),
    )
    invitation = session.exec(select(Invitation)).one()
    response = start_response_from_link(
        session=session,
        invitation=invitation,
        questionnaire=get_catalogue().current["supplier-self-assessment"],
        now=utcnow(),
    )
    save_answers(session=session, response=response, answers={"registration_no": SECRET})
    document = evidence.store(
        session=session,
        folder=storage.upload_dir(app),
        response=response,
        question_id="registration_no",
        data=b"%PDF-1.4 " + SECRET.encode(),
        mime="application/pdf",
        filename=f"{SECRET}.pdf",
    )
    mail = session.exec(select(OutboxMessage)).one()
    mail.status = OutboxStatus.DEAD
    session.add(mail)
    return {
        "campaign_id": campaign.id,
        "invitation_id": invitation.id,
        "response_id": response.id,
        "evidence_id": document.id,
        "message_id": mail.id,
    }


def _snapshot(app, slug: str) -> list:
    from supplychain import db

    with app.app_context():
        session = db.get_session()
        org = session.exec(select(Organisation).where(Organisation.slug == slug)).one()
        rows = []
        for model in (
            Supplier,
            Link,
            User,
            Response,
            Answer,
            Campaign,
            Invitation,
            Evidence,
            OutboxMessage,
            Flag,
            FlagDecision,
            Report,
            ApiToken,
            ScreeningCheck,
            Site,
            SiteSupplier,
            WorkerCase,
            CaseMessage,
            CasePhoto,
        ):
            for row in session.exec(select(model).where(model.organisation_id == org.id)):
                rows.append(row.model_dump(exclude={"updated_at", "last_login_at", "last_used_at"}))
        return sorted(rows, key=repr)


def _text(response) -> str:
    """Everything a response shows a person, including the cells of a spreadsheet download."""
    if response.mimetype.endswith("spreadsheetml.sheet"):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
        return " ".join(
            str(c)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
            for c in row
            if c is not None
        )
    return response.get_data().decode("utf-8", errors="replace")


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule


def _url(rule, samples) -> str:
    missing = [a for a in rule.arguments if a not in samples]
    assert not missing, f"{rule.rule}: add a sample value for {missing} to this test"
    return rule.build({a: samples[a] for a in rule.arguments})[1]


def test_every_route_declares_an_access_rule(app):
    undeclared = [r.rule for r in _routes(app) if rule_for(app, r.endpoint) is None]
    assert undeclared == []


def test_undeclared_route_is_refused(app, client):
    app.add_url_rule("/leaky", "leaky", lambda: SECRET)
    response = client.get("/leaky")
    assert response.status_code == 403
    assert SECRET not in _text(response)


def _requests(app, world, email: str | None, api_token: str | None = None):
    """Yield (rule, method, response) for every route and method, each from a fresh session
    (signed in as email, or anonymous) so that no request changes who makes the next one.
    API routes are called with api_token (and the cookie, which they must ignore)."""
    for rule in _routes(app):
        url = _url(rule, world)
        is_api = rule_for(app, rule.endpoint).scope is not None
        headers = {"Authorization": f"Bearer {api_token}"} if is_api and api_token else {}
        for method in sorted(rule.methods & {"GET", "POST", "PUT", "PATCH", "DELETE"}):
            client = app.test_client()
            if email:
                login(client, email, PASSWORD)
            if method == "GET":
                response = client.get(url, headers=headers)
            elif is_api:
                body = _api_body(rule.endpoint)
                response = client.open(url, method=method, json=body, headers=headers)
            else:
                form = {**FORM, "csrf_token": csrf_token(client)}
                response = client.open(url, method=method, data=form)
            yield rule, method, url, response


def _api_body(endpoint: str) -> dict:
    """The fields of FORM that the API operation's body takes, so that the body is accepted
    and the id alone decides the answer."""
    for op in OPERATIONS:
        if op.endpoint == endpoint and op.body is not None:
            return {k: v for k, v in FORM.items() if k in op.body.model_fields}
    return {}


def test_other_organisation_sees_and_changes_nothing(app, world):
    # The walk posts to every route, sign-in included, from one address many times over.
    app.config.update(
        LOGIN_RATE_LIMIT="10000 per minute", LOGIN_ACCOUNT_RATE_LIMIT="10000 per hour"
    )
    before, audit_before = _snapshot(app, "alpha"), _audit_count(app)
    # Token links are capabilities: holding A's token is not the case tested here; guessing is.
    samples = {**world, "token": "guessed-" + "x" * 35}
    checked = 0
    requests = _requests(app, samples, "admin@beta.example", world["beta_api_token"])
    for rule, method, url, response in requests:
        body = _text(response)
        assert SECRET not in body, f"{method} {url} shows organisation A's data"
        assert SECRET.lower() not in body, f"{method} {url} shows organisation A's data"
        if any(
            a in rule.arguments
            for a in (
                "supplier_id",
                "link_id",
                "user_id",
                "import_id",
                "token",
                "campaign_id",
                "invitation_id",
                "response_id",
                "evidence_id",
                "message_id",
                "run_id",
                "flag_id",
                "report_id",
                "job_id",
                "api_token_id",
                "check_id",
                "case_id",
                "site_id",
            )
        ):
            assert response.status_code == 404, f"{method} {url}: {response.status_code}"
        checked += 1
    assert checked > 20
    assert _snapshot(app, "alpha") == before
    assert _audit_count(app) == audit_before


def test_visitor_is_sent_to_sign_in(app, world):
    before = _snapshot(app, "alpha")
    for rule, method, url, response in _requests(app, world, None):
        body = _text(response)
        assert SECRET not in body and SECRET.lower() not in body, f"{method} {url}"
        if rule_for(app, rule.endpoint).scope is not None:  # the API: no token, no entry
            assert response.status_code == 401, f"{method} {url}: {response.status_code}"
        elif not rule_for(app, rule.endpoint).public:
            assert response.status_code == 302, f"{method} {url}: {response.status_code}"
            assert "/account/login" in response.headers["Location"]
    # The only public route that may change A's rows is the reset link, used with its token.
    changed = [r for r in _snapshot(app, "alpha") if r not in before]
    assert all(r.get("email") == "admin@alpha.example" for r in changed)


def _audit_count(app, slug: str = "alpha") -> int:
    from supplychain import db

    with app.app_context():
        session = db.get_session()
        org = session.exec(select(Organisation).where(Organisation.slug == slug)).one()
        return len(
            session.exec(select(AuditEvent).where(AuditEvent.organisation_id == org.id)).all()
        )
