"""Disclosed companies become proposed links: matching, duplicates and the audit trail."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from supplychain import db
from supplychain.invitations import disclosures
from supplychain.models import AuditEvent, LinkSource, LinkStatus, Supplier
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.validation import InvalidInput
from tests.factories import make_link, make_org, make_supplier


def _propose(session, parent, answers):
    questionnaire = get_catalogue().current["supplier-self-assessment"]
    return disclosures.propose_links(
        session=session, parent=parent, questionnaire=questionnaire, answers=answers
    )


def test_rows_are_matched_once_each_and_linked_once(app):
    with app.app_context():
        session = db.get_session()
        org, other = make_org(session, "buyer"), make_org(session, "other")
        parent = make_supplier(session, org, code="P", email="p@parent.lv")
        by_email = make_supplier(session, org, code="E", email="Info@Existing.lv")
        by_registration = make_supplier(session, org, code="R", registration_no="LV4000123")
        already = make_supplier(session, org, code="A", registration_no="A-1")
        make_link(session, org, parent, already)
        foreign = make_supplier(session, other, code="F", registration_no="EE777")
        links = _propose(
            session,
            parent,
            {
                "subcontractors": [
                    {"name": "New SIA", "registration_no": "NEW1", "country": "LV", "workers": 4},
                    {"name": "Existing", "email": " info@EXISTING.lv ", "country": "LV"},
                    {"name": "New SIA again", "registration_no": "new1", "country": "LV"},
                    {"name": "Ourselves", "email": "P@parent.lv", "country": "LV"},
                    {"name": "Linked before", "registration_no": "a-1", "country": "LV"},
                    {"name": "Foreign OÜ", "registration_no": "EE777", "country": "EE"},
                    {"name": "", "registration_no": "", "country": "LV"},
                ],
                "agencies": [
                    {"name": "Registered", "registration_no": "lv4000123", "country": "LV"},
                    {"name": "Roka SIA", "email": "hr@roka.lv", "country": "LV"},
                    {"name": "Roka (twice)", "email": "HR@roka.lv", "country": "LV"},
                ],
            },
        )
        session.commit()
        children = [session.get(Supplier, link.child_id) for link in links]
        # The agencies' table comes before the subcontractors' in the questionnaire.
        assert [child.name for child in children] == [
            by_registration.name,
            "Roka SIA",
            "New SIA",
            by_email.name,
            "Foreign OÜ",
        ]
        # Matched within the organisation only: the other one's EE777 is not this company.
        assert children[4].id != foreign.id and children[4].organisation_id == org.id
        assert [c.code for c in children if c.disclosed] == ["P-D1", "P-D2", "P-D3"]
        assert [c.kind.value for c in children] == ["company", "agency"] + ["company"] * 3
        assert [link.relation.value for link in links] == ["labour_hire"] * 2 + ["subcontract"] * 3
        assert {(link.status, link.source, link.parent_id) for link in links} == {
            (LinkStatus.PROPOSED, LinkSource.DISCLOSED, parent.id)
        }
        assert links[2].workers == 4
        events = session.exec(
            select(AuditEvent.action, AuditEvent.object_id)
            .where(AuditEvent.organisation_id == org.id)
            .order_by(col(AuditEvent.id))
        ).all()
        # Each new company's creation, then its link, in the order the rows came.
        assert events[-8:] == [
            ("link.created", links[0].id),
            ("supplier.created", children[1].id),
            ("link.created", links[1].id),
            ("supplier.created", children[2].id),
            ("link.created", links[2].id),
            ("link.created", links[3].id),
            ("supplier.created", children[4].id),
            ("link.created", links[4].id),
        ]
        # Submitted again, the same rows propose nothing new.
        assert (
            _propose(
                session,
                parent,
                {"subcontractors": [{"name": "x", "registration_no": "NEW1", "country": "LV"}]},
            )
            == []
        )


def test_a_company_named_twice_by_name_alone_is_added_twice(app):
    # Without a registration number or address there is nothing to tell two namesakes apart.
    with app.app_context():
        session = db.get_session()
        org = make_org(session, "buyer")
        parent = make_supplier(session, org, code="P")
        make_supplier(session, org, code="P-D1")
        row = {"name": "Jumiķi SIA", "country": "LV"}
        links = _propose(session, parent, {"subcontractors": [row, row]})
        codes = [session.get(Supplier, link.child_id).code for link in links]
        assert codes == ["P-D2", "P-D3"]


def test_a_bad_number_of_workers_is_refused(app):
    with app.app_context():
        session = db.get_session()
        org = make_org(session, "buyer")
        parent = make_supplier(session, org, code="P")
        with pytest.raises(InvalidInput) as refused:
            _propose(
                session,
                parent,
                {"subcontractors": [{"name": "Minus SIA", "country": "LV", "workers": -1}]},
            )
        assert "workers" in refused.value.errors


def test_an_archived_company_is_matched_and_confirming_restores_it(app):
    """A disclosure naming an archived company proposes a link to that record (a live namesake
    by registration number wins); confirming it brings the company back into the chain."""
    from supplychain.chain import retire

    with app.app_context():
        session = db.get_session()
        org = make_org(session, "buyer")
        parent = make_supplier(session, org, code="P")
        old = make_supplier(session, org, code="OLD", registration_no="LV1")
        below = make_supplier(session, org, code="BELOW")
        make_link(session, org, old, below)
        twin_archived = make_supplier(session, org, code="T1", registration_no="LV2")
        twin_live = make_supplier(session, org, code="T2", registration_no="lv2")
        retire.archive(session, org.id, [old.id, twin_archived.id], actor_id=None, reason="x")
        links = _propose(
            session,
            parent,
            {
                "subcontractors": [
                    {"name": "Old SIA", "registration_no": "lv1", "country": "LV"},
                    {"name": "Twin SIA", "registration_no": "LV2", "country": "LV"},
                ]
            },
        )
        assert [link.child_id for link in links] == [old.id, twin_live.id]
        disclosures.confirm(session=session, link=links[0], actor_id=None)
        session.commit()
        assert session.get(Supplier, old.id).archived_at is None
        live = session.exec(retire.live_links(org.id)).all()
        assert {(link.parent_id, link.child_id) for link in live} >= {
            (parent.id, old.id),
            (old.id, below.id),
        }
