"""Plain factory functions over the app's own services, with sensible defaults."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import Flask, current_app
from PIL import Image
from PIL.ExifTags import IFD, Base
from sqlmodel import Session

from supplychain import db
from supplychain.accounts import services as accounts
from supplychain.api import tokens
from supplychain.chain import services as chain
from supplychain.invitations import services as invitations
from supplychain.models import Campaign, Link, Organisation, Role, Supplier, User, utcnow
from supplychain.questionnaires.catalogue import get_catalogue
from supplychain.questionnaires.schema import Questionnaire

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


def email_of(role: Role, slug: str) -> str:
    """The address make_team gives the organisation's user of that role."""
    return f"{role.value}@{slug}.example"


def make_team(session: Session, slug: str, *roles: Role) -> Organisation:
    """An organisation with one user per role, each signing in as email_of(role, slug)."""
    org = make_org(session, slug)
    for role in roles:
        make_user(session, org, role, email=email_of(role, slug))
    return org


@contextmanager
def committed(app: Flask) -> Iterator[Session]:
    """A session in an app context of its own, committed when the block ends."""
    with app.app_context():
        session = db.get_session()
        yield session
        session.commit()


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


def send_campaign(
    session: Session,
    organisation_id: int,
    supplier_ids: Iterable[int],
    *,
    questionnaire: Questionnaire | str = "supplier-self-assessment",
    user_id: int | None = None,
    title: str = "Spring round",
    message: str = "",
    deadline: datetime | None = None,
    base_url: str | None = None,
    language: str | None = None,
) -> tuple[Campaign, list[invitations.IssuedLink]]:
    """A campaign sent through the service (a questionnaire id means its current version);
    by default due in ten days, with links on the app's BASE_URL."""
    if isinstance(questionnaire, str):
        questionnaire = get_catalogue().current[questionnaire]
    now = utcnow()
    return invitations.create_campaign(
        session=session,
        organisation_id=organisation_id,
        user_id=user_id,
        questionnaire=questionnaire,
        title=title,
        message=message,
        deadline=deadline or now + timedelta(days=10),
        supplier_ids=list(supplier_ids),
        base_url=current_app.config["BASE_URL"] if base_url is None else base_url,
        now=now,
        language=language,
    )


def make_token(
    session: Session,
    organisation_id: int,
    *,
    user_id: int | None = None,
    name: str = "script",
    scopes: Iterable[str] = ("read", "write"),
) -> str:
    """An API token issued through the service; returns its secret."""
    _token, secret = tokens.issue(
        session=session,
        organisation_id=organisation_id,
        user_id=user_id,
        name=name,
        scopes=list(scopes),
    )
    return secret


def phone_jpeg(size=(3000, 2000)) -> bytes:
    """A JPEG as a phone writes it: lying on its side (EXIF orientation 6), with the place, the
    device, the time and a comment."""
    image = Image.new("RGB", size, (200, 120, 40))
    exif = image.getexif()
    exif[Base.Orientation] = 6
    exif[Base.Make], exif[Base.Model] = "PhoneMaker", "Model X"
    exif[Base.DateTime] = "2026:12:01 06:30:00"
    exif[IFD.GPSInfo] = {1: "N", 2: (56.0, 57.0, 1.0), 3: "E", 4: (24.0, 6.0, 1.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"taken by Ivan")
    return out.getvalue()
