"""Characters that have no place in what people type, and invisible ones that disguise text.

- Control characters (NUL and the other C0/C1 codes except tab and line breaks) are refused
  with a field error: PostgreSQL cannot store NUL in text, and none of them is ever typed.
- Invisible format characters (bidirectional overrides and isolates such as U+202E, zero-width
  spaces, the byte-order mark, tag characters) disguise text: U+202E makes
  `invoice<U+202E>fdp.exe` read as `invoiceexe.pdf`. They are removed from form input before it
  is stored, and removed again wherever stored text is shown (every template expression,
  CSV/XLSX cells, PDFs), which also covers text stored before, imported or sent to the API.
  Zero-width (non-)joiners stay: Persian and Indic scripts and emoji need them.
"""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The invisible format characters (category Cf) of Unicode 15, minus the zero-width joiners
# (U+200C, U+200D) and the Arabic and Syriac signs that are drawn (U+0600-0605 and the like).
FORMAT = re.compile(
    "[\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)


def has_control_characters(text: str) -> bool:
    """True if text holds a control character other than tab, CR and LF."""
    return CONTROL.search(text) is not None


def visible(text: str) -> str:
    """text without invisible format characters (bidirectional controls, zero-width spaces)."""
    return FORMAT.sub("", text)
