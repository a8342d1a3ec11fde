"""Each resource's happy path through the API, validation errors, and tenant isolation."""

from __future__ import annotations

import pytest
from sqlmodel import select

from supplychain import db
from supplychain.models import (
    AssessmentRun,
    AuditEvent,
    Flag,
    Invitation,
    Link,
    OutboxMessage,
    Response,
    RunStatus,
    Supplier,
    utcnow,
)
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.questionnaires.services import save_answers, submit_response
from supplychain.reports import jobs as report_jobs
from supplychain.reports import services as reports
from supplychain.respond.services import start as start_response
from supplychain.risk import jobs as risk_jobs
from tests.api.conftest import call, invitation_body, send_invitations
from tests.factories import make_link, make_supplier, send_campaign


def _rows(app, model, org_id):
    with app.app_context():
        return [
            r.model_dump()
            for r in db.get_session().exec(select(model).where(model.organisation_id == org_id))
        ]


def test_suppliers_create_list_get_update(app, client, tenants):
    a = tenants["a"]
    body = {"code": "NEW1", "name": "<b>Būve</b> SIA", "country": "lv", "kind": "agency"}
    created = call(client, "POST", "/suppliers", a.write, json=body)
    assert created.status_code == 201, created.json
    supplier = created.json
    assert supplier["name"] == "<b>Būve</b> SIA" and supplier["country"] == "LV"
    assert created.mimetype == "application/json"
    got = call(client, "GET", f"/suppliers/{supplier['id']}", a.read).json
    assert got == supplier
    page = call(client, "GET", "/suppliers?limit=1", a.read).json
    assert len(page["data"]) == 1 and page["next_offset"] == 1
    assert call(client, "GET", "/suppliers?offset=1", a.read).json["next_offset"] is None
    patched = call(
        client, "PATCH", f"/suppliers/{supplier['id']}", a.write, json={"employees": 12}
    ).json
    assert patched["employees"] == 12 and patched["name"] == supplier["name"]
    with app.app_context():
        actions = db.get_session().exec(select(AuditEvent.action, AuditEvent.user_id)).all()
    assert ("supplier.created", a.admin_id) in actions and (
        "supplier.updated",
        a.admin_id,
    ) in actions


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "X", "name": "X", "country": "ZZ"}, "country"),
        ({"code": "bad code!", "name": "X", "country": "LV"}, "code"),
        ({"code": "X", "name": "X", "country": "LV", "employees": -1}, "employees"),
        ({"code": "X", "name": "X", "country": "LV", "colour": "red"}, "colour"),
        ({"name": "X", "country": "LV"}, "code"),
        ({"code": "X", "name": "X", "country": "LV", "email": "nope"}, "email"),
        ({"code": "X", "name": "X\x00", "country": "LV"}, "name"),
    ],
)
def test_invalid_supplier_names_the_field_and_changes_nothing(app, client, tenants, body, field):
    before = _rows(app, Supplier, tenants["a"].org_id)
    response = call(client, "POST", "/suppliers", tenants["a"].write, json=body)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "invalid_input" and field in error["fields"], error
    assert _rows(app, Supplier, tenants["a"].org_id) == before


def test_duplicate_code_on_update_names_the_field(app, client, tenants):
    a = tenants["a"]
    other = call(
        client, "POST", "/suppliers", a.write, json={"code": "DUP", "name": "D", "country": "LV"}
    )
    before = _rows(app, Supplier, a.org_id)
    response = call(client, "PATCH", f"/suppliers/{a.supplier_id}", a.write, json={"code": "DUP"})
    assert other.status_code == 201
    assert response.status_code == 422 and "code" in response.json["error"]["fields"]
    assert _rows(app, Supplier, a.org_id) == before


def test_not_json_is_400(client, tenants):
    response = call(client, "POST", "/suppliers", tenants["a"].write, data="code=X")
    assert response.status_code == 400 and "body" in response.json["error"]["fields"]


def test_bad_query_names_the_parameter(client, tenants):
    response = call(client, "GET", "/suppliers?limit=0", tenants["a"].read)
    assert response.status_code == 422 and "limit" in response.json["error"]["fields"]
    response = call(client, "GET", "/flags?severity=dire", tenants["a"].read)
    assert response.status_code == 422 and "severity" in response.json["error"]["fields"]


def test_links_create_and_list(app, client, tenants):
    a = tenants["a"]
    child = call(
        client, "POST", "/suppliers", a.write, json={"code": "C", "name": "C", "country": "EE"}
    ).json
    body = {
        "parent_id": a.supplier_id,
        "child_id": child["id"],
        "relation": "labour_hire",
        "workers": 4,
        "contract_value_eur": "1200.50",
    }
    created = call(client, "POST", "/links", a.write, json=body)
    assert created.status_code == 201, created.json
    assert created.json["contract_value_eur"] == "1200.50"
    listed = call(client, "GET", f"/links?supplier_id={child['id']}", a.read).json["data"]
    assert [link["id"] for link in listed] == [created.json["id"]]
    again = call(client, "POST", "/links", a.write, json=body)
    assert again.status_code == 422 and "child_id" in again.json["error"]["fields"]
    # A supplier of another organisation cannot be linked to.
    before = _rows(app, Link, a.org_id)
    foreign = call(
        client, "POST", "/links", a.write, json={**body, "child_id": tenants["b"].supplier_id}
    )
    assert foreign.status_code == 422 and "child_id" in foreign.json["error"]["fields"]
    assert _rows(app, Link, a.org_id) == before


