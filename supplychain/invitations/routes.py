"""Officer pages for sending questionnaires and following the answers. Thin views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask import session as cookie
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import col

from .. import storage
from ..access import requires
from ..chain import graph, queries, supplier_list
from ..chain.panels import list_columns
from ..chain.retire import live_suppliers
from ..db import get_session
from ..forms import EmptyForm, apply_errors, next_target
from ..jobstate import job_status
from ..models import (
    Campaign,
    Evidence,
    Invitation,
    Link,
    Organisation,
    OutboxMessage,
    OutboxStatus,
    Response,
    Role,
    SendingJob,
    Supplier,
    SupplierKind,
    utcnow,
)
from ..numbers import row_id, small_count
from ..questionnaires import evaluation, evidence
from ..questionnaires import services as responses
from ..questionnaires.catalogue import get_catalogue
from ..questionnaires.formgen import answer_views
from ..tenancy import current_org_id, get_or_404, org_select
from ..validation import InvalidInput
from . import allowance, disclosures, outbox, services
from . import sending as sending_jobs
from .forms import CampaignForm

bp = Blueprint("invitations", __name__)

LINKS_KEY = "new_links"  # links shown once after sending when no mail server is set
MAX_LINKS_SHOWN = 20  # what the session cookie holds of them (about 4 KB)


def _questionnaire_choices() -> list[tuple[str, str]]:
    lang = str(get_locale())
    current = get_catalogue().current.values()
    return [(q.id, q.title.get(lang)) for q in current if q.answered_by == "supplier"]


@bp.route("/")
@requires(Role.VIEWER)
def index() -> Any:
    session = get_session()
    campaigns = services.campaign_statuses(session, current_org_id(), utcnow())
    return render_template(
        "invitations/index.html",
        rows=[(campaign, _tally(statuses)) for campaign, statuses in campaigns],
        proposed=len(disclosures.proposed_links(session, current_org_id())),
        dead=len(outbox.dead_letters(session=session, organisation_id=current_org_id())),
        sending=_sending(),
    )


def _sending() -> allowance.Standing:
    """Whether this organisation's mail to suppliers waits, and why (shown on its pages)."""
    return allowance.standing(
        session=get_session(),
        organisation_id=current_org_id(),
        policy=allowance.Policy.from_config(current_app.config),
        now=utcnow(),
    )


def _tally(statuses: Any) -> dict[str, int]:
    counts: dict[str, int] = {s.value: 0 for s in services.InvitationStatus}
    for status in statuses:
        counts[status.value] += 1
    counts["total"] = sum(counts.values())
    counts["percent"] = round(100 * counts["submitted"] / counts["total"]) if counts["total"] else 0
    return counts


MAX_TICK_BOXES = 200  # a bigger chain is chosen on the supplier list, by a filter


@dataclass(frozen=True)
class ListSelection:
    """The suppliers the officer selected on the supplier list (the URL carries the selection):
    how many, those of them with an email address (a SELECT of ids), and the filter's words."""

    total: int
    with_email: Any
    reachable: int
    filters: list[tuple[Any, str]]
    picked: bool
    back: str


def _list_selection() -> ListSelection | None:
    if request.args.get("selection") != "1":
        return None
    session, org = get_session(), current_org_id()
    columns = list_columns()
    selected = supplier_list.selection(session, org, request.args, columns)
    with_email = selected.where(Supplier.email != "")
    lq = supplier_list.parse(request.args, columns)
    return ListSelection(
        total=supplier_list.count(session, selected),
        with_email=supplier_list.ids_of(with_email),
        reachable=supplier_list.count(session, with_email),
        filters=supplier_list.describe(lq, columns),
        picked=request.args.get("all") != "1",
        back=url_for("chain.suppliers", **lq.args()),
    )


