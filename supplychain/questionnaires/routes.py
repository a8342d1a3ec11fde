"""Questionnaire pages: the list, a preview in any language, and the organisation's own
risk assessment. Thin: find the questionnaire, build its form, call a service."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from .. import storage
from ..access import requires
from ..db import get_session
from ..i18n import LANGUAGE_NAMES
from ..models import Role
from ..numbers import small_count
from ..reference.codes import country_names
from ..tenancy import current_org_id
from . import evidence, services
from .catalogue import form_class, get_catalogue
from .formgen import add_blank_rows, answer_views, form_data, view_sections
from .schema import Questionnaire

bp = Blueprint("questionnaires", __name__)


def _questionnaire_or_404(questionnaire_id: str, version: int | None = None) -> Questionnaire:
    questionnaire = get_catalogue().get(questionnaire_id, version)
    if questionnaire is None:
        abort(404)
    return questionnaire


def _language(questionnaire: Questionnaire, wanted: str | None) -> str:
    """The wanted language if offered, else the page's if offered, else the first."""
    for lang in (wanted, str(get_locale())):
        if lang in questionnaire.languages:
            return lang
    return questionnaire.languages[0]


def _form_page(
    template: str, questionnaire: Questionnaire, lang: str, form: Any, /, **page: Any
) -> str:
    """A page with a questionnaire's form: every section as answered so far, and tables with
    room for new rows."""
    sections = view_sections(questionnaire, lang, form.answers(all_questions=True))
    add_blank_rows(form)
    return render_template(
        template,
        questionnaire=questionnaire,
        title=questionnaire.title.get(lang),
        form=form,
        sections=sections,
        country_list=country_names(lang),
        **page,
    )


@bp.route("/")
@requires(Role.VIEWER)
def index() -> Any:
    catalogue = get_catalogue()
    lang = str(get_locale())
    rows = [
        {
            "id": q.id,
            "title": q.title.get(lang),
            "description": q.description.get(lang) if q.description else "",
            "version": q.version,
            "questions": sum(1 for _q in q.questions()),
            "answered_by": q.answered_by,
            "languages": [(code, LANGUAGE_NAMES.get(code, code)) for code in q.languages],
        }
        for q in sorted(catalogue.current.values(), key=lambda q: q.title.get(lang))
    ]
    return render_template("questionnaires/index.html", questionnaires=rows)


@bp.route("/<questionnaire_id>/preview", methods=("GET", "POST"))
@requires(Role.VIEWER)
def preview(questionnaire_id: str) -> Any:
    """The questionnaire as a respondent sees it, in any of its languages; nothing is stored."""
    questionnaire = _questionnaire_or_404(
        questionnaire_id, request.args.get("version", type=small_count)
    )
    lang = _language(questionnaire, request.args.get("lang"))
    with force_locale(lang):
        form = form_class(questionnaire, lang)()
        checked = request.method == "POST" and form.validate()
        return _form_page(
            "questionnaires/preview.html",
            questionnaire,
            lang,
            form,
            lang=lang,
            languages=[(c, LANGUAGE_NAMES.get(c, c)) for c in questionnaire.languages],
            checked=checked,
            summary=answer_views(questionnaire, lang, form.answers()) if checked else [],
        )


@bp.route("/risk-assessment", methods=("GET", "POST"))
@requires(Role.OFFICER)
def risk_assessment() -> Any:
    """The organisation's own risk check, answered here by an officer; it sets the profile."""
    questionnaire = _questionnaire_or_404(services.COMPANY_RISK_ASSESSMENT)
    lang = _language(questionnaire, None)
    session = get_session()
    cls = form_class(questionnaire, lang)
    if request.method == "POST":
        form = cls()
    else:
        latest = services.latest_submitted(session, current_org_id(), questionnaire.id)
        previous = services.stored_answers(session, latest) if latest else {}
        form = cls(data=form_data(questionnaire, previous))
    if form.validate_on_submit():
        services.record_own_assessment(
            session=session,
            organisation_id=current_org_id(),
            user_id=current_user.id,
            questionnaire=questionnaire,
            language=lang,
            answers=form.answers(),
            respondent_name=current_user.name or current_user.email,
            upload_dir=storage.upload_dir(current_app),
            quota=evidence.Quota.of(current_app),
        )
        session.commit()
        flash(_("Your organisation's risk profile is updated."), "success")
        return redirect(url_for("dashboard.index"))
    return _form_page("questionnaires/risk_assessment.html", questionnaire, lang, form)
