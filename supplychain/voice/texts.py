"""What the workers' pages and the poster say, in the workers' languages: one YAML file per
language in data/voice/ (see en.yaml), so that a new language is a new file (beside its
data/workers/ file, which names the help contacts).

Checked on load as the workers' texts are (WorkerTextsError): unknown or missing keys are
refused with the file and the key named, and every file words every check-in question and
answer of voice.checkin.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..reference.worker_texts import WorkerTextsError, load_checked
from .checkin import QUESTIONS

FOLDER = Path(__file__).resolve().parent.parent / "data" / "voice"
_LANG = re.compile(r"^[a-z]{2,3}$")

Text = Field(min_length=1)


class QuestionText(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    text: str = Text
    options: dict[str, str]


class VoiceTexts(BaseModel):
    """One language's texts (the keys are described in en.yaml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str = Text
    intro: str = Text
    anonymous: str = Text
    danger_button: str = Text
    danger_title: str = Text
    checkin_button: str = Text
    report_button: str = Text
    track_button: str = Text
    checkin_title: str = Text
    checkin_intro: str = Text
    checkin_submit: str = Text
    questions: dict[str, QuestionText]
    thanks_title: str = Text
    thanks_text: str = Text
    back: str = Text
    report_title: str = Text
    report_intro: str = Text
    report_text: str = Text
    report_contact: str = Text
    report_submit: str = Text
    report_empty: str = Text
    report_too_long: str = Text
    photo_label: str = Text
    photo_help: str = Text
    photo_too_large: str = Text  # the names of voice.photo.Refusal's values
    photo_unreadable: str = Text
    code_title: str = Text
    code_text: str = Text
    track_title: str = Text
    track_code: str = Text
    track_submit: str = Text
    track_unknown: str = Text
    your_message: str = Text
    their_message: str = Text
    no_answer_yet: str = Text
    reply: str = Text
    reply_submit: str = Text
    reply_sent: str = Text
    poster_line: str = Text
    poster_scan: str = Text

    @field_validator("questions")
    @classmethod
    def _every_question(cls, questions: dict[str, QuestionText]) -> dict[str, QuestionText]:
        expected = {q.id: q for q in QUESTIONS}
        if set(questions) != set(expected):
            raise ValueError(f"questions must be {', '.join(expected)}")
        for qid, question in questions.items():
            # the employer's options are the site's suppliers, and "I don't know"
            if set(question.options) != set(expected[qid].options):
                options = ", ".join(expected[qid].options)
                raise ValueError(f"{qid}: the options must be {options}")
        return questions


@cache
def load_texts(folder: Path = FOLDER) -> dict[str, VoiceTexts]:
    """Every language in folder, by code (loaded once per folder)."""
    texts = {}
    for path in sorted(folder.glob("*.yaml")):
        if not _LANG.match(path.stem):
            raise WorkerTextsError(f"voice/{path.name}: name it by its language code (lv.yaml)")
        texts[path.stem] = load_checked(path, VoiceTexts)
    if not texts:
        raise WorkerTextsError(f"{folder}: no language files")
    return texts
