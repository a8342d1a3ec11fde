"""The rule over a supplier's screening checks: a failed item, or one whose check ran out.

It reads the latest check of each item (RiskInputs.screening, loaded in inputs.py with each
item's state on the run's day) and claims no ILO indicator: a missing register entry or a tax
debt is a risk factor, not a sign of what happens to workers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..screening.packs import shipped
from ..vocab import Severity, Source
from .findings import Finding, RiskInputs
from .rules import N_, Translator, finding, rule


def screening_item_title(pack_id: str, item_id: str, language: str) -> str:
    """The item's title in the language, from the shipped packs; its id if it is no longer
    there."""
    pack = shipped().by_id.get(pack_id)
    item = pack.item(item_id) if pack is not None else None
    return item.title.get(language) if item is not None else item_id


def _explain_screening(found: Finding, tr: Translator) -> str:
    p = found.params
    values = {
        "item": screening_item_title(p["pack"], p["item"], tr.language),
        "date": p["checked_on"],
        "by": p["checked_by"] or "—",
        "until": p["valid_until"],
    }
    if p["state"] == "failed":
        return tr.gettext(
            "The screening item %(item)s failed on %(date)s (checked by %(by)s).", **values
        )
    return tr.gettext(
        "The check of the screening item %(item)s made on %(date)s (by %(by)s) was good until "
        "%(until)s: check it again.",
        **values,
    )


@rule(
    "screening-check",
    severity=Severity.HIGH,
    source=Source.CHECKS,
    title=N_("Screening item failed or out of date"),
    basis=N_(
        "What the officer found in the partner's registers and documents: a failed item is "
        "high, and a check past its validity is medium until it is checked again (HEUNI "
        "toolkit, screening tool)."
    ),
    message=N_("A screening item of this supplier failed or its check has run out."),
    explain=_explain_screening,
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
