"""The demo: a fictional Latvian construction chain, built with the app's own services."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, func, select

from .accounts import services as accounts
from .chain import services as chain
from .models import Link, Organisation, Role, Supplier, User
from .tenancy import in_org

DEMO_FILE = Path(__file__).parent / "demo" / "chain.yaml"
DEMO_EMAIL = "officer@daugava-build.example"


@dataclass(frozen=True)
class DemoSummary:
    organisation: str
    suppliers: int
    links: int


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def load_demo(*, session: Session, password: str, path: Path = DEMO_FILE) -> DemoSummary:
    """Create the demo organisation, its chain and its officer; on a second run, only reset
    the officer's password."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    org_spec = spec["organisation"]
    org = session.exec(select(Organisation).where(Organisation.slug == org_spec["slug"])).first()
    if org is None:
        org = accounts.create_organisation(
            session=session, slug=org_spec["slug"], name=org_spec["name"]
        )
        _build_chain(session, org.id, spec)
    user = accounts.find_user(session=session, email=DEMO_EMAIL)
    if user is None:
        user = accounts.create_user(
            session=session,
            organisation_id=org.id,
            email=DEMO_EMAIL,
            role=Role.ADMIN,
            password=password,
            name="Demo Officer",
        )
    else:
        accounts.set_password(session=session, user=user, password=password)
    session.flush()

    def count(model: type[Supplier] | type[Link] | type[User]) -> int:
        subquery = in_org(model, org.id).subquery()
        return int(session.exec(select(func.count()).select_from(subquery)).one())

    return DemoSummary(organisation=org.slug, suppliers=count(Supplier), links=count(Link))


def _build_chain(session: Session, organisation_id: int, spec: dict[str, Any]) -> None:
    ids: dict[str, int] = {}
    for item in spec["suppliers"]:
        supplier = chain.create_supplier(
            session=session,
            organisation_id=organisation_id,
            data=chain.SupplierData(
                code=item["code"],
                name=item["name"],
                country=item["country"],
                registration_no=str(item.get("registration_no") or ""),
                sector=item.get("sector") or "",
                email=item.get("email") or "",
                kind=item.get("kind", "company"),
                employees=item.get("employees"),
            ),
        )
        ids[supplier.code] = supplier.id
    for item in spec["links"]:
        chain.add_link(
            session=session,
            organisation_id=organisation_id,
            data=chain.LinkData(
                parent_id=ids[item["parent"]] if item.get("parent") else None,
                child_id=ids[item["child"]],
                relation=item["relation"],
                workers=item.get("workers"),
                contract_value_eur=_decimal(item.get("contract_value_eur")),
                labour_hours=_decimal(item.get("labour_hours")),
                start_date=item.get("start_date"),
                end_date=item.get("end_date"),
            ),
        )
