"""Incremental runs (issue 24): changes mark the suppliers they touch, a run re-evaluates only
those (with the exposure of everything above them) and carries the rest forward, and the
result is the full run's on the same state."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, col, func, select

from supplychain.chain import retire
from supplychain.chain import services as chain
from supplychain.models import (
    Flag,
    Invitation,
    Link,
    RiskMark,
    RunLink,
    RunSupplier,
    Supplier,
    SupplierExposure,
    User,
    utcnow,
)
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.questionnaires.services import save_answers
from supplychain.respond import services as respond
from supplychain.risk import jobs, services
from supplychain.risk.incremental import LOCAL_RULES
from supplychain.risk.rules import RULES
from supplychain.screening.packs import pack_for
from supplychain.screening.services import record_check
from tests.factories import make_link, make_org, make_supplier, send_campaign

QUESTIONNAIRE = "supplier-self-assessment"
ANSWERS: list[dict[str, Any]] = [
    {},
    {"tax_registers": "vat_only", "registered_before_start": "no"},
    {"own_employees": 1, "contract_workers": 3},
    {"others_documents": "no", "tax_registers": "vat_only"},
    {"uses_subcontractors": "yes", "subcontractors": []},
]


def test_every_rule_that_quotes_answers_is_local():
    """possible-forced-labour reads the first pass's flags that quote answers: an incremental
    run evaluates it over the local rules alone, so every answers rule must be one."""
    for rule in RULES.values():
        if rule.source.value == "answers":
            assert rule.id in LOCAL_RULES


def _chain(session: Session, size: int, edges: list[int]) -> tuple[int, list[Supplier]]:
    org = make_org(session)
    org.country = "LV"
    suppliers = [
        make_supplier(session, org, kind="agency" if n % 7 == 3 else "company", employees=n % 4)
        for n in range(size)
    ]
    for n, supplier in enumerate(suppliers):
        parent = None if n < 2 else suppliers[edges[n % len(edges)] % n]
        make_link(session, org, parent, supplier, workers=1 + n % 5)
    send_campaign(session, org.id, [s.id for s in suppliers])
    session.commit()
    assert org.id is not None
    return org.id, suppliers


def _answer(session: Session, supplier: Supplier, answers: dict[str, Any]) -> bool:
    """Submit answers through the supplier's open invitation; False if it answered already."""
    invitation = session.exec(
        select(Invitation).where(Invitation.supplier_id == supplier.id)
    ).first()
    questionnaire = get_catalogue().current[QUESTIONNAIRE]
    if invitation is None or invitation.response_id is not None:
        return False  # added after the campaign, or answered already
    response = respond.start(
        session=session, invitation=invitation, questionnaire=questionnaire, now=utcnow()
    )
    save_answers(session=session, response=response, answers=answers)
    respond.submit(
        session=session,
        invitation=invitation,
        response=response,
        questionnaire=questionnaire,
        answers=answers,
        respondent_name="Anna",
    )
    return True


def _state(session: Session, organisation_id: int) -> tuple[Any, ...]:
    """The open flags (fingerprint, severity, supplier, rule, data), the scores and the open
    snapshot rows (the chain as the latest run read it)."""
    flags = {
        (f.fingerprint, f.severity, f.supplier_id, f.rule, f.data)
        for f in session.exec(
            select(Flag).where(
                Flag.organisation_id == organisation_id, col(Flag.last_run_id).is_(None)
            )
        )
    }
    scores = {
        e.supplier_id: (e.own, e.carried, e.flags, e.critical, e.high, e.medium, e.low)
        for e in session.exec(
            select(SupplierExposure).where(SupplierExposure.organisation_id == organisation_id)
        )
    }
    kept = tuple(
        {
            tuple(v for k, v in row.model_dump().items() if k not in ("id", "first_run_id"))
            for row in session.exec(
                select(model).where(
                    model.organisation_id == organisation_id, col(model.last_run_id).is_(None)
                )
            )
        }
        for model in (RunSupplier, RunLink)
    )
    return flags, scores, kept


def _run(session: Session, organisation_id: int, trigger: str) -> dict[str, Any]:
    run = jobs.run_now(
        session=session, organisation_id=organisation_id, catalogue=get_catalogue(), trigger=trigger
    )
    session.expire_all()
    return run.summary


