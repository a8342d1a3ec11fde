"""Plain factory functions over the app's own services, with sensible defaults."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from supplychain.accounts import services as accounts
from supplychain.chain import services as chain
from supplychain.models import Link, Organisation, Role, Supplier, User

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


ESTABLISHED = datetime(2020, 1, 1, tzinfo=UTC)


def make_org(
    session: Session,
    slug: str | None = None,
    name: str | None = None,
    confirmed_at: datetime | None = ESTABLISHED,
) -> Organisation:
    """An organisation; by default long confirmed, so its mail has no new-organisation limit."""
    n = next(_seq)
    org = accounts.create_organisation(
        session=session, slug=slug or f"org-{n}", name=name or f"Organisation {n}"
    )
    org.confirmed_at = confirmed_at
    session.add(org)
    return org


def make_user(
    session: Session,
    org: Organisation,
    role: Role = Role.ADMIN,
    email: str | None = None,
    password: str | None = PASSWORD,
) -> User:
    return accounts.create_user(
        session=session,
        organisation_id=org.id,
        email=email or f"user{next(_seq)}@example.com",
        role=role,
        password=password,
        name="Test User",
    )


def make_supplier(session: Session, org: Organisation, **overrides: Any) -> Supplier:
    n = next(_seq)
    values = {
        "code": f"S{n}",
        "name": f"Supplier {n} SIA",
        "country": "LV",
        "sector": "F41.2",
        "registration_no": f"4000{n:07d}",
        "email": f"s{n}@example.com",
        "kind": "company",
        "employees": 10,
    }
    values.update(overrides)
    return chain.create_supplier(
        session=session, organisation_id=org.id, data=chain.SupplierData(**values)
    )


def make_link(
    session: Session,
    org: Organisation,
    parent: Supplier | None,
    child: Supplier,
    relation: str = "subcontract",
    **overrides: Any,
) -> Link:
    values: dict[str, Any] = {
        "workers": 5,
        "contract_value_eur": Decimal("10000"),
        "labour_hours": Decimal("800"),
    }
    values.update(overrides)
    return chain.add_link(
        session=session,
        organisation_id=org.id,
        data=chain.LinkData(
            parent_id=parent.id if parent else None, child_id=child.id, relation=relation, **values
        ),
    )
