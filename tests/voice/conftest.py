"""A site with one supplier on it, of organisation "acme" (a viewer can sign in)."""

from __future__ import annotations

import pytest

from supplychain.models import Role, Site, SiteSupplier
from tests.factories import committed, make_supplier, make_team

CODE = "K7QX2MPA"


@pytest.fixture
def site(app) -> dict:
    with committed(app) as session:
        org = make_team(session, "acme", Role.VIEWER)
        builder = make_supplier(session, org, name="Celtnieks SIA")
        row = Site(organisation_id=org.id, name="Riga school", code=CODE)
        session.add(row)
        session.flush()
        session.add(SiteSupplier(organisation_id=org.id, site_id=row.id, supplier_id=builder.id))
        return {"id": row.id, "code": CODE, "supplier_id": builder.id, "org_id": org.id}
