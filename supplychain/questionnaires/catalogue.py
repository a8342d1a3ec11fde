"""The app's questionnaires: loaded once from QUESTIONNAIRES_DIR, with form classes cached."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from .formgen import AnswerForm, build_form_class
from .loader import Catalogue, load_all, questionnaire_files
from .schema import Questionnaire

FormKey = tuple[str, int, str, str | None]  # questionnaire id, version, language, section id


def get_catalogue() -> Catalogue:
    """Every questionnaire of this app; a bad file raises QuestionnaireError on first use."""
    extensions = current_app.extensions
    if "questionnaires" not in extensions:
        directory = Path(current_app.config["QUESTIONNAIRES_DIR"])
        extensions["questionnaires"] = load_all(questionnaire_files(directory))
        extensions["questionnaire_forms"] = {}
    catalogue: Catalogue = extensions["questionnaires"]
    return catalogue


def form_class(
    questionnaire: Questionnaire, lang: str, section_id: str | None = None
) -> type[AnswerForm]:
    """The answer form class of questionnaire (or one section) in lang, built once per app."""
    get_catalogue()
    forms: dict[FormKey, type[AnswerForm]] = current_app.extensions["questionnaire_forms"]
    key = (questionnaire.id, questionnaire.version, lang, section_id)
    if key not in forms:
        forms[key] = build_form_class(questionnaire, lang, section_id)
    return forms[key]
