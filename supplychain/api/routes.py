"""API views of the chain and the questionnaires: suppliers, links, invitations, responses.

Thin views over chain.services and invitations.services; the OpenAPI document is served here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from typing import Any, NoReturn

from flask import Blueprint, abort, current_app, jsonify
from flask import Response as FlaskResponse
from sqlmodel import Session, col, or_

from ..access import public
from ..chain import retire
from ..chain import services as chain
from ..db import get_session
from ..extensions import csrf
from ..invitations import services as invitations
from ..models import Invitation, Link, Response, Supplier, utcnow
from ..questionnaires import evaluation
from ..questionnaires import services as responses
from ..questionnaires.catalogue import get_catalogue
from ..sites import services as sites
from ..tenancy import in_org
from ..validation import InvalidInput
from . import auth
from .auth import actor_id, org_id
from .errors import error_response
from .lookup import each, get_or_404, matching, page_of
from .schemas import (
    InvitationIn,
    InvitationOut,
    InvitationQuery,
    InvitationsSent,
    LinkIn,
    LinkOut,
    LinkPatch,
    LinkQuery,
    Paged,
    ResendIn,
    ResponseDetail,
    ResponseOut,
    ResponseQuery,
    SupplierIn,
    SupplierOut,
    SupplierPatch,
    SupplierQuery,
)
from .spec import openapi_document, operation

bp = Blueprint("api", __name__)
csrf.exempt(bp)  # bearer tokens, never cookies: see the module docstring of auth
bp.record_once(auth.register)

READ, WRITE = "read", "write"


def invalid(exc: InvalidInput, renamed: Mapping[str, str] | None = None) -> NoReturn:
    """Answer 422 for a service's InvalidInput, naming the fields as the request names them."""
    fields = {(renamed or {}).get(k, k): v for k, v in exc.errors.items()}
    get_session().rollback()
    abort(error_response(422, "Invalid " + ", ".join(sorted(fields)) + ".", fields))


@contextmanager
def saved(renamed: Mapping[str, str] | None = None) -> Iterator[Session]:
    """The request's session for a service's change: committed after it, or, if the service
    refuses the input, a 422 (see invalid)."""
    session = get_session()
    try:
        yield session
    except InvalidInput as exc:
        invalid(exc, renamed)
    session.commit()


@bp.route("/openapi.json")
@public
def openapi() -> Any:
    """The OpenAPI document of this API, built from the operations' own models."""
    extensions = current_app.extensions
    if "openapi" not in extensions:
        extensions["openapi"] = openapi_document(bp.url_prefix or "/api/v1")
    return jsonify(extensions["openapi"])


# ---- suppliers ---------------------------------------------------------------------------------

supplier_op = partial(operation, bp, tag="suppliers")


def _added(add: Any, data: Any) -> Any:
    """The supplier or link the chain service add makes from data (422 if it refuses it)."""
    with saved() as session:
        return add(session=session, organisation_id=org_id(), data=data, actor_id=actor_id())


def suppliers_out(rows: list[Supplier]) -> list[SupplierOut]:
    """The suppliers as the API shows them, each with the ids of its sites."""
    ids = [row.id for row in rows]
    on = sites.site_ids_by_supplier(get_session(), org_id(), ids)  # type: ignore[arg-type]
    return [
        SupplierOut.model_validate(row).model_copy(update={"site_ids": on[row.id]})  # type: ignore[index]
        for row in rows
    ]


def supplier_out(supplier: Supplier) -> SupplierOut:
    return suppliers_out([supplier])[0]


@supplier_op("/suppliers", scope=READ, query=SupplierQuery, response=Paged[SupplierOut])
def list_suppliers(query: SupplierQuery) -> Any:
    """List suppliers.

    Live suppliers only; with `archived=true`, only the archived ones. With `site_id`, only
    those placed on that site.
    """
    select = (retire.archived_suppliers if query.archived else retire.live_suppliers)(org_id())
    select = matching(select, Supplier, query, "code", "kind")
    if query.site_id is not None:
        select = select.where(col(Supplier.id).in_(sites.supplier_ids_on(org_id(), query.site_id)))
    return page_of(get_session(), select, query, Supplier, suppliers_out)


@supplier_op("/suppliers/<int:supplier_id>", scope=READ, response=SupplierOut)
def get_supplier(supplier_id: int) -> Any:
    """Get a supplier.

    An archived supplier is found too: its `archived_at` is set.
    """
    return supplier_out(get_or_404(get_session(), Supplier, supplier_id))


@supplier_op(
    "/suppliers", method="POST", scope=WRITE, body=SupplierIn, response=SupplierOut, status=201
)
def create_supplier(body: SupplierIn) -> Any:
    """Add a supplier.

    The code must be new in the organisation; country and sector are checked against ISO 3166
    and NACE Rev. 2.
    """
    data = chain.SupplierData(**body.model_dump())
    return supplier_out(_added(chain.create_supplier, data))