def test_invitations_send_through_the_outbox(app, client, tenants):
    a = tenants["a"]
    body = invitation_body(a, "Spring screening")
    sent = send_invitations(client, a, "Spring screening")
    (invitation,) = sent.json["invitations"]
    assert invitation["supplier_id"] == a.supplier_id and invitation["status"] == "queued"
    assert "/r/" not in sent.get_data(as_text=True)  # the link's secret goes by mail only
    assert len(_rows(app, OutboxMessage, a.org_id)) == 1
    listed = call(client, "GET", f"/invitations?supplier_id={a.supplier_id}", a.read).json
    assert [i["id"] for i in listed["data"]] == [invitation["id"]]
    # Another organisation's supplier is refused, naming the field; nothing is sent.
    bad = call(
        client,
        "POST",
        "/invitations",
        a.write,
        json={**body, "supplier_ids": [tenants["b"].supplier_id]},
    )
    assert bad.status_code == 422 and "supplier_ids" in bad.json["error"]["fields"]
    late = call(
        client, "POST", "/invitations", a.write, json={**body, "deadline": "2020-01-01T00:00:00Z"}
    )
    assert late.status_code == 422 and "deadline" in late.json["error"]["fields"]
    naive = call(
        client, "POST", "/invitations", a.write, json={**body, "deadline": "2999-01-01T00:00:00"}
    )
    assert naive.status_code == 422 and "deadline" in naive.json["error"]["fields"]
    assert len(_rows(app, OutboxMessage, a.org_id)) == 1


def _answered(app, tenant):
    """Send tenant's supplier a questionnaire and start answering it; return the response id."""

    with app.app_context():
        session = db.get_session()
        questionnaire = get_catalogue().current["supplier-self-assessment"]
        send_campaign(session, tenant.org_id, [tenant.supplier_id], user_id=tenant.admin_id)
        invitation = session.exec(
            select(Invitation).where(Invitation.organisation_id == tenant.org_id)
        ).one()
        response = start_response(
            session=session, invitation=invitation, questionnaire=questionnaire, now=utcnow()
        )
        save_answers(session=session, response=response, answers={"registration_no": "<script>"})
        session.commit()
        return response.id


def test_responses_with_answers(app, client, tenants):
    a = tenants["a"]
    response_id = _answered(app, a)
    listed = call(client, "GET", "/responses?status=in_progress", a.read).json["data"]
    assert [r["id"] for r in listed] == [response_id]
    got = call(client, "GET", f"/responses/{response_id}", a.read)
    assert got.json["answers"] == {}  # a draft shows how far it is, not what it says
    assert got.json["progress"][0]["answered"] == 1
    with app.app_context():
        session = db.get_session()
        submit_response(
            session=session, response=session.get(Response, response_id), respondent_name="A"
        )
        session.commit()
    got = call(client, "GET", f"/responses/{response_id}", a.read)
    assert got.json["answers"]["registration_no"] == "<script>"
    assert got.mimetype == "application/json"


def _assessed(app, tenant):
    with app.app_context():
        session = db.get_session()
        org = session.get(Supplier, tenant.supplier_id).organisation_id
        agency = make_supplier(session, _org(session, org), kind="agency", code="AG1")
        make_link(session, _org(session, org), None, session.get(Supplier, tenant.supplier_id))
        make_link(
            session,
            _org(session, org),
            session.get(Supplier, tenant.supplier_id),
            agency,
            relation="labour_hire",
        )
        session.commit()
        run = risk_jobs.run_now(session=session, organisation_id=org, catalogue=get_catalogue())
        return run.id


def _org(session, org_id):
    from supplychain.models import Organisation

    return session.get(Organisation, org_id)


