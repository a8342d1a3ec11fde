"""What each rule is called and how its flags read: the presenters' side of the rules.

The rules (rules.py and the *_rules modules) are pure and never translate; their titles and
sentences live here, keyed by rule id, and are translated only when a page, the report, the
API or the CLI shows a flag. The English text is the catalogue's msgid, so it must not change
without its Latvian translation. A rule added to the registry needs an entry here (a test
walks both).

A text is a title, a message filled with the finding's params (and the rule's default
thresholds), and where one sentence does not fit all of a rule's flags, an explainer that
writes the sentence from the finding.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..ilo import NAMES as ILO_NAMES
from ..screening.packs import shipped
from ..vocab import IloIndicator
from .findings import Finding
from .rules import RULES


class RuleText(NamedTuple):
    title: Any  # a lazy string: translated when shown
    message: Any  # the flag's sentence, filled with the finding's params
    explainer: Callable[[Finding], str] | None = None  # when one sentence does not fit all


def title(rule_id: str) -> Any:
    """The rule's title, a lazy string (str() translates it into the language in force)."""
    return TEXTS[rule_id].title


def explain(finding: Finding, thresholds: Mapping[str, Any] | None = None) -> str:
    """The flag's sentence in the language in force; thresholds: the rule's defaults, if not
    given."""
    text = TEXTS[finding.rule]
    if text.explainer is not None:
        return text.explainer(finding)
    if thresholds is None:
        thresholds = RULES[finding.rule].thresholds
    return str(text.message) % {**thresholds, **finding.params}


# -- structural rules ------------------------------------------------------------------------

_PASS_THROUGH = _l(
    "This company has almost no workers of its own on the contract: its subcontractors "
    "(%(children)d) do the work. It may be a letterbox between you and the real employer."
)
_DECLARED_FEWER = _l(
    "It declared %(declared)d workers on the contract, yet its subcontractors alone bring "
    "%(workers_out)d."
)


def _explain_pass_through(found: Finding) -> str:
    params = found.params
    text = str(_PASS_THROUGH) % params
    if "declared" in params and params["declared"] < params["workers_out"]:
        text += " " + str(_DECLARED_FEWER) % params
    return text


_WHAT = {"subcontractors": _l("subcontractors"), "agencies": _l("agencies or labour providers")}
_REASONS = {
    "none-named": _l("It says it uses %(what)s but names none."),
    "denied": _l("It says it uses no %(what)s, yet your chain shows %(n)d below it."),
    "missing": _l("Your chain shows %(n)d more %(what)s below it than it named."),
}


def _explain_disclosure(found: Finding) -> str:
    params = found.params
    return str(_REASONS[params["reason"]]) % {"what": _WHAT[params["kind"]], "n": params["n"]}


_UNKNOWN = {
    "subcontractors": _l(
        "This company named %(name)s as a subcontractor, a link that is not on your map: "
        "subcontracting you did not know of. Hold new work there and check the site, then "
        "confirm or reject the link."
    ),
    "agencies": _l(
        "This company named %(name)s as an agency supplying it with workers, a link that is not "
        "on your map: labour you did not know of. Hold new work there and check the site, then "
        "confirm or reject the link."
    ),
}


def _explain_unknown(found: Finding) -> str:
    return str(_UNKNOWN[found.params["what"]]) % found.params


_SECTOR_MESSAGE = _l(
    "This company works in %(label)s, a sector where labour exploitation is found most often."
)


def _explain_sector(found: Finding) -> str:
    labels = found.params["labels"]
    return str(_SECTOR_MESSAGE) % {"label": labels.get(str(get_locale())) or labels["en"]}


STRUCTURAL = {
    "chain-depth": RuleText(
        _l("Work passed far down the chain"),
        _l(
            "The work reaches this company only at tier %(tier)d: it was passed on %(passes)d "
            "times, and each step makes it harder to see who employs the workers."
        ),
    ),
    "labour-hire": RuleText(
        _l("Workers supplied by an agency"),
        _l(
            "Workers reach your work through a temporary-work agency or other intermediary: "
            "migrant and temporary staff hired this way are the most exposed to exploitation."
        ),
    ),
    "labour-hire-deep": RuleText(
        _l("Agency workers deep in the chain"),
        _l(
            "Agency workers enter the chain at tier %(tier)d, below your direct suppliers, "
            "where you see least of how they were recruited and are paid."
        ),
    ),
    "intermediary-chain": RuleText(
        _l("Labour passed between intermediaries"),
        _l(
            "Workers pass through %(count)d intermediaries before they reach the work: an "
            "agency supplying an agency, or hired labour passed on again. Each step can take a "
            "fee from the workers and blur who their employer is."
        ),
    ),
    "chain-cycle": RuleText(
        _l("Companies subcontracting to each other in a loop"),
        _l(
            "This company is on a loop of %(size)d companies that subcontract to each other. "
            "Work that goes round in circles hides who really does it and who pays the workers."
        ),
    ),
    "pass-through": RuleText(
        _l("Passes the work on without doing it"), _PASS_THROUGH, _explain_pass_through
    ),
    "undisclosed-subcontracting": RuleText(
        _l("Subcontracting not disclosed"), _REASONS["none-named"], _explain_disclosure
    ),
    "unknown-subcontracting": RuleText(
        _l("Subcontracting you did not know of"), _UNKNOWN["subcontractors"], _explain_unknown
    ),
    "no-response": RuleText(
        _l("Questionnaire not answered"),
        _l(
            "The questionnaire sent to this company was due on %(deadline)s and has not been "
            "answered. Silence is itself a warning sign."
        ),
    ),
    "unassessed": RuleText(
        _l("Never asked"),
        _l("This company has not been sent a questionnaire: nothing is known of how it works."),
    ),
    "labour-cost-below-minimum": RuleText(
        _l("Price below the legal cost of the labour"),
        _l(
            "The contract pays %(per_hour)s EUR an hour of labour, less than the legal minimum "
            "cost of an hour's work in %(country)s (%(minimum)s EUR with the employer's "
            "contributions). Someone in the chain is likely underpaid."
        ),
    ),
    "high-risk-sector": RuleText(
        _l("Works in a high-risk sector"), _SECTOR_MESSAGE, _explain_sector
    ),
    "cross-border": RuleText(
        _l("Workers from another country"),
        _l(
            "This company from %(country)s works for a company in %(buyer_country)s: workers "
            "posted or hired across a border often do not know local pay and rights."
        ),
    ),
}