@supplier_op(
    "/suppliers/<int:supplier_id>",
    method="PATCH",
    scope=WRITE,
    body=SupplierPatch,
    response=SupplierOut,
)
def update_supplier(supplier_id: int, body: SupplierPatch) -> Any:
    """Change a supplier's details; only the fields given change."""
    supplier = get_or_404(get_session(), Supplier, supplier_id)
    given = body.model_dump(exclude_unset=True)
    changes = {k: v for k, v in given.items() if v is not None or k == "employees"}
    data = chain.SupplierData(**{**chain.as_mapping(supplier), **changes})
    with saved() as session:
        chain.update_supplier(session=session, supplier=supplier, data=data, actor_id=actor_id())
    return supplier_out(supplier)


@supplier_op("/suppliers/<int:supplier_id>", method="DELETE", scope=WRITE, status=204)
def delete_supplier(supplier_id: int) -> Any:
    """Take a supplier out of the chain, with every link to or from it.

    A supplier that holds evidence (answers, documents, decisions on its flags, companies it
    disclosed, questionnaires sent to it) is archived, not deleted: GET on it then shows
    `archived_at`, its open questionnaire links stop working, and
    `POST /suppliers/{supplier_id}/restore` brings it back. A supplier without evidence is
    deleted (GET then answers 404). Deleting an archived supplier for good is an admin's
    action on its page in the app.
    """
    session = get_session()
    supplier = get_or_404(session, Supplier, supplier_id)
    chain.delete_supplier(session=session, supplier=supplier, actor_id=actor_id())
    session.commit()
    return FlaskResponse(status=204)


@supplier_op(
    "/suppliers/<int:supplier_id>/restore", method="POST", scope=WRITE, response=SupplierOut
)
def restore_supplier(supplier_id: int) -> Any:
    """Bring an archived supplier back into the chain.

    Its links to suppliers in the chain come back with it; questionnaire links revoked when it
    was archived stay revoked. Restoring a live supplier changes nothing.
    """
    session = get_session()
    supplier = get_or_404(session, Supplier, supplier_id)
    retire.restore(session, supplier, actor_id=actor_id())
    session.commit()
    return supplier_out(supplier)


# ---- links -------------------------------------------------------------------------------------

link_op = partial(operation, bp, tag="links")


@link_op("/links", scope=READ, query=LinkQuery, response=Paged[LinkOut])
def list_links(query: LinkQuery) -> Any:
    """List links (who buys work, labour or goods from whom).

    Live links only; with `archived=true`, only those archived with one of their ends.
    """
    select = (retire.archived_links if query.archived else retire.live_links)(org_id())
    if query.supplier_id is not None:
        select = select.where(
            or_(Link.parent_id == query.supplier_id, Link.child_id == query.supplier_id)
        )
    return page_of(get_session(), select, query, Link, each(LinkOut))


@link_op("/links", method="POST", scope=WRITE, body=LinkIn, response=LinkOut, status=201)
def create_link(body: LinkIn) -> Any:
    """Add a link between two suppliers, or from the organisation itself (no parent)."""
    return LinkOut.model_validate(_added(chain.add_link, chain.LinkData(**body.model_dump())))


@link_op("/links/<int:link_id>", scope=READ, response=LinkOut)
def get_link(link_id: int) -> Any:
    """Get a link."""
    return LinkOut.model_validate(get_or_404(get_session(), Link, link_id))


@link_op("/links/<int:link_id>", method="PATCH", scope=WRITE, body=LinkPatch, response=LinkOut)
def update_link(link_id: int, body: LinkPatch) -> Any:
    """Change a link's terms; only the fields given change."""
    link = get_or_404(get_session(), Link, link_id)
    given = body.model_dump(exclude_unset=True)
    changes = {k: v for k, v in given.items() if v is not None or k != "relation"}
    current = link.model_dump(include=set(chain.LinkData.__dataclass_fields__))
    data = chain.LinkData(**{**current, **changes})
    with saved() as session:
        chain.update_link(session=session, link=link, data=data, actor_id=actor_id())
    return LinkOut.model_validate(link)


@link_op("/links/<int:link_id>", method="DELETE", scope=WRITE, status=204)
def delete_link(link_id: int) -> Any:
    """Remove a link; its suppliers stay."""
    session = get_session()
    chain.delete_link(session=session, link=get_or_404(session, Link, link_id), actor_id=actor_id())
    session.commit()
    return FlaskResponse(status=204)


# ---- invitations -------------------------------------------------------------------------------

invitation_op = partial(operation, bp, tag="invitations")


def _invitation_page(invitation_rows: list[Invitation]) -> list[InvitationOut]:
    states = invitations.invitation_statuses(get_session(), invitation_rows, utcnow())
    return [
        InvitationOut.model_validate({**i.model_dump(), "status": states[i.id]})  # type: ignore[index]
        for i in invitation_rows
    ]


