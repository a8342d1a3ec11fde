"""An organisation's risk settings: the thresholds of the rules, read from what an admin typed
and checked against each default, and the organisation's own country."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from sqlmodel import Session

from .. import audit
from ..models import Organisation
from ..numbers import parse_decimal, parse_integer
from ..validation import check_country
from . import texts
from .freshness import RISK_SETTINGS_UPDATED
from .rules import RULES


def threshold_rows(
    current: Mapping[str, Mapping[str, Any]],
) -> list[tuple[str, str, list[tuple[str, Any, Any]]]]:
    """(rule id, title, [(key, value, default)]) of every rule with thresholds."""
    return [
        (
            rid,
            str(texts.title(rid)),
            [(k, current.get(rid, {}).get(k, d), d) for k, d in rule.thresholds.items()],
        )
        for rid, rule in RULES.items()
        if rule.thresholds
    ]


def read(form: Mapping[str, str]) -> tuple[dict[str, dict[str, Any]], str, dict[str, str]]:
    """The thresholds typed in form (only those that differ from the defaults), the country
    (an ISO code, or "") and the errors by field name."""
    values, errors = _read_thresholds(form)
    found: dict[str, Any] = {}
    country = check_country(found, "country", form.get("country", ""), required=False)
    errors.update((k, str(v)) for k, v in found.items())
    return values, country, errors


def save(
    session: Session,
    organisation: Organisation,
    thresholds: dict[str, Any],
    country: str,
    user_id: int | None,
) -> None:
    """Keep the thresholds and the country; a change is audited (it makes the latest
    assessment out of date, see risk.freshness)."""
    before = (organisation.risk_thresholds or {}, organisation.country or "")
    if before == (thresholds, country):
        return
    organisation.risk_thresholds, organisation.country = thresholds, country
    session.add(organisation)
    assert organisation.id is not None  # a stored organisation
    audit.record(
        session,
        organisation_id=organisation.id,
        user_id=user_id,
        action=RISK_SETTINGS_UPDATED,
        obj=organisation,
        thresholds=json.dumps(thresholds, sort_keys=True),
        country=country,
        country_before=before[1],
    )


def _read_thresholds(form: Mapping[str, str]) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Thresholds typed by an admin, checked against each default's type and range."""
    values: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    for rid, rule in RULES.items():
        for key, default in rule.thresholds.items():
            name = f"{rid}.{key}"
            raw = form.get(name, "").strip()
            try:  # a share is a fraction of 1, a count a whole number; NumberError is a ValueError
                if isinstance(default, float):
                    value: Any = float(parse_decimal(raw, digits=1, places=6))
                else:
                    value = parse_integer(raw, digits=9)
                if value < 0 or (isinstance(default, float) and value > 1):
                    raise ValueError
            except ValueError:
                errors[name] = _("Enter a number like %(example)s.", example=default)
                continue
            if value != default:
                values.setdefault(rid, {})[key] = value
    return values, errors
