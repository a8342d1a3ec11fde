"""The demo: a fictional Latvian construction chain, built with the app's own services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, func, select

from .accounts import services as accounts
from .chain import services as chain
from .models import Invitation, Link, Organisation, Role, Supplier, User, utcnow
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
    created = org is None
    if org is None:
        org = accounts.create_organisation(
            session=session, slug=org_spec["slug"], name=org_spec["name"]
        )
        org.country = org_spec.get("country", "")
        session.add(org)
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
    if created and "questionnaires" in spec:
        _questionnaire_history(session, org.id, user.id, spec["questionnaires"])
    if created and "screening" in spec:
        _screening_history(session, org.id, user, spec["screening"])

    def count(model: type[Supplier] | type[Link] | type[User]) -> int:
        subquery = in_org(model, org.id).subquery()
        return int(session.exec(select(func.count()).select_from(subquery)).one())

    return DemoSummary(organisation=org.slug, suppliers=count(Supplier), links=count(Link))


def _questionnaire_history(
    session: Session, organisation_id: int, user_id: int | None, spec: dict[str, Any]
) -> None:
    """A round that has closed: sent through the app's services, then moved into the past,
    with the answers given through the same services a supplier's pages use."""
    from .invitations import outbox
    from .invitations import services as invitations
    from .questionnaires import services as responses
    from .questionnaires.catalogue import get_catalogue
    from .questionnaires.sample import plain_answers
    from .respond import services as respond

    questionnaire = get_catalogue().current[spec["questionnaire"]]
    codes = {s.code: s.id for s in session.exec(in_org(Supplier, organisation_id))}
    now = utcnow()
    campaign, _links = invitations.create_campaign(
        session=session,
        organisation_id=organisation_id,
        user_id=user_id,
        questionnaire=questionnaire,
        title=spec["title"],
        message="",
        deadline=now + timedelta(days=1),
        supplier_ids=[codes[code] for code in spec["invited"]],
        base_url="http://127.0.0.1:5000",
        now=now,
    )
    closed = now - timedelta(days=spec["deadline_days_ago"])
    campaign.deadline = closed
    session.add(campaign)
    for invitation in session.exec(in_org(Invitation, organisation_id)):
        outbox.withdraw(session=session, invitation_id=invitation.id)  # already "sent"
        invitation.expires_at = closed
        invitation.sent_at = closed - timedelta(days=30)
        session.add(invitation)
        answered = spec["answered"].get(_code_of(codes, invitation.supplier_id))
        if answered is None:
            continue
        response = respond.start(
            session=session, invitation=invitation, questionnaire=questionnaire, now=closed
        )
        answers = plain_answers(questionnaire, answered["answers"])
        responses.save_answers(session=session, response=response, answers=answers)
        respond.submit(
            session=session,
            invitation=invitation,
            response=response,
            questionnaire=questionnaire,
            answers=answers,
            respondent_name=answered["respondent"],
        )
        response.submitted_at = closed - timedelta(days=3)
        session.add(response)
    session.flush()


def _screening_history(
    session: Session, organisation_id: int, user: User, spec: list[dict[str, Any]]
) -> None:
    """Screening checks recorded through the screening service, dated in the past."""
    from .models import ScreeningResult
    from .screening import services as screening
    from .screening.packs import pack_for

    suppliers = {s.code: s for s in session.exec(in_org(Supplier, organisation_id))}
    today = utcnow().date()
    for check in spec:
        supplier = suppliers[check["supplier"]]
        pack = pack_for(supplier.country)
        checked_on = today - timedelta(days=check["days_ago"])
        valid_days = check.get("valid_days")
        screening.record_check(
            session=session,
            folder=Path(),  # no documents: nothing is written
            supplier=supplier,
            user=user,
            item=pack.item(check["item"]),
            pack=pack,
            checked_on=checked_on,
            result=ScreeningResult(check["result"]),
            note=check.get("note", ""),
            valid_until=checked_on + timedelta(days=valid_days) if valid_days else None,
            document=None,
        )


def _code_of(codes: dict[str, int], supplier_id: int) -> str:
    return next(code for code, sid in codes.items() if sid == supplier_id)


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
