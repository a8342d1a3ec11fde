"""The supplier's pages: no account, a link from an email.

GET of the link changes nothing (mail scanners open links); the Start button's POST exchanges
the token for a session and leaves the token behind in the URL history. Unknown, expired and
revoked links all get the same 404 page.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask import Response as HttpResponse
from flask import session as cookie
from flask_babel import force_locale
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from .. import storage
from ..access import public
from ..db import get_session
from ..downloads import attachment, pdf_attachment
from ..forms import EmptyForm, Form, next_target
from ..invitations import services as invitations
from ..models import Invitation, Response, utcnow
from ..questionnaires import evaluation, evidence
from ..questionnaires import services as responses
from ..questionnaires.catalogue import form_class, get_catalogue
from ..questionnaires.formgen import add_blank_rows, answer_views, form_data, view_sections
from ..questionnaires.sample import length as questionnaire_length
from ..questionnaires.schema import Questionnaire
from ..reference.codes import countries
from . import services, shown

bp = Blueprint("respond", __name__)

SESSION_KEY = "respondent"


class SubmitForm(Form):
    respondent_name = StringField(validators=[DataRequired(), Length(max=200)])


@bp.after_request
def _private(response: HttpResponse) -> HttpResponse:
    # Answers are private and the link is a secret: never cached, never sent on as a referrer.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _language(invitation: Invitation) -> str:
    """The language asked for in the address, else the one chosen in this browser, else the
    invitation's. Any of the supplier languages: the questionnaire's texts not yet translated
    into it are shown in English (see schema.Text.get)."""
    offered = current_app.config["SUPPLIER_LANGUAGES"]
    for lang in (request.args.get("lang"), cookie.get("lang"), invitation.language):
        if lang in offered:
            return lang
    return offered[0]


@bp.route("/language/<code>")
@public
def language(code: str) -> Any:
    """Switch the supplier's pages to another language and go back to the page (`next`); the
    dead-link page, which never repeats its link, is drawn again in the new language."""
    if code not in current_app.config["SUPPLIER_LANGUAGES"]:
        abort(404)
    cookie["lang"] = code
    if request.args.get("next"):
        return redirect(next_target(url_for(".done")))
    with force_locale(code):
        return render_template("respond/invalid.html"), 404


def _questionnaire(invitation: Invitation) -> Questionnaire:
    found = get_catalogue().get(invitation.questionnaire_id, invitation.questionnaire_version)
    if found is None:
        abort(404)
    return found


@bp.route("/<token>", methods=("GET",))
@public
def landing(token: str) -> Any:
    invitation = invitations.find_by_token(get_session(), token, utcnow())
    if invitation is None:
        abort(404)
    questionnaire = _questionnaire(invitation)
    lang = _language(invitation)
    session = get_session()
    response = session.get(Response, invitation.response_id) if invitation.response_id else None
    with force_locale(lang):
        return render_template(
            "respond/landing.html",
            token=token,
            lang=lang,
            title=questionnaire.title.get(lang),
            description=questionnaire.description.get(lang) if questionnaire.description else "",
            deadline=invitation.expires_at,
            submitted=services.is_submitted(response),
            started=response is not None,
            length=questionnaire_length(questionnaire),
            form=EmptyForm(),
            **services.invitation_context(session, invitation),
        )


@bp.route("/<token>", methods=("POST",))
@public
def start(token: str) -> Any:
    session = get_session()
    invitation = invitations.find_by_token(session, token, utcnow())
    if invitation is None or not EmptyForm().validate_on_submit():
        abort(404)
    questionnaire = _questionnaire(invitation)
    response = services.start(
        session=session, invitation=invitation, questionnaire=questionnaire, now=utcnow()
    )
    session.commit()
    cookie[SESSION_KEY] = [invitation.id, invitation.link_generation]
    cookie["lang"] = _language(invitation)
    return redirect(_resume_url(questionnaire, responses.stored_answers(session, response)), 303)


def _resume_url(questionnaire: Questionnaire, stored: dict[str, Any]) -> str:
    """Where the Start or Continue button leads: the first section for a blank response; with
    answers saved, the first section still missing a required answer, or the review once none
    is missing."""
    if not stored:
        return url_for(".answer")
    section_id = evaluation.first_unanswered(questionnaire, stored)
    return url_for(".answer", section=section_id) if section_id else url_for(".review")


def _respondent() -> tuple[services.Respondent, Questionnaire]:
    """The invitation this browser started, while its link is live and is the one it was started
    with (not replaced by a new link or revoked since); else 404."""
    started = cookie.get(SESSION_KEY)
    found = (
        services.load_respondent(get_session(), *started)
        if isinstance(started, list) and len(started) == 2 and all(type(n) is int for n in started)
        else None
    )
    if found is None:
        abort(404)
    if not services.is_submitted(found.response) and not invitations.is_live(
        found.invitation, utcnow()
    ):
        abort(404)
    return found, _questionnaire(found.invitation)


def _answering() -> tuple[services.Respondent, Questionnaire]:
    """The respondent as _respondent finds it, while still answering: once the response is
    submitted, its pages send the browser to the done page."""
    respondent, questionnaire = _respondent()
    if services.is_submitted(respondent.response):
        abort(redirect(url_for(".done")))
    return respondent, questionnaire


def _section_id(questionnaire: Questionnaire) -> str:
    wanted = request.args.get("section")
    ids = [s.id for s in questionnaire.sections]
    return wanted if wanted in ids else ids[0]


def _save_section(form: Any, response: Response, section_ids: list[str]) -> dict[str, Any]:
    """Keep every valid answer the page changed; a flawed answer keeps its earlier value, and
    so does one left as the page showed it (the page may be older than the stored answer).

    Return those left as shown: the page goes on showing them, so its fingerprints must too.
    """
    kept = form.valid_answers()
    flawed = {name for name, errors in form.errors.items() if errors}
    same = shown.untouched(request.form.get(shown.FIELD), kept)
    try:
        responses.save_answers(
            session=get_session(),
            response=response,
            answers={qid: value for qid, value in kept.items() if qid not in same},
            scope=[qid for qid in section_ids if qid not in flawed | same],
            upload_dir=storage.upload_dir(current_app),
            quota=evidence.Quota.of(current_app),
        )
    except evidence.QuotaExceeded:  # the form checked it: only a save from another tab gets here
        get_session().rollback()
        abort(413)
    get_session().commit()
    return {qid: kept.get(qid) for qid in same}


@bp.route("/answer", methods=("GET", "POST"))
@public
def answer() -> Any:
    respondent, questionnaire = _answering()
    invitation, response = respondent.invitation, respondent.response
    go = request.form.get("go", "") if request.method == "POST" else ""
    if go.startswith("lang:") and go[5:] in current_app.config["SUPPLIER_LANGUAGES"]:
        cookie["lang"] = go[5:]  # the language switch posts the page: saved, then redrawn
    lang = _language(invitation)
    section_id = _section_id(questionnaire)
    section = next(s for s in questionnaire.sections if s.id == section_id)
    ids = [q.id for q in section.questions]
    stored = responses.stored_answers(get_session(), response)
    as_shown: dict[str, Any] = {}
    with force_locale(lang):
        cls = form_class(questionnaire, lang, section_id)
        form = cls() if request.method == "POST" else cls(data=form_data(questionnaire, stored))
        form.context = stored
        if request.method == "POST":
            ok = form.validate()
            as_shown = _save_section(form, response, ids)
            # Continuing needs a complete page; going elsewhere only that nothing typed is lost.
            if ok or (_moves_elsewhere(go) and form.only_missing()):
                return redirect(_next_url(questionnaire, section_id, go), 303)
            stored = responses.stored_answers(get_session(), response)
        add_blank_rows(form)
        merged = {
            **{k: v for k, v in stored.items() if k not in ids},
            **form.answers(all_questions=True),
        }
        form.context = stored  # after a save: it lists the documents just uploaded
        order = [s.id for s in questionnaire.sections]
        position = order.index(section_id)
        return render_template(
            "respond/section.html",
            form=form,
            title=questionnaire.title.get(lang),
            section_title=section.title.get(lang),
            sections=view_sections(questionnaire, lang, merged, only=section_id),
            section_id=section_id,
            position=position + 1,
            count=len(order),
            length=questionnaire_length(questionnaire) if position == 0 else None,
            previous=order[position - 1] if position else None,
            progress=evaluation.progress(questionnaire, lang, merged),
            answers_shown=shown.encode(section.questions, {**stored, **as_shown}),
            country_list=countries(lang),
            deadline=invitation.expires_at,
            **respondent.names,
        )


def _moves_elsewhere(go: str) -> bool:
    """Whether the button pressed goes somewhere other than on (Previous, a section, a language)."""
    return go == "previous" or go.startswith(("section:", "lang:"))


def _next_url(questionnaire: Questionnaire, section_id: str, go: str) -> str:
    order = [s.id for s in questionnaire.sections]
    position = order.index(section_id)
    if go.startswith("lang:"):
        return url_for(".answer", section=section_id)
    if go == "previous" and position > 0:
        return url_for(".answer", section=order[position - 1])
    if go and go.startswith("section:") and go[8:] in order:
        return url_for(".answer", section=go[8:])
    if go == "next" and position + 1 < len(order):
        return url_for(".answer", section=order[position + 1])
    return url_for(".review")


@bp.route("/answer/save", methods=("POST",))
@public
def autosave() -> Any:
    """Save a section in the background (when the page is hidden or left): 204 with the
    section's fingerprints after the save (see shown), or 404 if not answering."""
    respondent, questionnaire = _respondent()
    invitation, response = respondent.invitation, respondent.response
    if services.is_submitted(response):
        return "", 409
    section_id = _section_id(questionnaire)
    section = next(s for s in questionnaire.sections if s.id == section_id)
    lang = _language(invitation)
    form = form_class(questionnaire, lang, section_id)()
    form.context = responses.stored_answers(get_session(), response)
    form.validate()
    as_shown = _save_section(form, response, [q.id for q in section.questions])
    after = {**responses.stored_answers(get_session(), response), **as_shown}
    return "", 204, {shown.HEADER: shown.encode(section.questions, after)}


