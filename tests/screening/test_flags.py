"""A failed or expired screening item is flagged by a real assessment run, and a screening
change shows in what the run saw."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from supplychain import storage
from supplychain.models import Flag, Role, ScreeningResult, Severity, utcnow
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.risk import freshness, services, texts
from supplychain.risk import jobs as risk_jobs
from supplychain.risk.present import describe
from supplychain.screening import services as screening
from supplychain.screening.packs import pack_for
from tests.factories import make_link, make_org, make_supplier, make_user

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def org(session):
    org = make_org(session)
    org.country = "LV"
    officer = make_user(session, org, Role.OFFICER)
    officer.name = "Anna Ozola"
    supplier = make_supplier(session, org, code="A", country="LV", sector="C10.1")
    make_link(session, org, None, supplier)
    session.commit()
    return org, officer, supplier


def _record(session, app, org, item_id, result, checked_on, valid_until=None):
    _org, officer, supplier = org
    pack = pack_for("LV")
    screening.record_check(
        session=session,
        folder=storage.upload_dir(app),
        supplier=supplier,
        user=officer,
        item=pack.item(item_id),
        pack=pack,
        checked_on=checked_on,
        result=result,
        note="",
        valid_until=valid_until,
        document=None,
    )
    session.commit()


def _run(session, org, now=None):
    run = services.queue_run(session=session, organisation_id=org[0].id, trigger="manual")
    session.commit()
    now = now or utcnow()
    return risk_jobs.execute(session=session, run=run, catalogue=get_catalogue(), now=now)


def _screening_flags(session, run):
    query = services.flags_of(session, run).where(Flag.rule == "screening-check")
    return session.exec(query.order_by(Flag.id)).all()


def test_failed_and_expired_items_raise_flags_naming_the_item_day_and_checker(app, session, org):
    today = utcnow().date()
    first = _run(session, org)
    assert _screening_flags(session, first) == []
    _record(session, app, org, "tax-debtors", ScreeningResult.FAILED, today)
    _record(session, app, org, "vat-register", ScreeningResult.PASSED, today - timedelta(days=400))
    assert freshness.freshness(session, org[0].id, utcnow()).stale  # the check made it old
    second = _run(session, org)
    assert second.chain_hash != first.chain_hash
    flags = _screening_flags(session, second)
    by_item = {services.to_finding(f).evidence["facts"]["screening_item"]: f for f in flags}
    assert set(by_item) == {"lv/tax-debtors", "lv/vat-register"}
    assert by_item["lv/tax-debtors"].severity == Severity.HIGH
    assert by_item["lv/vat-register"].severity == Severity.MEDIUM
    facts = services.to_finding(by_item["lv/tax-debtors"]).evidence["facts"]
    assert facts["checked_by"] == "Anna Ozola" and facts["checked_on"] == today.isoformat()
    with app.test_request_context():
        found = services.to_finding(by_item["lv/tax-debtors"])
        sentence = texts.explain(found)
        assert "Tax debtors' database" in sentence and "Anna Ozola" in sentence
        assert describe(found, {}, get_catalogue())["ilo"] == []


def test_a_new_passed_check_clears_the_flag(app, session, org):
    today = utcnow().date()
    _record(session, app, org, "tax-debtors", ScreeningResult.FAILED, today - timedelta(days=2))
    assert len(_screening_flags(session, _run(session, org))) == 1
    _record(session, app, org, "tax-debtors", ScreeningResult.PASSED, today)
    assert _screening_flags(session, _run(session, org)) == []


def test_expiry_by_the_date_alone_is_picked_up_by_the_next_run(app, session, org):
    today = utcnow().date()
    _record(
        session,
        app,
        org,
        "enterprise-register",
        ScreeningResult.PASSED,
        today,
        today + timedelta(1),
    )
    first = _run(session, org)
    assert _screening_flags(session, first) == []
    # No event marks the expiry, yet the assessment reads as out of date from that day on.
    assert not freshness.freshness(session, org[0].id, utcnow()).stale
    after = freshness.freshness(session, org[0].id, utcnow() + timedelta(days=3))
    assert after.stale and after.changed_at.date() == today + timedelta(days=2)
    later = _run(session, org, now=utcnow() + timedelta(days=3))
    [flag] = _screening_flags(session, later)
    assert flag.severity == Severity.MEDIUM
    assert later.chain_hash != first.chain_hash
    assert session.exec(select(Flag).where(Flag.rule == "screening-check")).all() == [flag]
