"""The rule over a supplier's screening checks: a failed item, or one whose check ran out.

It reads the latest check of each item (RiskInputs.screening, loaded in inputs.py with each
item's state on the run's day) and claims no ILO indicator: a missing register entry or a tax
debt is a risk factor, not a sign of what happens to workers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..vocab import Severity
from .findings import Finding, RiskInputs
from .rules import finding, rule


@rule(
    "screening-check",
    severity=Severity.HIGH,
    guide=("screening",),
)
def screening_check(inputs: RiskInputs, t: Mapping[str, Any]) -> Iterator[Finding]:
    """What the officer found in the partner's registers and documents (its country's screening
    pack): a failed item is high, and an item whose check is past its validity is medium until
    it is checked again (HEUNI toolkit, screening tool; the Finnish Contractor's Liability Act
    has documents renewed; the validity of each item and these severities are our own choice
    where the pack says so)."""
    for supplier_id, checks in inputs.screening.items():
        for check in checks:
            if check.state not in ("failed", "expired"):
                continue
            severity = Severity.HIGH if check.state == "failed" else Severity.MEDIUM
            evidence = {
                "facts": {
                    "screening_item": f"{check.pack}/{check.item}",
                    "result": check.result,
                    "checked_on": check.checked_on,
                    "checked_by": check.checked_by,
                    "valid_until": check.valid_until,
                }
            }
            yield finding(
                "screening-check",
                supplier_id,
                evidence,
                severity,
                **check._asdict(),
            )