@bp.route("/new", methods=("GET", "POST"))
@requires(Role.OFFICER)
def new() -> Any:
    """Send a questionnaire to suppliers ticked here (small chains), to a tier, or to those
    selected on the supplier list (the URL carries the selection: all matching a filter)."""
    session = get_session()
    form = CampaignForm()
    form.questionnaire_id.choices = _questionnaire_choices()
    selection = _list_selection()
    live = live_suppliers(current_org_id())  # an archived supplier cannot be sent anything
    many = supplier_list.count(session, live) > MAX_TICK_BOXES
    suppliers = [] if many or selection else session.exec(live.order_by(Supplier.name)).all()
    if request.method == "GET":
        form.supplier_ids.data = request.args.getlist("supplier", type=row_id)
        form.questionnaire_id.data = _default_questionnaire(form.supplier_ids.data)
        form.deadline.data = (utcnow() + timedelta(days=14)).date()
        form.title.data = _("Supplier self-assessment %(date)s", date=utcnow().date().isoformat())
        if selection is not None:
            form.recipients.data = "matching"
        if request.args.get("tier", type=small_count):
            form.recipients.data, form.tier.data = (
                "tier",
                request.args.get("tier", type=small_count),
            )
    if form.validate_on_submit():
        ids = _recipients(form, selection)
        questionnaire = get_catalogue().get(form.questionnaire_id.data or "")
        deadline = datetime.combine(form.deadline.data, time(23, 59), tzinfo=UTC)  # type: ignore[arg-type]
        try:
            campaign = _send(form, ids, questionnaire, deadline)  # type: ignore[arg-type]
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            return redirect(url_for(".campaign", campaign_id=campaign.id))
    return render_template(
        "invitations/new.html",
        form=form,
        suppliers=suppliers,
        many=many,
        selection=selection,
    )


def _send(form: CampaignForm, ids: list[int], questionnaire: Any, deadline: datetime) -> Campaign:
    """Send at once, or above SEND_INLINE_SUPPLIERS queue the sending for the worker (its
    page shows the progress); commits, and tells the officer."""
    session = get_session()
    given = {
        "session": session,
        "organisation_id": current_org_id(),
        "user_id": current_user.id,
        "questionnaire": questionnaire,
        "title": form.title.data or "",
        "message": form.message.data or "",
        "deadline": deadline,
        "supplier_ids": ids,
        "now": utcnow(),
        "language": form.language.data or None,
        "base_url": current_app.config["BASE_URL"],
    }
    if len(set(ids)) > sending_jobs.inline_limit(current_app.config):
        campaign, _links = services.create_campaign(in_background=True, **given)
        session.commit()
        if not _no_mail_server(len(set(ids))):
            flash(_("%(n)d invitations are being prepared.", n=len(set(ids))), "success")
        return campaign
    campaign, links = services.create_campaign(**given)
    session.commit()
    _offer_links(links)
    sending = _sending()
    if not (sending.held or sending.limited):  # else the campaign page says why
        flash(_("%(n)d invitations are on their way.", n=len(links)), "success")
    return campaign


def _default_questionnaire(chosen: list[int]) -> str:
    """The agency screening when only agencies are chosen, else the supplier self-assessment."""
    kinds = set(
        get_session().exec(
            live_suppliers(current_org_id())
            .where(col(Supplier.id).in_(chosen))
            .with_only_columns(col(Supplier.kind))
        )
    )
    return "agency-screening" if kinds == {SupplierKind.AGENCY} else "supplier-self-assessment"


def _recipients(form: CampaignForm, selection: ListSelection | None) -> list[int]:
    if form.recipients.data == "matching":
        if selection is None:
            return []
        # Those without an email address are left out (the form says how many).
        return list(get_session().exec(selection.with_email))
    if form.recipients.data != "tier":
        return list(form.supplier_ids.data or [])
    chain_graph, _agencies = queries.load_graph(get_session(), current_org_id())
    wanted = form.tier.data
    return [node for node, tier in graph.tiers(chain_graph).items() if tier == wanted and node]


