"""What the engine reads of the workers' check-ins: the sites whose channel runs, the
check-ins of the last twelve months counted by employer, nothing of another organisation."""

from __future__ import annotations

from datetime import timedelta

from supplychain.models import CheckIn, Site, SiteSupplier, utcnow
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.risk.engine import evaluate
from supplychain.risk.inputs import load_inputs
from supplychain.risk.rules import RULES
from tests.factories import make_link, make_org, make_supplier


def test_check_ins_are_read_by_site_and_employer_and_raise_their_flags(session):
    org, other = make_org(session, "alpha"), make_org(session, "beta")
    employer = make_supplier(session, org, name="Būve SIA")
    make_link(session, org, None, employer)
    site = Site(organisation_id=org.id, name="Riga Tower", code="RT7K2MQP")
    closed = Site(organisation_id=org.id, name="Old depot", code="OD7K2MQP", archived=True)
    theirs = Site(organisation_id=other.id, name="Beta yard", code="BY7K2MQP")
    session.add_all([site, closed, theirs])
    session.flush()
    session.add(SiteSupplier(organisation_id=org.id, site_id=site.id, supplier_id=employer.id))
    today = utcnow().date()

    def check_in(where, supplier_id, documents, days_ago=0):
        session.add(
            CheckIn(
                organisation_id=where.organisation_id,
                site_id=where.id,
                supplier_id=supplier_id,
                language="ru",
                answers={"documents": documents},
                given_on=today - timedelta(days=days_ago),
            )
        )

    for documents in ("employer", "me", "me", "me"):
        check_in(site, employer.id, documents)
    check_in(site, employer.id, "employer", days_ago=400)  # too old to count
    check_in(site, None, "me")
    check_in(closed, employer.id, "employer")  # the channel no longer runs there
    check_in(theirs, None, "other")
    session.commit()

    def read():
        return load_inputs(session, org.id, get_catalogue(), utcnow())

    inputs = read()
    assert {s: (f.name, f.suppliers) for s, f in inputs.sites.items()} == {
        site.id: ("Riga Tower", (employer.id,))
    }
    counted = {(g.site_id, g.supplier_id): g.tally.answered for g in inputs.check_ins}
    assert counted == {(site.id, employer.id): 4, (site.id, None): 1}
    rule = {"worker-check-in": RULES["worker-check-in"]}
    assert list(evaluate(inputs, rule)) == []  # four workers named it: too few to show

    check_in(site, employer.id, "me")
    session.commit()
    [flag] = evaluate(read(), rule)
    assert (flag.supplier_id, flag.params["signs"], flag.params["answered"]) == (employer.id, 1, 5)


def test_a_new_check_in_puts_the_assessment_out_of_date(session):
    from supplychain.risk.freshness import freshness
    from supplychain.risk.jobs import run_now

    org = make_org(session, "alpha")
    site = Site(organisation_id=org.id, name="Riga Tower", code="RT7K2MQQ")
    session.add(site)
    session.commit()
    run_now(session=session, organisation_id=org.id, catalogue=get_catalogue())
    assert freshness(session, org.id, utcnow()).changed_at is None
    session.add(
        CheckIn(
            organisation_id=org.id,
            site_id=site.id,
            language="lv",
            answers={},
            given_on=utcnow().date(),
        )
    )
    session.commit()
    assert freshness(session, org.id, utcnow()).changed_at is not None