@bp.route("/review", methods=("GET", "POST"))
@public
def review() -> Any:
    respondent, questionnaire = _answering()
    invitation, response = respondent.invitation, respondent.response
    lang = _language(invitation)
    session = get_session()
    stored = responses.stored_answers(session, response)
    with force_locale(lang):
        progress = evaluation.progress(questionnaire, lang, stored)
        missing = [s for s in progress if not s.complete]
        form = SubmitForm()
        if form.validate_on_submit() and not missing:
            disclosed = services.submit(
                session=session,
                invitation=invitation,
                response=response,
                questionnaire=questionnaire,
                answers=stored,
                respondent_name=form.respondent_name.data or "",
            )
            session.commit()
            current_app.logger.info("response %s submitted, %s disclosed", response.id, disclosed)
            return redirect(url_for(".done"), 303)
        return render_template(
            "respond/review.html",
            form=form,
            title=questionnaire.title.get(lang),
            groups=_answers_by_section(questionnaire, lang, stored),
            missing=missing,
            **respondent.names,
        )


def _answers_by_section(
    questionnaire: Questionnaire, lang: str, answers: dict[str, Any]
) -> list[tuple[str, str, list[Any]]]:
    views = {v.question_id: v for v in answer_views(questionnaire, lang, answers)}
    return [
        (s.id, s.title.get(lang), [views[q.id] for q in s.questions if q.id in views])
        for s in questionnaire.sections
    ]


