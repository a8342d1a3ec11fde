"""How easy a password is to guess, judged the way NIST SP 800-63B asks (section 3.1.1.2).

No composition rules: a password is refused when it is, or is built from, a common or leaked
password, a repeat, a sequence or a keyboard pattern, or words of its context (the person's name
and address, their organisation, this service). zxcvbn, a maintained estimator with lists of
leaked passwords and common words, does the judging; this module only picks the plain-words reason.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

# zxcvbn's score 3: at least 10^8 guesses, which a throttled online attacker never gets through.
MIN_SCORE = 3
# zxcvbn's time grows steeply with length (0.5 s at 72 characters); a phrase whose first 64
# characters are hard to guess is hard to guess.
JUDGED_LENGTH = 64
SERVICE_WORDS = ("supplychain", "supply", "chain")

# zxcvbn keeps the context words in a module-level dictionary while it judges: one at a time.
_zxcvbn_lock = threading.Lock()

COMMON = _l(
    "This password is too easy to guess: it is, or is built on, a commonly used or leaked "
    "password. A phrase of a few unrelated words is easy to remember and hard to guess."
)
CONTEXT = _l(
    "This password is too easy to guess: it is built on your name, your email address, "
    "your organisation or the name of this service. A phrase of a few unrelated words is easy "
    "to remember and hard to guess."
)
PATTERN = _l(
    "This password is too easy to guess: repeated characters, sequences such as 1234 or abcd "
    "and keyboard rows such as qwerty are tried first. A phrase of a few unrelated words is "
    "easy to remember and hard to guess."
)
GUESSABLE = _l(
    "This password is too easy to guess. A phrase of a few unrelated words is easy to "
    "remember and hard to guess."
)


def context_words(*texts: str) -> list[str]:
    """The words an attacker who knows these texts (names, addresses) would try first."""
    words = {*SERVICE_WORDS}
    for text in texts:
        text = text.strip().lower()
        parts = [w for w in re.split(r"[\W_]+", text) if w]
        if parts:
            words.add(text)
            words.update(w for w in parts if len(w) >= 3)
            # zxcvbn reads a separator between two known words as random characters, so the
            # name's words joined as people join them are listed too: "baltic-timber-works".
            words.update(sep.join(parts) for sep in ("", " ", "-", "_", "."))
    return sorted(words)


def weakness(password: str, context: Iterable[str] = ()) -> LazyString | None:
    """Why password is too easy to guess (a message for the user), or None if it is not."""
    with _zxcvbn_lock:
        result = zxcvbn(password[:JUDGED_LENGTH], user_inputs=list(context))
    if result["score"] >= MIN_SCORE:
        return None
    dictionaries = {m.get("dictionary_name") for m in result["sequence"]}
    patterns = {m["pattern"] for m in result["sequence"]}
    if "user_inputs" in dictionaries:
        return CONTEXT
    if "passwords" in dictionaries:
        return COMMON
    if patterns & {"repeat", "sequence", "spatial"}:
        return PATTERN
    return GUESSABLE