def _run_on(session: Session, organisation_id: int, trigger: str, now: datetime) -> dict:
    """A run carried out as of now (another day than today's)."""
    run = services.queue_run(session=session, organisation_id=organisation_id, trigger=trigger)
    session.commit()
    jobs.execute(session=session, run=run, catalogue=get_catalogue(), now=now)
    session.expire_all()
    return run.summary


def _edit(
    session: Session,
    organisation_id: int,
    suppliers: list[Supplier],
    op: tuple,
    clock: list[datetime],
) -> None:
    """Apply one edit; "day" moves the assessments' clock (clock[0]) on by days."""
    kind, a, b = op
    live = [s for s in suppliers if s.archived_at is None]
    if not live:
        return
    x, y = live[a % len(live)], live[b % len(live)]
    if kind == "answer":
        _answer(session, x, ANSWERS[b % len(ANSWERS)])
    elif kind == "link" and x.id != y.id:
        chain.add_link(
            session=session,
            organisation_id=organisation_id,
            data=chain.LinkData(parent_id=x.id, child_id=y.id, relation="subcontract", workers=3),
        ) if not _linked(session, x, y) else None
    elif kind == "unlink":
        link = session.exec(select(Link).where(Link.child_id == x.id)).first()
        if link is not None:
            chain.delete_link(session=session, link=link)
    elif kind == "move":
        link = session.exec(select(Link).where(Link.child_id == x.id)).first()
        if link is not None and link.parent_id is not None:
            chain.update_link(
                session=session,
                link=link,
                data=chain.LinkData(parent_id=None, child_id=x.id, relation="subcontract"),
            )
    elif kind == "add":
        added = make_supplier(session, _org(session, organisation_id))
        make_link(session, _org(session, organisation_id), x, added)
        suppliers.append(added)
    elif kind == "edit":
        edits = [{"country": "EE"}, {"kind": "agency"}, {"sector": "N81.2"}, {"employees": 0}]
        data = chain.SupplierData(**{**chain.as_mapping(x), **edits[b % len(edits)]})
        chain.update_supplier(session=session, supplier=x, data=data)
    elif kind == "invite":
        send_campaign(session, organisation_id, [x.id], title="Another round")
    elif kind == "archive":
        retire.archive(session, organisation_id, [x.id], actor_id=None, reason="deleted")
    elif kind == "check":  # a check that expires or falls due some days on
        _check(session, x, clock[0].date(), days=b % 40, passed=a % 3 != 0)
    elif kind == "day":
        clock[0] += timedelta(days=1 + b % 35)
    session.commit()


def _check(session: Session, supplier: Supplier, day: date, *, days: int, passed: bool) -> None:
    """A screening check of the supplier's first item, made on day, good for days more."""
    from supplychain.models import ScreeningResult
    from supplychain.vocab import Role
    from tests.factories import make_user

    officers = session.exec(select(User).where(User.organisation_id == supplier.organisation_id))
    officer = officers.first() or make_user(
        session, _org(session, supplier.organisation_id), Role.OFFICER
    )
    pack = pack_for(supplier.country)
    record_check(
        session=session,
        folder=None,
        supplier=supplier,
        user=officer,
        item=pack.items_for(is_agency=supplier.kind == "agency", sector=supplier.sector)[0],
        pack=pack,
        checked_on=day - timedelta(days=10),
        result=ScreeningResult.PASSED if passed else ScreeningResult.FAILED,
        note="",
        valid_until=day + timedelta(days=days),
        document=None,
    )


def _linked(session: Session, x: Supplier, y: Supplier) -> bool:
    return (
        session.exec(
            select(Link).where(
                (Link.parent_id == x.id) & (Link.child_id == y.id)
                | (Link.parent_id == y.id) & (Link.child_id == x.id)
            )
        ).first()
        is not None
    )


def _org(session: Session, organisation_id: int) -> Any:
    from supplychain.models import Organisation

    return session.get(Organisation, organisation_id)


OPS = st.tuples(
    st.sampled_from(
        ["answer"] * 4
        + ["invite", "link", "unlink", "move", "add", "edit", "archive", "check", "day"]
    ),
    st.integers(0, 50),
    st.integers(0, 50),
)


