"""What each rule is called and how its flags read, in the language in force: the presenters'
side of the rules' texts.

The rules are pure and never translate: each registers its title and message in English (and
an explainer where one sentence does not fit all its flags) beside its check, in its module.
Pages, the report, the API and the CLI translate them here, with flask_babel, when they show a
flag; adding a rule adds nothing here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import get_locale, gettext, lazy_gettext, ngettext

from ..i18n import format_date, format_number
from ..reference.ilo import NAMES as ILO_NAMES
from ..vocab import IloIndicator
from .findings import Finding
from .rules import RULES


class _Babel:
    """The Translator the rules' explainers write with: flask_babel's, in the request's
    language."""

    @property
    def language(self) -> str:
        return str(get_locale())

    def gettext(self, string: str, /, **variables: Any) -> str:
        return str(gettext(string, **_localised_all(variables)))

    def ngettext(self, singular: str, plural: str, num: int, /, **variables: Any) -> str:
        return str(ngettext(singular, plural, num, **_localised_all(variables)))

    def ilo_name(self, indicator: IloIndicator) -> str:
        return str(ILO_NAMES[indicator])


BABEL = _Babel()


def title(rule_id: str) -> Any:
    """The rule's title, a lazy string (str() translates it into the language in force)."""
    return lazy_gettext(RULES[rule_id].title)


def basis(rule_id: str) -> str:
    """Why the rule exists, in the language in force."""
    return str(gettext(RULES[rule_id].basis))


def explain(finding: Finding, thresholds: Mapping[str, Any] | None = None) -> str:
    """The flag's sentence in the language in force; thresholds: the rule's defaults, if not
    given."""
    rule = RULES[finding.rule]
    if rule.explain is not None:
        return rule.explain(finding, BABEL)
    if thresholds is None:
        thresholds = rule.thresholds
    return str(gettext(rule.message)) % _localised_all({**thresholds, **finding.params})


_DECIMAL = re.compile(r"^-?\d+\.(\d+)$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _localised(value: Any) -> Any:
    """What a rule gives as plain text, as the reader writes it: an amount ("4.12" -> "4,12"
    in Latvian), a date ("2026-11-23" -> "2026. gada 23. nov."). Numbers stay numbers: a
    message may format them itself (%(tier)d)."""
    if not isinstance(value, str):
        return value
    if match := _DECIMAL.match(value):
        return format_number(Decimal(value), places=len(match.group(1)))
    if _ISO_DATE.match(value):
        return format_date(date.fromisoformat(value))
    return value


def _localised_all(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _localised(v) for k, v in values.items()}
