"""Rules over the other rules' flags: what several signals about one supplier mean together.

They run in the engine's second pass (reads_flags) and read the first pass's FlagSet; their
evidence names the flags that make them, by fingerprint, so that the same chain and answers
always give the same flag.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..vocab import KEY_INDICATORS, Severity, Source
from ..vocab import IloIndicator as ILO
from .findings import Finding, RiskInputs
from .flagset import FlagSet
from .rules import N_, RULES, Translator, rule

FORCED_LABOUR = "possible-forced-labour"
# Fixed, not a threshold an organisation can raise: it decides when to call the authorities.
MIN_INDICATORS = 3
GUIDE = ("when-suspicions-arise", "ilo-indicators")
# Enum properties are slow, and a large chain's answers raise many flags: looked up once.
_ILO_ORDER = tuple(ILO)
_ILO_VALUE = {x: x.value for x in ILO}
_VALUE = {s: s.value for s in Severity}
_RANK = {s: -s.rank for s in Severity}  # the gravest first


def _explain_forced_labour(found: Finding, tr: Translator) -> str:
    critical, indicators = found.params["critical"], found.params["indicators"]
    parts = [tr.gettext("Possible forced labour.")]
    if critical:
        parts.append(
            tr.ngettext(
                "One of this supplier's answers is critical.",
                "%(num)d of this supplier's answers are critical.",
                critical,
            )
        )
    if indicators:
        names = ", ".join(tr.ilo_name(ILO(i)) for i in indicators)
        parts.append(
            tr.ngettext(
                "Its answers show %(num)d ILO indicator of forced labour: %(names)s.",
                "Its answers show %(num)d ILO indicators of forced labour: %(names)s.",
                len(indicators),
                names=names,
            )
        )
    parts.append(tr.gettext("Act on it now, as the guide says for when suspicions arise."))
    return " ".join(parts)


@rule(
    FORCED_LABOUR,
    severity=Severity.CRITICAL,
    source=Source.ANSWERS,
    title=N_("Possible forced labour"),
    basis=N_(
        "Several ILO indicators of forced labour together, or answers that are critical on "
        "their own, call for action: the ILO says one indicator may be enough, and several "
        "call for the authorities. Only the supplier's own answers count here."
    ),
    message=N_("Possible forced labour: several signals of forced labour meet at this supplier."),
    explain=_explain_forced_labour,
    guide=GUIDE,
    reads_flags=True,
)
def possible_forced_labour(
    inputs: RiskInputs, t: Mapping[str, Any], flags: FlagSet
) -> Iterator[Finding]:
    """One critical flag on a supplier whose answers are critical, or show three or more
    different ILO indicators of forced labour including the retention of identity documents,
    intimidation and threats, restriction of movement or debt bondage. The ILO says one
    indicator may be enough and others need several together; the Danish anti-trafficking
    centre's guide says several indicators call for the authorities. Only flags that quote the
    supplier's answers count: a structural rule's indicators name what a risk factor (an
    agency, a foreign company, a sector) may lead to, not what happens to workers."""
    suppliers, severities, critical_level = flags.suppliers, flags.severities, Severity.CRITICAL
    by_supplier: dict[int, list[int]] = {}
    for i in flags.quoting_answers():
        supplier = suppliers[i]
        if supplier is None or RULES[flags.rules[i]].source is not Source.ANSWERS:
            continue  # the answers themselves, not a contradiction that quotes one
        if severities[i] is critical_level or flags.ilo_of(i):
            by_supplier.setdefault(supplier, []).append(i)
    for supplier_id in sorted(by_supplier):
        made = by_supplier[supplier_id]
        critical = sum(1 for i in made if severities[i] is critical_level)
        found = {x for i in made for x in flags.ilo_of(i)}
        if not critical and not (len(found) >= MIN_INDICATORS and found & KEY_INDICATORS):
            continue
        indicators = tuple(x for x in _ILO_ORDER if x in found)
        made.sort(key=lambda i: (_RANK[severities[i]], flags.fingerprints[i]))
        linked = [  # the linked flags as they were stored: evidence read back from its JSON
            {
                "fingerprint": flags.fingerprints[i],
                "rule": flags.rules[i],
                "indicator": flags.indicators[i],
                "severity": _VALUE[severities[i]],
                "ilo": [_ILO_VALUE[x] for x in flags.ilo_of(i)],
                "evidence": flags[i].evidence,
            }
            for i in made
        ]
        yield Finding(
            rule=FORCED_LABOUR,
            supplier_id=supplier_id,
            severity=Severity.CRITICAL,
            params={"critical": critical, "indicators": [_ILO_VALUE[x] for x in indicators]},
            evidence={"flags": linked},
            indicator=FORCED_LABOUR,
            ilo=indicators,
            guide=GUIDE,
        )