def _offer_links(links: list[services.IssuedLink]) -> None:
    """With no mail server, the officer passes the links on: show them once, keep them nowhere.

    They travel in the session cookie, which holds about 4 KB: a larger sending's links cannot
    be shown, and the officer is told so (each supplier's link can be sent anew)."""
    if current_app.config.get("SMTP_HOST") or _no_mail_server(len(links)):
        return
    cookie[LINKS_KEY] = [(link.supplier_name, link.email, link.url) for link in links]


def _no_mail_server(count: int) -> bool:
    """Whether the count links of a sending are too many to show with no mail server (and the
    officer was told so)."""
    if current_app.config.get("SMTP_HOST") or count <= MAX_LINKS_SHOWN:
        return False
    flash(
        _(
            "No mail server is set up, and the %(n)d links of this sending are too many to "
            "show here: set up mail, or send each supplier a new link from this page.",
            n=count,
        ),
        "warning",
    )
    return True


@bp.route("/remind", methods=("GET", "POST"))
@requires(Role.OFFICER)
def remind() -> Any:
    """Remind the suppliers selected on the supplier list that have open questionnaires: say
    how many first, then queue one reminder (with a new link) for each open invitation."""
    session, org = get_session(), current_org_id()
    selection = _list_selection()
    if selection is None:
        return redirect(url_for("chain.suppliers"))
    columns = list_columns()
    ids = supplier_list.ids_of(supplier_list.selection(session, org, request.args, columns))
    due = services.open_invitations(org, ids, utcnow())
    count = supplier_list.count(session, due)
    form = EmptyForm()
    if form.validate_on_submit():
        asked: dict[str, Any] = {
            "session": session,
            "organisation_id": org,
            "supplier_ids": ids,
            "now": utcnow(),
            "user_id": current_user.id,
        }
        if count > sending_jobs.inline_limit(current_app.config):
            job = services.queue_reminders(**asked)
            session.commit()
            return redirect(url_for(".sending_job", job_id=job.id, next=selection.back))
        sent = services.remind_open(**asked)
        session.commit()
        flash(
            ngettext(
                "%(num)d reminder is on its way.", "%(num)d reminders are on their way.", sent
            ),
            "success",
        )
        return redirect(selection.back)
    return render_template("invitations/remind.html", selection=selection, count=count, form=form)


@bp.route("/sendings/<int:job_id>")
@requires(Role.VIEWER)
def sending_job(job_id: int) -> Any:
    """How far a queued sending of reminders got (a campaign's shows on its own page)."""
    job = get_or_404(get_session(), SendingJob, job_id)
    if job.campaign_id is not None:
        return redirect(url_for(".campaign", campaign_id=job.campaign_id))
    return render_template(
        "invitations/sending_job.html",
        job=job,
        job_status=job_status(job, utcnow()),
        job_percent=sending_jobs.percent(job),
        back=next_target(url_for("chain.suppliers")),
    )


@bp.route("/<int:campaign_id>")
@requires(Role.VIEWER)
def campaign(campaign_id: int) -> Any:
    session = get_session()
    found = get_or_404(session, Campaign, campaign_id)
    invitations = session.exec(
        org_select(Invitation).where(Invitation.campaign_id == found.id).order_by(Invitation.id)
    ).all()
    names = {
        s.id: s
        for s in session.exec(
            org_select(Supplier).where(col(Supplier.id).in_([i.supplier_id for i in invitations]))
        )
    }
    statuses = services.invitation_statuses(session, list(invitations), utcnow())
    questionnaire = get_catalogue().get(found.questionnaire_id, found.questionnaire_version)
    job = sending_jobs.for_campaign(session, current_org_id(), found.id)  # type: ignore[arg-type]
    return render_template(
        "invitations/campaign.html",
        campaign=found,
        job=job,
        job_status=job_status(job, utcnow()) if job else None,
        job_percent=sending_jobs.percent(job) if job else 100,
        questionnaire_title=questionnaire.title.get(str(get_locale()))
        if questionnaire
        else found.questionnaire_id,
        rows=[(i, names[i.supplier_id], statuses[i.id]) for i in invitations],
        tally=_tally(statuses.values()),
        links=cookie.pop(LINKS_KEY, None),
        status_names=services.STATUS_NAMES,
        form=EmptyForm(),
        sending=_sending(),
    )