@settings(
    max_examples=25,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: each example is slow
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    size=st.integers(10, 16),
    edges=st.lists(st.integers(0, 100), min_size=1, max_size=8),
    first=st.lists(OPS, min_size=1, max_size=4),
    second=st.lists(OPS, min_size=1, max_size=4),
)
def test_an_incremental_run_equals_a_full_run(session, size, edges, first, second):
    organisation_id, suppliers = _chain(session, size, edges)
    # The runs are made as of days a year back, which "day" moves on (at most 280 days): the
    # edits, made now, stay later than every run, as they would be.
    clock = [utcnow() - timedelta(days=365)]
    _run_on(session, organisation_id, "cli", clock[0])
    for ops in (first, second):
        for op in ops:
            _edit(session, organisation_id, suppliers, op, clock)
        kept = _run_on(session, organisation_id, "response", clock[0])
        method = kept["method"]
        event(f"{method['mode']} {method.get('why', '')}{'links' if 'region' in method else ''}")
    assert (
        session.exec(select(RiskMark).where(RiskMark.organisation_id == organisation_id)).all()
        == []
    )
    incremental = _state(session, organisation_id)
    summary = _run_on(session, organisation_id, "cli", clock[0])
    assert summary["method"]["mode"] == "full"
    assert _state(session, organisation_id) == incremental
    assert kept | {"method": None} == summary | {"method": None}


def test_an_answer_marks_its_supplier_and_the_next_run_reassesses_it_alone(session):
    organisation_id, suppliers = _chain(session, 12, [1, 3, 5])
    first = _run(session, organisation_id, "cli")
    assert first["method"]["mode"] == "full"
    assert _answer(session, suppliers[9], ANSWERS[3])
    session.commit()
    marks = session.exec(select(RiskMark).where(RiskMark.organisation_id == organisation_id)).all()
    assert [(m.supplier_id, m.reason) for m in marks] == [(suppliers[9].id, "response")]
    summary = _run(session, organisation_id, "response")
    assert summary["method"]["mode"] == "incremental"
    assert summary["method"]["reassessed"] == 1
    assert summary["method"]["scores"] >= 1  # its own, and those above it whose worst rose
    flags = session.exec(
        select(Flag.rule).where(
            Flag.supplier_id == suppliers[9].id, col(Flag.last_run_id).is_(None)
        )
    ).all()
    assert "answer" in flags and "unassessed" not in flags
    incremental = _state(session, organisation_id)
    assert _run(session, organisation_id, "cli")["flags"] == summary["flags"]
    assert _state(session, organisation_id) == incremental


def test_nothing_changed_finishes_at_once(session):
    organisation_id, _suppliers = _chain(session, 10, [2])
    first = _run(session, organisation_id, "cli")
    again = _run(session, organisation_id, "response")
    assert again["method"] == {"mode": "unchanged", "reassessed": 0, "scores": 0}
    assert {k: v for k, v in again.items() if k != "method"} == {
        k: v for k, v in first.items() if k != "method"
    }


def test_each_kind_of_change_marks_or_asks_for_a_full_run(session):
    organisation_id, suppliers = _chain(session, 10, [1])
    _run(session, organisation_id, "cli")
    supplier = suppliers[4]
    pack = pack_for(supplier.country)
    item = pack.items_for(is_agency=False, sector=supplier.sector)[0]
    from supplychain.models import ScreeningResult
    from supplychain.vocab import Role
    from tests.factories import make_user

    officer = make_user(session, _org(session, organisation_id), Role.OFFICER)
    record_check(
        session=session,
        folder=None,
        supplier=supplier,
        user=officer,
        item=item,
        pack=pack,
        checked_on=utcnow().date(),
        result=ScreeningResult.FAILED,
        note="",
        valid_until=None,
        document=None,
    )
    session.commit()
    marks = session.exec(select(RiskMark.supplier_id, RiskMark.reason)).all()
    assert (supplier.id, "screening") in marks
    summary = _run(session, organisation_id, "response")
    assert summary["method"]["mode"] == "incremental"
    # A link added marks its child (it and all below it may move) and its parent.
    make_link(session, _org(session, organisation_id), suppliers[2], suppliers[7])
    session.commit()
    marks = session.exec(select(RiskMark.supplier_id, RiskMark.reason)).all()
    assert set(marks) == {(suppliers[7].id, "link"), (suppliers[2].id, "link-end")}
    assert _run(session, organisation_id, "link")["method"]["mode"] == "incremental"
    # A supplier edited marks it and its buyers.
    data = chain.SupplierData(**{**chain.as_mapping(suppliers[7]), "name": "Renamed SIA"})
    chain.update_supplier(session=session, supplier=suppliers[7], data=data)
    session.commit()
    marks = session.exec(select(RiskMark.supplier_id, RiskMark.reason)).all()
    buyers = {(suppliers[1].id, "supplier-end"), (suppliers[2].id, "supplier-end")}
    assert set(marks) == {(suppliers[7].id, "supplier"), *buyers}
    assert _run(session, organisation_id, "supplier")["method"]["mode"] == "incremental"
    # A supplier archived: no mark names it, the audit trail does, and the run is a full one.
    retire.archive(session, organisation_id, [suppliers[3].id], actor_id=None, reason="deleted")
    session.commit()
    assert _run(session, organisation_id, "response")["method"]["why"] == "chain"


