"""What each rule is called and how its flags read, in the language in force: the presenters'
side of the rules' texts.

The rules are pure and never translate: each registers its title and message in English (and
an explainer where one sentence does not fit all its flags) beside its check, in its module.
Pages, the report, the API and the CLI translate them here, with flask_babel, when they show a
flag; adding a rule adds nothing here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import get_locale, gettext, lazy_gettext, ngettext

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
        return str(gettext(string, **variables))

    def ngettext(self, singular: str, plural: str, num: int, /, **variables: Any) -> str:
        return str(ngettext(singular, plural, num, **variables))

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
    return str(gettext(rule.message)) % {**thresholds, **finding.params}