@bp.route("/invitation/<int:invitation_id>/resend", methods=("POST",))
@requires(Role.OFFICER)
def resend(invitation_id: int) -> Any:
    session = get_session()
    invitation = get_or_404(session, Invitation, invitation_id)
    questionnaire = get_catalogue().get(
        invitation.questionnaire_id, invitation.questionnaire_version
    )
    if questionnaire is None or not EmptyForm().validate_on_submit():
        abort(400)
    try:
        link = services.resend(
            session=session,
            invitation=invitation,
            questionnaire=questionnaire,
            base_url=current_app.config["BASE_URL"],
            now=utcnow(),
            user_id=current_user.id,
            language=request.form.get("language") or None,
        )
    except InvalidInput as exc:
        flash(" ".join(str(v) for v in exc.errors.values()), "error")
    else:
        session.commit()
        _offer_links([link])
        flash(
            _(
                "A new link is on its way to %(email)s; the old one no longer works.",
                email=link.email,
            ),
            "success",
        )
    return redirect(url_for(".campaign", campaign_id=invitation.campaign_id))


@bp.route("/invitation/<int:invitation_id>/revoke", methods=("POST",))
@requires(Role.OFFICER)
def revoke(invitation_id: int) -> Any:
    session = get_session()
    invitation = get_or_404(session, Invitation, invitation_id)
    if EmptyForm().validate_on_submit():
        services.revoke(
            session=session, invitation=invitation, now=utcnow(), user_id=current_user.id
        )
        session.commit()
        flash(_("The link no longer works."), "success")
    return redirect(url_for(".campaign", campaign_id=invitation.campaign_id))


@bp.route("/response/<int:response_id>")
@requires(Role.VIEWER)
def response(response_id: int) -> Any:
    """A supplier's answers as the officer reads them, with the documents sent; of a draft,
    only how far each section is answered."""
    session = get_session()
    found = get_or_404(session, Response, response_id)
    questionnaire = get_catalogue().get(found.questionnaire_id, found.questionnaire_version)
    if questionnaire is None:
        abort(404)
    lang = str(get_locale())
    lang = lang if lang in questionnaire.languages else questionnaire.languages[0]
    supplier = session.get(Supplier, found.supplier_id) if found.supplier_id else None
    page = {"response": found, "supplier": supplier, "title": questionnaire.title.get(lang)}
    released = responses.released_answers(session, found)
    if released is None:
        draft = responses.stored_answers(session, found)
        progress = evaluation.progress(questionnaire, lang, draft)
        return render_template("invitations/response.html", progress=progress, **page)
    views = {v.question_id: v for v in answer_views(questionnaire, lang, released)}
    groups = [
        (s.title.get(lang), [views[q.id] for q in s.questions if q.id in views])
        for s in questionnaire.sections
    ]
    documents = responses.sent_documents(session, found)
    return render_template("invitations/response.html", groups=groups, documents=documents, **page)


@bp.route("/evidence/<int:evidence_id>")
@requires(Role.VIEWER)
def document(evidence_id: int) -> Any:
    """A supplier's document, only ever as a download (never shown inline in our origin), once
    the response that lists it is submitted."""
    found = get_or_404(get_session(), Evidence, evidence_id)
    if not responses.is_sent(get_session(), found):
        abort(404)
    return send_file(
        evidence.path_of(storage.upload_dir(current_app), found),
        mimetype=found.content_type,
        as_attachment=True,
        download_name=found.filename,
    )