def test_a_submitted_answer_shows_its_flags_on_the_supplier_page_after_the_workers_run(app, client):
    from supplychain import db
    from supplychain.models import Role
    from tests.conftest import login
    from tests.factories import PASSWORD, make_user

    with app.app_context():
        session = db.get_session()
        organisation_id, suppliers = _chain(session, 40, [3, 1, 4, 1, 5])
        make_user(session, _org(session, organisation_id), Role.OFFICER, email="o@ours.example")
        session.commit()
        _run(session, organisation_id, "cli")
        deep = suppliers[-1]
        assert _answer(session, deep, ANSWERS[1])
        session.commit()
        deep_id = deep.id
    assert jobs.run_waiting(app) == 1  # the answer queued one run; the worker carries it out
    with app.app_context():
        session = db.get_session()
        run = services.latest_run(session, organisation_id)
        assert run is not None and run.summary["method"]["mode"] == "incremental"
        flag = session.exec(
            select(Flag).where(
                Flag.supplier_id == deep_id, Flag.rule == "answer", Flag.first_run_id == run.id
            )
        ).first()
        assert flag is not None
    login(client, "o@ours.example", PASSWORD)
    page = client.get(f"/chain/suppliers/{deep_id}").get_data(as_text=True)
    assert f"/risk/flags/{flag.id}" in page


def test_a_full_run_leaves_current_statistics_and_an_incremental_one_adds_none(session):
    """The planners read the sizes of the flags and scores a full run just wrote (SQLite
    gathers none by itself); an incremental run, which writes a few rows, does not analyse."""

    def analysed() -> set[str]:
        if session.get_bind().dialect.name == "sqlite":  # the table exists once analysed
            query = "SELECT DISTINCT tbl FROM sqlite_stat1"
        else:
            query = "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL"
        return set(session.execute(sa.text(query)).scalars())

    organisation_id, suppliers = _chain(session, 12, [1, 3])
    _run(session, organisation_id, "cli")
    assert set(jobs.STATISTICS) <= analysed()
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sa.text("DELETE FROM sqlite_stat1"))
        session.commit()
        assert _answer(session, suppliers[4], ANSWERS[0])
        assert _run(session, organisation_id, "response")["method"]["mode"] == "incremental"
        assert analysed() == set()


def test_the_nightly_check_queues_one_full_run_a_day(app, session):
    from supplychain.worker import run_once

    organisation_id, _suppliers = _chain(session, 10, [1])
    _run(session, organisation_id, "response")  # a first run: full
    assert run_once(app)["nightly_runs"] == 0  # a full run within the day: none needed
    now = utcnow() + timedelta(days=2)
    assert run_once(app, now=now)["nightly_runs"] == 1
    assert run_once(app, now=now + timedelta(hours=1))["assessments"] == 1
    assert run_once(app, now=now + timedelta(hours=2))["nightly_runs"] == 0  # once a day
    session.expire_all()
    latest = services.latest_run(session, organisation_id)
    assert latest.trigger == "nightly" and latest.summary["method"]["mode"] == "full"


def _same_as_full(session: Session, organisation_id: int, trigger: str = "link") -> dict:
    """Run as the worker would after a change, then a full run: both leave the same state."""
    kept = _run(session, organisation_id, trigger)
    incremental = _state(session, organisation_id)
    summary = _run(session, organisation_id, "cli")
    assert _state(session, organisation_id) == incremental
    assert kept | {"method": None} == summary | {"method": None}
    return kept["method"]


