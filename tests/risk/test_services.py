"""Runs keep their flags once, remember decisions across runs, and say what they were based on."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import col, func, select

from supplychain.models import (
    Flag,
    FlagStatus,
    Organisation,
    RunLink,
    RunStatus,
    RunSupplier,
    Supplier,
    SupplierExposure,
)
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.risk import jobs, services
from supplychain.validation import InvalidInput
from tests.factories import make_link, make_org, make_supplier


@pytest.fixture
def org(session):
    org = make_org(session)
    org.country = "LV"
    a = make_supplier(session, org, code="A")
    b = make_supplier(session, org, code="B", country="EE")
    c = make_supplier(session, org, code="C")
    make_link(session, org, None, a)
    make_link(session, org, a, b)
    make_link(session, org, b, c)
    session.commit()
    return org


def _count(session, model) -> int:
    return int(session.exec(select(func.count()).select_from(model)).one())


def test_a_run_records_its_basis_and_scores(session, org):
    run = jobs.run_now(session=session, organisation_id=org.id, catalogue=get_catalogue())
    assert run.status == RunStatus.DONE and run.progress == 100
    assert run.rules_version and len(run.chain_hash) == 64
    assert run.thresholds["chain-depth"] == {"medium_from": 3, "high_from": 4}
    assert run.summary["by_rule"]["cross-border"] == 2  # B works for A across a border, C for B
    assert _count(session, SupplierExposure) == 3
    assert _count(session, Flag) == run.summary["flags"]


def test_repeated_runs_add_only_new_flags_and_keep_decisions(session, org):
    first = jobs.run_now(session=session, organisation_id=org.id, catalogue=get_catalogue())
    rows = _count(session, Flag)
    flag = session.exec(services.flags_of(session, first).where(Flag.rule == "chain-depth")).one()
    services.decide(
        session=session,
        flag=flag,
        status=FlagStatus.MITIGATING,
        user_id=None,
        owner="Līga",
        due_date=date(2026, 12, 31),
    )
    session.commit()
    second = jobs.run_now(session=session, organisation_id=org.id, catalogue=get_catalogue())
    assert _count(session, Flag) == rows  # nothing new: the same rows run on
    assert second.chain_hash == first.chain_hash
    comparison = services.compare(session, second)
    assert (comparison.new, comparison.resolved, comparison.unchanged) == (0, 0, rows)
    again = session.exec(services.flags_of(session, second).where(Flag.rule == "chain-depth")).one()
    decisions = services.decisions(session, org.id, [again.fingerprint])
    assert decisions[again.fingerprint].status == FlagStatus.MITIGATING


def test_a_change_in_the_chain_shows_as_new_and_resolved(session, org):
    jobs.run_now(session=session, organisation_id=org.id, catalogue=get_catalogue())
    d = make_supplier(session, org, code="D")
    make_link(session, org, None, d)
    session.commit()
    run = jobs.run_now(session=session, organisation_id=org.id, catalogue=get_catalogue())
    comparison = services.compare(session, run)
    assert comparison.new >= 2  # D is unassessed and works in a high-risk sector


def test_resolved_flags_stay_with_the_runs_that_raised_them(session, org):
    """A flag the chain no longer raises ends with the last run that raised it; earlier runs
    still list it, and a run that changes nothing writes no flag rows."""
    first = jobs.run_now(session=session, organisation_id=org.id, catalogue=get_catalogue())
    b = session.exec(select(Supplier).where(Supplier.code == "B")).one()
    b.country = "LV"  # no border between A and B, nor between B and C
    session.commit()
    second = jobs.run_now(session=session, organisation_id=org.id, catalogue=get_catalogue())
    third = jobs.run_now(session=session, organisation_id=org.id, catalogue=get_catalogue())
    ended = session.exec(select(Flag).where(Flag.rule == "cross-border")).all()
    assert [f.last_run_id for f in ended] == [first.id, first.id]
    counted = [
        _count(session, services.flags_of(session, run).subquery())
        for run in (first, second, third)
    ]
    assert counted == [first.summary["flags"], second.summary["flags"], third.summary["flags"]]
    assert counted[0] == counted[1] + 2
    assert services.compare(session, second) == services.Comparison(0, 2, counted[1])
    assert services.compare(session, third) == services.Comparison(0, 0, counted[1])
    assert _count(session, Flag) == counted[0]


def test_decisions_need_their_reasons(session, org):
    run = jobs.run_now(session=session, organisation_id=org.id, catalogue=get_catalogue())
    flag = session.exec(services.flags_of(session, run)).first()
    with pytest.raises(InvalidInput) as caught:
        services.decide(session=session, flag=flag, status=FlagStatus.DISMISSED, user_id=None)
    assert "note" in caught.value.errors
    with pytest.raises(InvalidInput) as caught:
        services.decide(session=session, flag=flag, status=FlagStatus.MITIGATING, user_id=None)
    assert set(caught.value.errors) == {"owner", "due_date"}


def test_a_queued_run_is_claimed_once(session, org):
    from supplychain.models import utcnow

    queued = services.queue_run(session=session, organisation_id=org.id, trigger="import")
    again = services.queue_run(session=session, organisation_id=org.id, trigger="response")
    assert again.id == queued.id
    session.commit()
    claimed = jobs.claim_queued(session, utcnow())
    assert claimed.id == queued.id and claimed.status == RunStatus.RUNNING
    assert jobs.claim_queued(session, utcnow()) is None


def test_a_run_at_work_renews_its_lease_so_no_other_worker_takes_it_over(session, org):
    from datetime import timedelta

    from sqlmodel import Session

    from supplychain.models import utcnow

    services.queue_run(session=session, organisation_id=org.id, trigger="import")
    session.commit()
    # Claimed nine minutes ago: one minute of its lease is left when the work starts.
    run = jobs.claim_queued(session, utcnow() - timedelta(minutes=9))
    taken = []

    def progress(percent, name):
        with Session(session.get_bind()) as other:  # another worker, five minutes on
            taken.append(jobs.claim_queued(other, utcnow() + timedelta(minutes=5)))

    jobs.execute(
        session=session, run=run, catalogue=get_catalogue(), now=utcnow(), progress=progress
    )
    assert taken == [None, None, None, None]


def test_a_disclosed_company_flags_the_supplier_that_named_it_until_the_link_is_decided(
    session, org
):
    from supplychain.invitations import disclosures
    from supplychain.models.base import utcnow
    from supplychain.risk.engine import evaluate
    from supplychain.risk.inputs import load_inputs
    from supplychain.risk.rules import RULES

    a = session.exec(select(Supplier).where(Supplier.code == "A")).one()
    questionnaire = get_catalogue().current["supplier-self-assessment"]
    agency, new = disclosures.propose_links(  # the agencies' table comes first
        session=session,
        parent=a,
        questionnaire=questionnaire,
        answers={
            "subcontractors": [{"name": "New SIA", "registration_no": "NEW1", "country": "LV"}],
            "agencies": [{"name": "Roka SIA", "email": "hr@roka.lv", "country": "LV"}],
        },
    )
    session.commit()
    assert (agency.relation.value, new.relation.value) == ("labour_hire", "subcontract")

    def unknown():
        inputs = load_inputs(session, org.id, get_catalogue(), utcnow())
        rule = {"unknown-subcontracting": RULES["unknown-subcontracting"]}
        return [(f.supplier_id, f.evidence["suppliers"]) for f in evaluate(inputs, rule)]

    assert sorted(unknown()) == sorted([(a.id, [new.child_id]), (a.id, [agency.child_id])])
    disclosures.confirm(session=session, link=new, actor_id=None)
    disclosures.reject(session=session, link=agency, actor_id=None)
    session.commit()
    assert unknown() == []


@pytest.mark.parametrize("how", ["orm", "core"])
def test_deleting_an_organisation_leaves_none_of_its_run_records(app, session, org, how):
    """A run's records (flags, exposure, snapshot) have no foreign keys (PostgreSQL checked
    each on every row a run stored): the organisation's delete trigger takes them."""
    other = make_org(session, slug="other")
    make_link(session, other, None, make_supplier(session, other, code="X"))
    session.commit()
    for organisation in (org, other):
        jobs.run_now(session=session, organisation_id=organisation.id, catalogue=get_catalogue())
    records = (Flag, SupplierExposure, RunSupplier, RunLink)

    def rows(model, organisation_id):
        query = select(model).where(col(model.organisation_id) == organisation_id)
        return _count(session, query.subquery())

    kept = {m: rows(m, other.id) for m in records}
    assert all(rows(m, org.id) > 0 for m in records)
    if how == "orm":
        session.delete(org)
    else:
        session.execute(sa.delete(Organisation).where(col(Organisation.id) == org.id))
    session.commit()
    assert [rows(m, org.id) for m in records] == [0, 0, 0, 0]
    assert {m: _count(session, m) for m in records} == kept  # the other organisation's stay


def test_a_bulk_insert_keeps_every_row_and_leaves_sqlites_page_cache_as_it_was(session, org):
    from supplychain.risk.bulk import insert_rows

    sqlite = session.get_bind().dialect.name == "sqlite"
    cache = "PRAGMA cache_size"
    before = session.execute(sa.text(cache)).scalar_one() if sqlite else None
    ids = session.exec(select(Supplier.id).where(Supplier.organisation_id == org.id)).all()
    run = jobs.run_now(session=session, organisation_id=org.id, catalogue=get_catalogue())
    session.execute(sa.delete(SupplierExposure))
    rows = ((org.id, sid, 1, 2, 0, run.id) for sid in ids)  # a generator: taken as it comes
    columns = ("organisation_id", "supplier_id", "own", "carried", "flags", "run_id")
    insert_rows(session, SupplierExposure.__table__, columns, rows)
    assert _count(session, SupplierExposure) == len(ids) == 3
    if sqlite:
        assert session.execute(sa.text(cache)).scalar_one() == before