@invitation_op("/invitations", scope=READ, query=InvitationQuery, response=Paged[InvitationOut])
def list_invitations(query: InvitationQuery) -> Any:
    """List the questionnaires sent to suppliers, with each one's status."""
    select = matching(in_org(Invitation, org_id()), Invitation, query, "supplier_id", "campaign_id")
    return page_of(get_session(), select, query, Invitation, _invitation_page)


@invitation_op(
    "/invitations",
    method="POST",
    scope=WRITE,
    body=InvitationIn,
    response=InvitationsSent,
    status=201,
)
def create_invitations(body: InvitationIn) -> Any:
    """Send a questionnaire to suppliers.

    Each supplier gets its own link by mail (through the outbox, sent by the worker); the links
    themselves are never returned.
    """
    questionnaire = get_catalogue().get(body.questionnaire_id)
    if questionnaire is None:
        invalid(InvalidInput({"questionnaire_id": "No questionnaire has this id."}))
    with saved({"suppliers": "supplier_ids"}) as session:
        campaign, _links = invitations.create_campaign(
            session=session,
            organisation_id=org_id(),
            user_id=actor_id(),
            questionnaire=questionnaire,  # type: ignore[arg-type]
            title=body.title,
            message=body.message,
            deadline=body.deadline,
            supplier_ids=body.supplier_ids,
            base_url=current_app.config["BASE_URL"],
            now=utcnow(),
            language=body.language,
        )
    sent = session.exec(
        in_org(Invitation, org_id())
        .where(Invitation.campaign_id == campaign.id)
        .order_by(col(Invitation.id))
    ).all()
    return InvitationsSent(campaign_id=campaign.id, invitations=_invitation_page(list(sent)))  # type: ignore[arg-type]


@invitation_op(
    "/invitations/<int:invitation_id>/resend",
    method="POST",
    scope=WRITE,
    body=ResendIn,
    body_required=False,
    response=InvitationOut,
    errors=(409,),
)
def resend_invitation(invitation_id: int, body: ResendIn) -> Any:
    """Mail the supplier a fresh link; the old one stops working.

    A revoked or bounced invitation comes back to life; a submitted one cannot be resent (409).
    The link itself is never returned.
    """
    session = get_session()
    invitation = get_or_404(session, Invitation, invitation_id)
    questionnaire = get_catalogue().get(
        invitation.questionnaire_id, invitation.questionnaire_version
    )
    if questionnaire is None:
        abort(error_response(409, "This invitation's questionnaire version is no longer offered."))
    try:
        invitations.resend(
            session=session,
            invitation=invitation,
            questionnaire=questionnaire,
            base_url=current_app.config["BASE_URL"],
            now=utcnow(),
            user_id=actor_id(),
            deadline=body.deadline,
            language=body.language,
        )
    except InvalidInput as exc:
        if "invitation" in exc.errors:  # already submitted: the state, not the input, is wrong
            session.rollback()
            abort(error_response(409, str(exc.errors["invitation"])))
        invalid(exc)
    session.commit()
    return _invitation_page([invitation])[0]


@invitation_op(
    "/invitations/<int:invitation_id>/revoke", method="POST", scope=WRITE, response=InvitationOut
)
def revoke_invitation(invitation_id: int) -> Any:
    """Stop the invitation's link from working, and its unsent mail from going out.

    Revoking twice changes nothing; resending brings the invitation back.
    """
    session = get_session()
    invitation = get_or_404(session, Invitation, invitation_id)
    invitations.revoke(session=session, invitation=invitation, now=utcnow(), user_id=actor_id())
    session.commit()
    return _invitation_page([invitation])[0]


# ---- responses ---------------------------------------------------------------------------------


response_op = partial(operation, bp, tag="responses")


@response_op("/responses", scope=READ, query=ResponseQuery, response=Paged[ResponseOut])
def list_responses(query: ResponseQuery) -> Any:
    """List questionnaire responses, started or submitted."""
    select = matching(in_org(Response, org_id()), Response, query, "supplier_id", "status")
    return page_of(get_session(), select, query, Response, each(ResponseOut))


@response_op("/responses/<int:response_id>", scope=READ, response=ResponseDetail)
def get_response(response_id: int) -> Any:
    """Get a response with how far each section is answered, and once submitted its answers,
    by question id."""
    session = get_session()
    response = get_or_404(session, Response, response_id)
    answers = responses.stored_answers(session, response)
    questionnaire = get_catalogue().get(response.questionnaire_id, response.questionnaire_version)
    progress = (
        [
            {"section_id": s.id, "title": s.title, "answered": s.answered, "shown": s.shown}
            for s in evaluation.progress(questionnaire, response.language, answers)
        ]
        if questionnaire
        else []
    )
    released = dict(sorted(answers.items())) if responses.is_released(response) else {}
    return ResponseDetail.model_validate(
        {**response.model_dump(), "answers": released, "progress": progress}
    )


from . import risk_routes, site_routes  # noqa: E402,F401  (they add their views to bp)