def _line(session: Session, size: int) -> tuple[int, list[Supplier]]:
    """A chain of one line: suppliers[n] on tier n + 1; every fourth an agency."""
    org = make_org(session)
    org.country = "LV"
    suppliers = [
        make_supplier(session, org, kind="agency" if n % 4 == 3 else "company") for n in range(size)
    ]
    for n, supplier in enumerate(suppliers):
        make_link(session, org, suppliers[n - 1] if n else None, supplier, workers=2 + n % 3)
    session.commit()
    assert org.id is not None
    return org.id, suppliers


def test_a_link_moved_up_reassesses_the_region_below_it_beside_a_loop(session):
    """A link moved two tiers up: its child and everything below it move, and only they (with
    the link's old and new parents) are evaluated again, while a loop elsewhere stays."""
    organisation_id, suppliers = _line(session, 12)
    org = _org(session, organisation_id)
    make_link(session, org, suppliers[3], suppliers[2])  # a loop: 2 -> 3 -> 2
    assert _run(session, organisation_id, "cli")["by_rule"]["chain-cycle"] == 2
    link = session.exec(select(Link).where(Link.child_id == suppliers[8].id)).one()
    data = chain.LinkData(
        parent_id=suppliers[5].id, child_id=suppliers[8].id, relation="labour_hire"
    )
    chain.update_link(session=session, link=link, data=data)
    session.commit()
    method = _same_as_full(session, organisation_id)
    assert method["mode"] == "incremental" and method["region"] == 4  # 8 to 11
    assert method["reassessed"] == 6  # with its parents before and after
    tiers = dict(
        session.exec(
            select(RunSupplier.supplier_id, RunSupplier.tier).where(
                col(RunSupplier.last_run_id).is_(None)
            )
        ).all()
    )
    assert tiers[suppliers[8].id] == 7 and tiers[suppliers[11].id] == 10


def test_deleting_a_link_that_closed_a_loop_is_incremental_and_ends_its_flags(session):
    organisation_id, suppliers = _line(session, 10)
    loop = make_link(session, _org(session, organisation_id), suppliers[7], suppliers[5])
    assert _run(session, organisation_id, "cli")["by_rule"]["chain-cycle"] == 3
    chain.delete_link(session=session, link=loop)
    session.commit()
    assert _same_as_full(session, organisation_id)["mode"] == "incremental"
    assert "chain-cycle" not in _run(session, organisation_id, "cli")["by_rule"]
    # Closing the loop again cannot be settled tier by tier: a full run.
    make_link(session, _org(session, organisation_id), suppliers[7], suppliers[5])
    session.commit()
    assert _same_as_full(session, organisation_id) == {
        "mode": "full",
        "reassessed": 10,
        "why": "loop",
    }


def test_the_report_says_which_suppliers_a_changed_link_moved(app):
    from supplychain import db
    from supplychain.reports import services as reports
    from supplychain.reports.context import Scope

    with app.app_context():
        session = db.get_session()
        organisation_id, suppliers = _line(session, 6)
        _run(session, organisation_id, "cli")
        link = session.exec(select(Link).where(Link.child_id == suppliers[3].id)).one()
        data = chain.LinkData(
            parent_id=suppliers[0].id, child_id=suppliers[3].id, relation="supply"
        )
        chain.update_link(session=session, link=link, data=data)
        session.commit()
        assert _run(session, organisation_id, "link")["method"]["region"] == 3
    said = {}
    for lang in ("en", "lv"):
        with app.test_request_context():
            session = db.get_session()
            report = reports.queue_report(
                session=session, organisation_id=organisation_id, scope=Scope(), lang=lang,
                kind="summary",
            )  # fmt: skip
            session.commit()
            said[lang] = " ".join(reports.report_html(session, report, get_catalogue()).split())
    assert "Of them, 3 suppliers stood at or below links or suppliers" in said["en"]
    assert "No tiem 3 piegādātāji atradās pie pievienotām" in said["lv"]