@bp.route("/disclosures")
@requires(Role.VIEWER)
def disclosures_page() -> Any:
    session = get_session()
    links = disclosures.proposed_links(session, current_org_id())
    ids = {i for link in links for i in (link.parent_id, link.child_id) if i}
    suppliers = {
        s.id: s for s in session.exec(org_select(Supplier).where(col(Supplier.id).in_(ids)))
    }
    organisation = session.get(Organisation, current_org_id())
    return render_template(
        "invitations/disclosures.html",
        rows=[(link, suppliers.get(link.parent_id), suppliers[link.child_id]) for link in links],
        auto_invite=organisation.auto_invite_disclosed if organisation else False,
        form=EmptyForm(),
    )


@bp.route("/disclosures/<int:link_id>/<decision>", methods=("POST",))
@requires(Role.OFFICER)
def decide(link_id: int, decision: str) -> Any:
    session = get_session()
    link = get_or_404(session, Link, link_id)
    if decision not in ("confirm", "reject") or not EmptyForm().validate_on_submit():
        abort(400)
    if decision == "confirm":
        disclosures.confirm(session=session, link=link, actor_id=current_user.id)
        invited = _auto_invite(link)
        flash(
            _("Added to the chain.") + (" " + _("An invitation is on its way.") if invited else ""),
            "success",
        )
    else:
        disclosures.reject(session=session, link=link, actor_id=current_user.id)
        flash(_("The disclosure was rejected."), "success")
    session.commit()
    return redirect(url_for(".disclosures_page"))


def _auto_invite(link: Link) -> bool:
    """Invite a confirmed company at once when the organisation asks for it (and it has mail)."""
    session = get_session()
    organisation = session.get(Organisation, link.organisation_id)
    child = session.get(Supplier, link.child_id)
    if not (
        organisation
        and organisation.auto_invite_disclosed
        and child
        and child.email
        and not child.archived
    ):
        return False
    questionnaire = get_catalogue().get(
        "agency-screening" if child.kind == SupplierKind.AGENCY else "supplier-self-assessment"
    )
    if questionnaire is None:
        return False
    _campaign, links = services.create_campaign(
        session=session,
        organisation_id=link.organisation_id,
        user_id=current_user.id,
        questionnaire=questionnaire,
        title=_("Disclosed by a supplier: %(name)s", name=child.name),
        message="",
        deadline=utcnow() + timedelta(days=14),
        supplier_ids=[child.id],  # type: ignore[list-item]
        base_url=current_app.config["BASE_URL"],
        now=utcnow(),
    )
    _offer_links(links)
    return True


@bp.route("/settings", methods=("POST",))
@requires(Role.ADMIN)
def settings() -> Any:
    session = get_session()
    organisation = session.get(Organisation, current_org_id())
    if organisation is None or not EmptyForm().validate_on_submit():
        abort(400)
    organisation.auto_invite_disclosed = request.form.get("auto_invite") == "on"
    session.add(organisation)
    session.commit()
    flash(_("Settings saved."), "success")
    return redirect(url_for(".disclosures_page"))


@bp.route("/outbox")
@requires(Role.ADMIN)
def dead_mail() -> Any:
    messages = outbox.dead_letters(session=get_session(), organisation_id=current_org_id())
    return render_template("invitations/outbox.html", messages=messages, form=EmptyForm())


@bp.route("/outbox/<int:message_id>/retry", methods=("POST",))
@requires(Role.ADMIN)
def retry_mail(message_id: int) -> Any:
    session = get_session()
    message = get_or_404(session, OutboxMessage, message_id)
    if EmptyForm().validate_on_submit() and message.status == OutboxStatus.DEAD:
        outbox.retry(session=session, message=message)
        session.commit()
        flash(_("The mail will be tried again."), "success")
    return redirect(url_for(".dead_mail"))