@bp.route("/done")
@public
def done() -> Any:
    respondent, questionnaire = _respondent()
    invitation, response = respondent.invitation, respondent.response
    if not services.is_submitted(response):
        return redirect(url_for(".answer"))
    lang = _language(invitation)
    with force_locale(lang):
        return render_template(
            "respond/done.html",
            title=questionnaire.title.get(lang),
            response=response,
            **respondent.names,
        )


@bp.route("/copy")
@public
def copy() -> Any:
    """The submitted answers as a file the supplier keeps, with a link to its PDF."""
    respondent, questionnaire = _respondent()
    submitted = services.is_submitted(respondent.response)
    pdf_url = current_app.config["BASE_URL"] + url_for(".copy_pdf") if submitted else None
    html = _copy(respondent, questionnaire, pdf_url=pdf_url)
    return attachment(html.encode(), "text/html", _copy_name(respondent, questionnaire, "html"))


@bp.route("/copy.pdf")
@public
def copy_pdf() -> Any:
    """The copy of the answers as a PDF: the same content, laid out server-side (WeasyPrint
    fetches nothing but our static files). Only once submitted: a draft still changes.

    Bounded by the questionnaire: each answer has its maximum length, each table its maximum
    rows, and the pages are rate-limited per address like every answering page."""
    respondent, questionnaire = _respondent()
    if not services.is_submitted(respondent.response):
        return redirect(url_for(".answer"))
    html = _copy(respondent, questionnaire, pdf=True)
    return pdf_attachment(html, _copy_name(respondent, questionnaire, "pdf"))


def _copy(respondent: services.Respondent, questionnaire: Questionnaire, **kw: Any) -> str:
    """The copy of the answers in the answer's language (the page's, as the supplier reads
    it), with the questionnaire's title and version, the names and the submission time in the
    organisation's time zone."""
    lang = _language(respondent.invitation)
    stored = responses.stored_answers(get_session(), respondent.response)
    with force_locale(lang):
        return render_template(
            "respond/copy.html",
            title=questionnaire.title.get(lang),
            version=questionnaire.version,
            response=respondent.response,
            groups=_answers_by_section(questionnaire, lang, stored),
            **respondent.names,
            **kw,
        )


def _copy_name(respondent: services.Respondent, questionnaire: Questionnaire, ext: str) -> str:
    """answers-<questionnaire>-v<version>-<receipt number>.<ext>: ASCII, the receipt number
    the pages show, nothing the supplier typed."""
    number = respondent.response.id
    return f"answers-{questionnaire.id}-v{questionnaire.version}-{number}.{ext}"
