"""The supplier list at 2,000 suppliers in a real browser: filter, select all matching, send."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from sqlmodel import select

from supplychain import db
from supplychain.invitations import sending
from supplychain.models import Invitation, Role, Supplier, utcnow
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, committed, email_of, make_team

pytestmark = pytest.mark.browser

SIZE = 2000


def test_filter_select_all_matching_and_send(app, live_server, page):
    with committed(app) as session:
        org = make_team(session, "big", Role.OFFICER)
        now = utcnow()
        session.execute(
            sa.insert(Supplier.__table__),
            [
                {
                    "organisation_id": org.id,
                    "code": f"S{i:04d}",
                    "name": f"Supplier {i:04d}",
                    "country": "LV" if i % 4 else "EE",  # 500 Estonian ones
                    "sector": "F41.2",
                    "registration_no": "",
                    "email": f"s{i}@example.com",
                    "kind": "company",
                    "source": "entered",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(SIZE)
            ],
        )
        org_id = org.id
    sign_in(page, live_server, email_of(Role.OFFICER, "big"), PASSWORD)
    page.goto(f"{live_server}/chain/suppliers")
    page.get_by_label("Country").select_option("EE")
    page.get_by_role("button", name="Filter").click()
    page.get_by_label("Select all 500 suppliers matching this filter").check()
    page.get_by_role("button", name="Send a questionnaire").click()
    page.get_by_text("It goes to 500 suppliers.").wait_for()
    assert page.locator('input[name="supplier_ids"]').count() == 0  # no 2,000 tick boxes
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(re.compile(r".*/invitations/\d+$"), timeout=60_000)
    # 500 is over SEND_INLINE_SUPPLIERS: the campaign's page shows the job, the worker sends
    page.get_by_text("(0 of 500)").wait_for()
    assert sending.run_waiting(app) == 1
    with app.app_context():
        invited = (
            db.get_session()
            .exec(
                select(Supplier.country)
                .join(Invitation, Invitation.supplier_id == Supplier.id)
                .where(Invitation.organisation_id == org_id)
            )
            .all()
        )
    assert len(invited) == 500 and set(invited) == {"EE"}
