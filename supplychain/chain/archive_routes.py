"""Archived suppliers: their list, a restore, and an admin's delete for good (chain.retire).

An archived supplier is out of the live chain but keeps its evidence; its page still shows it.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col

from ..access import requires
from ..db import get_session
from ..models import Role, Supplier, User
from ..numbers import page_number
from ..tenancy import current_org_id, in_org
from . import retire
from .forms import DeleteForGoodForm
from .routes import bp, committed, posted_row

PAGE_SIZE = 50

# Why a supplier was archived, by the reason its audit event records.
REASONS = {
    "deleted": _l("removed by an officer"),
    "pruned": _l("no longer in an imported chain file"),
    "listed": _l("archived from the supplier list"),
}
EVIDENCE_NAMES = {
    "responses": _l("answers"),
    "documents": _l("documents"),
    "decisions": _l("decisions on flags"),
    "disclosures": _l("disclosed companies"),
    "invitations": _l("questionnaires sent"),
    "screening": _l("screening checks"),
}


def _describe(
    session: Session, organisation_id: int, suppliers: list[Supplier]
) -> dict[int, dict[str, Any]]:
    """When, why and by whom each supplier was archived, and the evidence it keeps."""
    ids = [s.id for s in suppliers if s.id is not None]
    events = retire.archive_events(session, organisation_id, ids)
    evidence = retire.evidence_of(session, organisation_id, ids)
    user_ids = {e.user_id for e in events.values() if e.user_id is not None}
    users = {
        u.id: u.name or u.email
        for u in session.exec(in_org(User, organisation_id).where(col(User.id).in_(user_ids)))
    }
    described = {}
    for sid in ids:
        event = events.get(sid)
        reason = (event.details or {}).get("reason", "") if event else ""
        described[sid] = {
            "by": users.get(event.user_id) if event and event.user_id else None,
            "reason": str(REASONS.get(reason, reason)),
            "evidence": [
                (str(EVIDENCE_NAMES.get(kind, kind)), count)
                for kind, count in evidence.get(sid, {}).items()
            ],
        }
    return described


def archive_facts(session: Session, supplier: Supplier) -> dict[str, Any]:
    """What an archived supplier's page says of its archiving, with its forms."""
    return {
        **_describe(session, supplier.organisation_id, [supplier])[supplier.id],  # type: ignore[index]
        "delete_form": DeleteForGoodForm(),
    }


@bp.route("/suppliers/archived")
@requires(Role.VIEWER)
def archived_suppliers() -> Any:
    """Suppliers taken out of the chain that keep evidence, newest first."""
    db = get_session()
    org = current_org_id()
    page = request.args.get("page", 1, type=page_number)
    query = retire.archived_suppliers(org).order_by(
        col(Supplier.archived_at).desc(), col(Supplier.id).desc()
    )
    rows = db.exec(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    shown = list(rows[:PAGE_SIZE])
    return render_template(
        "chain/archived.html",
        suppliers=shown,
        described=_describe(db, org, shown),
        page=page,
        has_next=len(rows) > PAGE_SIZE,
    )


@bp.route("/suppliers/<int:supplier_id>/restore", methods=["POST"])
@requires(Role.OFFICER)
def restore_supplier(supplier_id: int) -> Any:
    item = posted_row(Supplier, supplier_id)
    if item.archived:
        committed(retire.restore, supplier=item)
        flash(_("Supplier %(name)s is back in the chain.", name=item.name), "success")
    return redirect(url_for("chain.supplier", supplier_id=supplier_id))


@bp.route("/suppliers/<int:supplier_id>/delete-for-good", methods=["POST"])
@requires(Role.ADMIN)
def delete_for_good(supplier_id: int) -> Any:
    """Delete an archived supplier with all its evidence, once the admin has typed its code."""
    form = DeleteForGoodForm()
    item = posted_row(Supplier, supplier_id, form)
    if not item.archived:
        flash(_("Only an archived supplier can be deleted for good."), "error")
    elif (form.code.data or "").strip() != item.code:
        flash(
            _(
                "Nothing was deleted: type the code %(code)s exactly to delete %(name)s for good.",
                code=item.code,
                name=item.name,
            ),
            "error",
        )
    else:
        name = item.name
        committed(retire.delete_for_good, supplier=item)
        flash(
            _("Supplier %(name)s was deleted for good, with all its evidence.", name=name),
            "success",
        )
        return redirect(url_for("chain.archived_suppliers"))
    return redirect(url_for("chain.supplier", supplier_id=supplier_id))
