"""What an answer page showed: one short fingerprint per question, posted back with the page.

A page can be stale: an answer may have been saved after it was drawn (by another tab, or by an
autosave still on its way when the browser went back to the page). Its fields then hold older
answers, often blanks, and saving them would undo the newer answers although nobody typed that.
With the fingerprints, a save writes only the answers the person changed on the page.

Documents are left out (any type that keeps files): their answer is always built from the stored
one (see fields.Documents).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from ..questionnaires.fields import field_type

FIELD = "_shown"  # a question id starts with a letter, so no question has this name
HEADER = "Answers-Shown"  # the autosave's reply: the fingerprints after it


def fingerprint(value: Any) -> str:
    """A short digest of a stored answer (None for no answer)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def encode(questions: Iterable[Any], answers: Mapping[str, Any]) -> str:
    """The fingerprints of the answers that questions show, as the page carries them."""
    return " ".join(
        f"{q.id}:{fingerprint(answers.get(q.id))}"
        for q in questions
        if not field_type(q).keeps_files
    )


def untouched(posted: str | None, answers: Mapping[str, Any]) -> set[str]:
    """The question ids whose answer in answers is still the one the page showed.

    A question the page did not fingerprint (an old page, a mangled field) counts as changed:
    the save then writes it, as it did before fingerprints.
    """
    shown = dict(item.partition(":")[::2] for item in (posted or "").split()[:1000])
    return {qid for qid, digest in shown.items() if digest == fingerprint(answers.get(qid))}
