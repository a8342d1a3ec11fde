"""Questionnaire fixtures: the test questionnaire with every type, and a form builder."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from supplychain.questionnaires.formgen import build_form_class
from supplychain.questionnaires.loader import load_questionnaire

DATA = Path(__file__).resolve().parent.parent / "data" / "questionnaires"


@pytest.fixture(scope="session")
def every_type():
    return load_questionnaire(DATA / "every-type.yaml")


@pytest.fixture
def submit(form_app, every_type):
    """Post form data to the every-type form and return the validated form.

    CSRF is off here only because these tests exercise the form class, not a route.
    """

    def _submit(data: dict, lang: str = "en"):
        cls = build_form_class(every_type, lang)
        with form_app.test_request_context(method="POST"):
            form = cls(formdata=MultiDict(data), meta={"csrf": False})
            form.ok = form.validate()
            return form

    return _submit
