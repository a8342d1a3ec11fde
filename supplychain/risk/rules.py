"""The rule registry: small pure functions with stable ids, each raising Findings.

A rule reads RiskInputs and its thresholds and yields Findings; it never touches the database.
Ids never change once shipped (flags and their workflow state are keyed by them); when a
rule's behaviour changes, RULES_VERSION changes and every run records the version it used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from flask_babel.speaklater import LazyString

from ..vocab import IloIndicator, Severity
from .findings import Finding, RiskInputs
from .flagset import Batch, FlagSet

RULES_VERSION = "3"

Check = Callable[[RiskInputs, Mapping[str, Any]], Iterable[Finding | Batch]]
# A rule over the other rules' flags (reads_flags=True) also gets the first pass's FlagSet.
FlagCheck = Callable[[RiskInputs, Mapping[str, Any], FlagSet], Iterable[Finding | Batch]]


@dataclass(frozen=True)
class Rule:
    id: str
    title: LazyString
    message: LazyString  # the flag's explanation, filled with the finding's params
    severity: Severity  # the default; a finding may be graver or milder
    ilo: tuple[IloIndicator, ...]
    guide: tuple[str, ...]  # prevention guide sections with what to do
    thresholds: Mapping[str, Any]
    check: Check | FlagCheck
    basis: str  # why the rule exists: the function's docstring
    explainer: Callable[[Finding], str] | None = None  # when one sentence does not fit all
    reads_flags: bool = False  # runs in the second pass, over the first pass's flags

    def explain(self, finding: Finding) -> str:
        """The flag's sentence in the current language."""
        if self.explainer is not None:
            return self.explainer(finding)
        return str(self.message) % {**self.thresholds, **finding.params}


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    *,
    title: LazyString,
    message: LazyString,
    severity: Severity,
    ilo: Iterable[IloIndicator] = (),
    guide: Iterable[str] = (),
    thresholds: Mapping[str, Any] | None = None,
    explainer: Callable[[Finding], str] | None = None,
    reads_flags: bool = False,
) -> Callable[[Any], Any]:
    """Register a rule function under rule_id. With reads_flags, the function is a FlagCheck:
    it runs after every other rule and reads their flags (see engine.evaluate)."""

    def register(check: Any) -> Any:
        if rule_id in RULES:
            raise ValueError(f"duplicate rule id {rule_id}")
        RULES[rule_id] = Rule(
            id=rule_id,
            title=title,
            message=message,
            severity=severity,
            ilo=tuple(ilo),
            guide=tuple(guide),
            thresholds=MappingProxyType(dict(thresholds or {})),
            check=check,
            basis=" ".join((check.__doc__ or "").split()),
            explainer=explainer,
            reads_flags=reads_flags,
        )
        return check

    return register


def finding(
    rule_id: str,
    supplier_id: int | None,
    evidence: Mapping[str, Any],
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


# The rules register themselves when their modules are imported.
from . import answer_rules, composite_rules, screening_rules, structural_rules  # noqa: E402,F401
