"""The rule registry: small pure functions with stable ids, each returning findings.

A rule reads RiskInputs and its thresholds and returns its findings: it yields Finding objects
(finding() makes one with the rule's own severity, ILO indicators and guide sections), or, when
it flags most suppliers, returns one Findings (findings() makes it) of plain rows. Either way it
gives values, never JSON: the flag set (flagset.py) encodes them and decides how they are stored.
It never touches the database and never translates.

A rule's texts are registered with it: a title, a message and a basis (why the rule exists, in a
sentence or two for the officer; the function's docstring keeps the developer's full reasoning
and sources) in English, marked with N_ so that
`pybabel extract` puts them in the catalogue (N_ is one of its default keywords), the message
filled with the finding's params and the rule's thresholds; and, where one sentence does not fit
all of its flags, an explainer that writes the sentence from the finding with the Translator a
presenter gives it. The English text is the catalogue's msgid, so it must not change without its
Latvian translation. Translating is the presenters' business (texts.py), when a flag is shown.

Ids never change once shipped (flags and their workflow state are keyed by them); when a
rule's behaviour changes, RULES_VERSION changes and every run records the version it used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Protocol

from ..vocab import IloIndicator, Severity, Source
from .findings import Finding, Findings, Value

RULES_VERSION = "5"


def N_(message: str) -> str:
    """Marks an English text for the catalogue without translating it: it is translated when
    shown."""
    return message


class Translator(Protocol):
    """What an explainer writes with: given by the presenter, in the language in force."""

    @property
    def language(self) -> str: ...

    def gettext(self, string: str, /, **variables: Any) -> str:
        """The translation of string, filled with variables if any (as flask_babel's)."""
        ...

    def ngettext(self, singular: str, plural: str, num: int, /, **variables: Any) -> str:
        """The translation for num, filled with variables and num (as flask_babel's)."""
        ...

    def ilo_name(self, indicator: IloIndicator) -> str:
        """The name of an ILO indicator of forced labour."""
        ...


# explain(finding, translator) -> the flag's sentence, for rules one message does not fit.
Explainer = Callable[[Finding, Translator], str]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity  # the default; a finding may be graver or milder
    source: Source  # where its evidence comes from
    ilo: tuple[IloIndicator, ...]
    guide: tuple[str, ...]  # prevention guide sections with what to do
    thresholds: Mapping[str, Any]
    # check(inputs, thresholds) -> findings; a rule over the other rules' flags
    # (reads_flags=True) also gets the first pass's FlagSet: check(inputs, thresholds, flags).
    check: Callable[..., Iterable[Finding]]  # a Findings is one too
    basis: str  # why the rule exists, for the officer: in English, marked with N_
    title: str  # in English, marked with N_: translated when shown
    message: str  # the flag's sentence in English, filled with the finding's params
    reads_flags: bool = False  # runs in the second pass, over the first pass's flags
    explain: Explainer | None = None  # writes the sentence where one message does not fit


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    *,
    severity: Severity,
    source: Source,
    title: str,
    message: str,
    basis: str,
    explain: Explainer | None = None,
    ilo: Iterable[IloIndicator] = (),
    guide: Iterable[str] = (),
    thresholds: Mapping[str, Any] | None = None,
    reads_flags: bool = False,
) -> Callable[[Any], Any]:
    """Register a rule function under rule_id. With reads_flags, the function is a FlagCheck:
    it runs after every other rule and reads their flags (see engine.evaluate). title and
    message are English texts marked with N_, and so is basis (why the rule exists, for the
    officer); explain, if given, writes the sentence instead of message."""

    def register(check: Any) -> Any:
        if rule_id in RULES:
            raise ValueError(f"duplicate rule id {rule_id}")
        if not title.strip() or not message.strip() or not basis.strip():
            raise ValueError(f"rule {rule_id} needs a title, a message and a basis")
        RULES[rule_id] = Rule(
            id=rule_id,
            severity=severity,
            source=source,
            ilo=tuple(ilo),
            guide=tuple(guide),
            thresholds=MappingProxyType(dict(thresholds or {})),
            check=check,
            basis=basis,
            title=title,
            message=message,
            reads_flags=reads_flags,
            explain=explain,
        )
        return check

    return register


def source_of(rule_id: str) -> str:
    """Where the flags of a rule come from ("" for a rule no longer registered)."""
    registered = RULES.get(rule_id)
    return registered.source.value if registered else ""


def finding(
    rule_id: str,
    supplier_id: int | None,
    evidence: Value,
    severity: Severity | None = None,
    **params: Any,
) -> Finding:
    """A Finding with the rule's own severity, ILO indicators and guide sections."""
    registered = RULES[rule_id]
    return Finding(
        rule=rule_id,
        supplier_id=supplier_id,
        severity=severity or registered.severity,
        evidence=evidence,
        params=params,
        indicator=rule_id,
        ilo=registered.ilo,
        guide=registered.guide,
    )


def findings(rule_id: str) -> Findings:
    """An empty Findings of the rule, with its own severity, ILO indicators and guide sections:
    add() a flag to it per supplier and return it."""
    registered = RULES[rule_id]
    return Findings(rule_id, registered.severity, registered.ilo, registered.guide)


# The rules register themselves when their modules are imported.
from . import (  # noqa: E402,F401
    answer_rules,
    composite_rules,
    screening_rules,
    structural_rules,
    worker_rules,
)