# -- rules over answers ----------------------------------------------------------------------


def _explain_answer(found: Finding) -> str:
    texts: Mapping[str, str] = found.params["explanation"]
    return texts.get(str(get_locale())) or texts.get("en") or next(iter(texts.values()))


_WAGE_REASONS = {
    "statutory": _l(
        "The lowest hourly pay it reports, %(rate)s EUR gross, is below the statutory minimum "
        "wage in %(country)s in every month (%(floor)s EUR an hour): workers on your contract "
        "are paid less than the law allows."
    ),
    "statutory-most-months": _l(
        "The lowest hourly pay it reports, %(rate)s EUR gross, is below the statutory minimum "
        "hourly wage in %(country)s in most months (%(floor)s EUR on average): unless these "
        "workers are paid a full monthly minimum wage, they are paid less than the law allows."
    ),
    "sector": _l(
        "The lowest hourly pay it reports, %(rate)s EUR gross, is below the minimum wage that "
        "binds its sector in %(country)s (%(floor)s EUR an hour): workers on your contract are "
        "likely paid less than they are owed."
    ),
}


def _explain_wage(found: Finding) -> str:
    params = found.params
    return str(_WAGE_REASONS[params["reason"]]) % params


ANSWERS = {
    "answer": RuleText(
        _l("Risk shown by an answer"),
        _l("An answer in the questionnaire signals a risk."),
        _explain_answer,
    ),
    "pay-below-minimum": RuleText(
        _l("Pay below the legal minimum wage"), _WAGE_REASONS["statutory"], _explain_wage
    ),
}


# -- rules over other flags ------------------------------------------------------------------


def _explain_forced_labour(found: Finding) -> str:
    critical, indicators = found.params["critical"], found.params["indicators"]
    parts = [_("Possible forced labour.")]
    if critical:
        parts.append(
            ngettext(
                "One of this supplier's answers is critical.",
                "%(num)d of this supplier's answers are critical.",
                critical,
            )
        )
    if indicators:
        names = ", ".join(str(ILO_NAMES[IloIndicator(i)]) for i in indicators)
        parts.append(
            ngettext(
                "Its answers show %(num)d ILO indicator of forced labour: %(names)s.",
                "Its answers show %(num)d ILO indicators of forced labour: %(names)s.",
                len(indicators),
                names=names,
            )
        )
    parts.append(_("Act on it now, as the guide says for when suspicions arise."))
    return " ".join(parts)


COMPOSITE = {
    "possible-forced-labour": RuleText(
        _l("Possible forced labour"),
        _l("Possible forced labour: several signals of forced labour meet at this supplier."),
        _explain_forced_labour,
    ),
}


# -- the rule over screening checks ----------------------------------------------------------


def _screening_item(pack_id: str, item_id: str) -> str:
    pack = shipped().by_id.get(pack_id)
    item = pack.item(item_id) if pack is not None else None
    return item.title.get(str(get_locale())) if item is not None else item_id


def _explain_screening(found: Finding) -> str:
    p = found.params
    values = {
        "item": _screening_item(p["pack"], p["item"]),
        "date": p["checked_on"],
        "by": p["checked_by"] or "—",
        "until": p["valid_until"],
    }
    if p["state"] == "failed":
        return _("The screening item %(item)s failed on %(date)s (checked by %(by)s).", **values)
    return _(
        "The check of the screening item %(item)s made on %(date)s (by %(by)s) was good until "
        "%(until)s: check it again.",
        **values,
    )


SCREENING = {
    "screening-check": RuleText(
        _l("Screening item failed or out of date"),
        _l("A screening item of this supplier failed or its check has run out."),
        _explain_screening,
    ),
}

TEXTS: dict[str, RuleText] = {**STRUCTURAL, **ANSWERS, **COMPOSITE, **SCREENING}
