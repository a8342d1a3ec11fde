"""The rule over what workers told the buyer: a report an officer confirmed raises a flag on
each supplier the case concerns, with the ILO indicators the officer confirmed.

Workers' word is a second source of evidence beside the suppliers' own answers and the shape
of the chain (RiskInputs.worker_cases, loaded in inputs.py). A case counts once an officer has
confirmed its indicators: an unread report is not yet evidence, and the officer decides whether
the worker describes the supplier named.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..vocab import KEY_INDICATORS, Severity
from ..vocab import IloIndicator as ILO
from .findings import Finding, RiskInputs
from .rules import N_, RULES, Translator, rule

WORKER_REPORT = "worker-report"
_KEY = frozenset(i.value for i in KEY_INDICATORS)


def _explain_report(found: Finding, tr: Translator) -> str:
    names = ", ".join(tr.ilo_name(ILO(i)) for i in found.params["indicators"])
    return tr.gettext(
        "A worker on the site %(site)s reported what an officer confirmed as %(names)s "
        "(case %(case)d).",
        site=found.params["site"],
        names=names,
        case=found.params["case"],
    )


@rule(
    WORKER_REPORT,
    severity=Severity.HIGH,
    title=N_("A worker's report confirmed"),
    message=N_("A worker's report about this supplier was confirmed by an officer."),
    explain=_explain_report,
    guide=("when-suspicions-arise", "ilo-indicators"),
)
def worker_report(inputs: RiskInputs, t: Mapping[str, Any]) -> Iterator[Finding]:
    """What workers say happens to them, once an officer has confirmed it: high, and critical
    when an indicator that takes away the freedom to leave is among them (retained documents,
    threats, restricted movement, debt bondage; ILO, Hard to see, harder to count, 2012). The
    CSDDD (Art. 14) and Germany's LkSG (section 8) ask for such a channel; its flags carry the
    case's own indicators."""
    registered = RULES[WORKER_REPORT]
    for supplier_id, cases in inputs.worker_cases.items():
        for case in cases:
            grave = bool(_KEY & set(case.indicators))
            yield Finding(
                rule=WORKER_REPORT,
                supplier_id=supplier_id,
                severity=Severity.CRITICAL if grave else Severity.HIGH,
                evidence={"facts": {"worker_case": case.case, "site": case.site}},
                params=case._asdict(),
                indicator=WORKER_REPORT,
                ilo=tuple(ILO(i) for i in case.indicators),
                guide=registered.guide,
            )