def test_assessments_and_flags(app, client, tenants):
    a = tenants["a"]
    assert call(client, "GET", "/flags", a.read).json["data"] == []
    run_id = _assessed(app, a)
    runs = call(client, "GET", "/assessments", a.read).json["data"]
    assert [r["id"] for r in runs] == [run_id] and runs[0]["status"] == "done"
    detail = call(client, "GET", f"/assessments/{run_id}", a.read).json
    assert "summary" in detail and detail["rules_version"]
    flags = call(client, "GET", "/flags?limit=200", a.read).json["data"]
    assert flags and all(f["status"] == "open" for f in flags)
    one = flags[0]
    assert call(client, "GET", f"/flags/{one['id']}", a.read).json == one
    by_rule = call(
        client, "GET", f"/flags?rule={one['rule']}&severity={one['severity']}", a.read
    ).json["data"]
    assert by_rule and all(
        f["rule"] == one["rule"] or f["indicator"] == one["rule"] for f in by_rule
    )
    by_supplier = call(client, "GET", f"/flags?supplier_id={a.supplier_id}", a.read).json["data"]
    assert all(f["supplier_id"] == a.supplier_id for f in by_supplier)
    queued = call(client, "POST", "/assessments", a.write)
    assert queued.status_code == 202 and queued.json["status"] == "queued"
    assert call(client, "POST", "/assessments", a.write).json["id"] == queued.json["id"]
    wrong_run = call(client, "GET", f"/flags?run_id={queued.json['id']}", a.read)
    assert wrong_run.status_code == 422 and "run_id" in wrong_run.json["error"]["fields"]


def test_reports_queue_status_and_pdf(app, client, tenants):
    a = tenants["a"]
    early = call(client, "POST", "/reports", a.write, json={})
    assert early.status_code == 422 and "run" in early.json["error"]["fields"]
    _assessed(app, a)
    bad = call(
        client,
        "POST",
        "/reports",
        a.write,
        json={"scope": "supplier", "supplier_id": tenants["b"].supplier_id},
    )
    assert bad.status_code == 422 and "supplier_id" in bad.json["error"]["fields"]
    queued = call(client, "POST", "/reports", a.write, json={"scope": "chain", "lang": "lv"})
    assert queued.status_code == 202 and queued.json["status"] == "queued"
    assert queued.json["kind"] == "full", "the API's default stays the full report"
    report_id = queued.json["id"]
    waiting = call(client, "GET", f"/reports/{report_id}/pdf", a.read)
    assert waiting.status_code == 409 and waiting.json["error"]["code"] == "conflict"
    assert report_jobs.run_waiting(app) == 1
    done = call(client, "GET", f"/reports/{report_id}", a.read).json
    assert done["status"] == "done" and len(done["sha256"]) == 64
    pdf = call(client, "GET", f"/reports/{report_id}/pdf", a.read)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data[:5] == b"%PDF-" and pdf.headers["X-Content-SHA256"] == done["sha256"]
    assert [r["id"] for r in call(client, "GET", "/reports", a.read).json["data"]] == [report_id]
    brief = call(client, "POST", "/reports", a.write, json={"kind": "summary"})
    assert brief.status_code == 202 and brief.json["kind"] == "summary"


def test_other_organisation_gets_404_for_every_id(app, client, tenants):
    """Organisation B's token finds none of A's objects, in any endpoint with an id."""
    a, b = tenants["a"], tenants["b"]
    response_id = _answered(app, a)
    run_id = _assessed(app, a)
    with app.app_context():
        session = db.get_session()
        flag_id = session.exec(select(Flag.id).where(Flag.organisation_id == a.org_id)).first()
        report = reports.queue_report(
            session=session, organisation_id=a.org_id, scope=reports.Scope(), lang="en"
        )
        session.commit()
        report_id = report.id
    before = {m: _rows(app, m, a.org_id) for m in (Supplier, AssessmentRun, Flag)}
    urls = [
        ("GET", f"/suppliers/{a.supplier_id}"),
        ("PATCH", f"/suppliers/{a.supplier_id}"),
        ("GET", f"/responses/{response_id}"),
        ("GET", f"/assessments/{run_id}"),
        ("GET", f"/flags/{flag_id}"),
        ("GET", f"/reports/{report_id}"),
        ("GET", f"/reports/{report_id}/pdf"),
    ]
    for method, url in urls:
        kwargs = {"json": {"name": "Taken over"}} if method == "PATCH" else {}
        response = call(client, method, url, b.write, **kwargs)
        assert response.status_code == 404, (method, url, response.status_code)
        assert response.json["error"]["code"] == "not_found"
    for url in (
        "/suppliers",
        "/links",
        "/invitations",
        "/responses",
        "/assessments",
        "/flags",
        "/reports",
    ):
        data = call(client, "GET", url + "?limit=200", b.read).json["data"]
        assert all(item.get("supplier_id") != a.supplier_id for item in data), url
        assert not {i["id"] for i in data} & _ids_of_a(app, url, a.org_id), url
    assert call(client, "GET", f"/flags?run_id={run_id}", b.read).status_code == 422
    assert {m: _rows(app, m, a.org_id) for m in before} == before
    assert RunStatus.DONE  # the run of A was left alone (checked by the rows above)


def _ids_of_a(app, url, org_id):
    from supplychain.models import Invitation, Report, Response

    model = {
        "/suppliers": Supplier,
        "/links": Link,
        "/invitations": Invitation,
        "/responses": Response,
        "/assessments": AssessmentRun,
        "/flags": Flag,
        "/reports": Report,
    }[url]
    return {r["id"] for r in _rows(app, model, org_id)}