FIRST_FILE = """,A,A SIA,subcontract,LV,F41.2,40003000001,a@x.lv,company,10,8,50000,4000
A,B,B SIA,subcontract,LV,F41.2,40003000002,b@x.lv,company,5,6,20000,2000
B,C,C SIA,labour_hire,LV,F41.2,40003000003,c@x.lv,agency,3,4,5000,900
C,D,D SIA,subcontract,EE,F41.2,40003000004,d@x.lv,company,2,3,,
"""
SECOND_FILE = """,A,A SIA,subcontract,LV,F41.2,40003000001,a@x.lv,company,10,8,50000,4000
A,B,B SIA,subcontract,LV,F41.2,40003000002,b@x.lv,company,5,6,20000,2000
B,C,C SIA,labour_hire,LV,F41.2,40003000003,c@x.lv,agency,3,9,5000,900
A,D,D SIA,subcontract,LT,F41.2,40003000004,d@x.lv,company,2,3,,
B,E,E SIA,labour_hire,UA,F41.2,40003000005,e@x.lv,agency,1,2,,
"""


def test_an_import_marks_its_diff_and_the_next_run_reads_only_that(session):
    """A second chain file changes a supplier, a link's workers, adds a link and a supplier:
    the diff is marked as the same edits by hand would be, and the run is incremental."""
    from supplychain.chain import importer
    from supplychain.chain.tabular import COLUMNS, read_table

    org = make_org(session)
    org.country = "LV"
    for text in (FIRST_FILE, SECOND_FILE):
        content = (",".join(COLUMNS) + "\n" + text).encode()
        plan = importer.parse_chain(read_table("chain.csv", content))
        importer.apply(session, org.id, plan, filename="chain.csv", content=content)
        session.commit()
        if text is FIRST_FILE:
            assert _run(session, org.id, "import")["method"]["why"] == "first"
    marks = session.exec(select(RiskMark.reason, func.count()).group_by(RiskMark.reason)).all()
    assert dict(marks) == {"import": 3, "import-end": 3}  # C, D, E below; A, B, C above
    method = _same_as_full(session, org.id, "import")
    assert method["mode"] == "incremental" and method["region"] == 3


def test_asking_for_a_run_makes_the_one_a_change_queued_a_full_one(session):
    organisation_id, suppliers = _line(session, 5)
    _run(session, organisation_id, "cli")
    make_link(session, _org(session, organisation_id), suppliers[0], suppliers[3])
    session.commit()
    waiting = services.queue_run(session=session, organisation_id=organisation_id, trigger="link")
    assert waiting.trigger == "link"  # queued by the change
    method = _run(session, organisation_id, "manual")["method"]  # Assess now takes it over
    assert (method["mode"], method["why"]) == ("full", "asked")


def test_another_day_reassesses_the_suppliers_whose_checks_it_moved_unless_a_floor_moves(session):
    """A new day changes what the rules read only through dated facts: screening checks that
    expire or fall due (their suppliers are re-assessed), and the labour-cost floors (a floor
    that starts or ends in between asks for a full run)."""
    from supplychain.reference.risk_factors import figures_move, labour_costs

    day = utcnow().replace(hour=12, minute=0, second=0, microsecond=0)
    while figures_move(labour_costs(), day.date(), (day + timedelta(days=3)).date()):
        day += timedelta(days=3)
    organisation_id, suppliers = _chain(session, 10, [1, 2])
    _check(session, suppliers[4], day.date(), days=1, passed=True)  # expires
    _check(session, suppliers[6], day.date(), days=32, passed=True)  # falls due
    session.commit()
    assert _run_on(session, organisation_id, "cli", day)["method"]["mode"] == "full"
    later = day + timedelta(days=3)
    kept = _run_on(session, organisation_id, "response", later)
    assert kept["method"]["mode"] == "incremental"
    assert kept["method"]["reassessed"] == 2
    incremental = _state(session, organisation_id)
    summary = _run_on(session, organisation_id, "cli", later)
    assert _state(session, organisation_id) == incremental
    assert kept | {"method": None} == summary | {"method": None}
    # The last day of a figure (the statutory minimum that ends on 31 December 2026) and the
    # day after: the floors moved, so the run is a full one.
    end = datetime(2026, 12, 31, 12, tzinfo=UTC)
    assert figures_move(labour_costs(), end.date(), (end + timedelta(days=1)).date())
    _run_on(session, organisation_id, "cli", end)
    method = _run_on(session, organisation_id, "response", end + timedelta(days=1))["method"]
    assert (method["mode"], method["why"]) == ("full", "day")
