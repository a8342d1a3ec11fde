"""Schemathesis against the app's own OpenAPI document: generated calls with a valid token
never make a server error, and every answer matches the documented status, type and schema."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from supplychain import db
from supplychain.models import Organisation, Supplier
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.reports import jobs as report_jobs
from supplychain.reports import services as reports
from supplychain.risk import jobs as risk_jobs
from supplychain.sites import services as sites
from tests.factories import make_link, make_supplier

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 12  # per operation and mode: the whole run stays well under a minute


def test_api_conforms_to_its_openapi_document(app, tenants):
    app.config["API_RATE_LIMIT"] = "100000 per minute"
    a = tenants["a"]
    with app.app_context():  # data behind every list: a chain, a site, a run, a finished report
        session = db.get_session()
        org = session.get(Organisation, a.org_id)
        first = session.get(Supplier, a.supplier_id)
        agency = make_supplier(session, org, kind="agency")
        make_link(session, org, None, first)
        make_link(session, org, first, agency, relation="labour_hire")
        site = sites.create_site(
            session=session, organisation_id=org.id, data=sites.SiteData(name="Depot")
        )
        sites.place(session=session, site=site, supplier_id=first.id)
        session.commit()
        risk_jobs.run_now(session=session, organisation_id=org.id, catalogue=get_catalogue())
        reports.queue_report(
            session=session, organisation_id=org.id, scope=reports.Scope(), lang="en"
        )
        session.commit()
    report_jobs.run_waiting(app)

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {a.write}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 16
    for operation in operations:
        for mode in GenerationMode:  # fitting the schema, and not (must be a 4xx, documented)

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case):
                case.call_and_validate(headers=headers, checks=CHECKS)

            check()
