"""The rules over what workers told the buyer: a report an officer confirmed raises a flag on
each supplier the case concerns, with the ILO indicators the officer confirmed; the anonymous
check-ins raise flags when enough workers of an employer give a sign of an indicator, when many
workers on a site do not know their employer, and when they contradict the employer's answer
about identity documents.

Workers' word is a second source of evidence beside the suppliers' own answers and the shape
of the chain (RiskInputs.worker_cases, loaded in inputs.py). A case counts once an officer has
confirmed its indicators: an unread report is not yet evidence, and the officer decides whether
the worker describes the supplier named.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from ..vocab import KEY_INDICATORS, Severity, Source
from ..vocab import IloIndicator as ILO
from ..voice import checkin
from ..voice.checkin import MIN_GROUP
from .findings import CheckInGroup, Finding, RiskInputs, SiteFacts
from .rules import N_, RULES, Translator, finding, rule

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
    source=Source.WORKERS,
    title=N_("A worker's report confirmed"),
    basis=N_(
        "What workers say happens to them, once an officer has confirmed it: high, and "
        "critical when it takes away the freedom to leave (ILO). The CSDDD and Germany's "
        "supply chain act ask for such a channel."
    ),
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


# --- the workers' check-ins -------------------------------------------------------------------

CHECK_IN = "worker-check-in"
UNKNOWN_EMPLOYER = "workers-unknown-employer"
CONTRADICTION = "workers-contradict-answers"


class Signal(NamedTuple):
    """A check-in question whose signs raise a flag, with its threshold and what to read."""

    threshold: str  # the key of the share of workers that raises the flag
    said: str  # what the workers said, for the flag's sentence (marked with N_)
    guide: tuple[str, ...]


SIGNALS: dict[str, Signal] = {
    "documents": Signal(
        "documents_share",
        N_("someone else keeps their passport or ID card"),
        ("identity-documents", "when-suspicions-arise"),
    ),
    "fees": Signal("fees_share", N_("they paid someone to get this job"), ("recruitment-fees",)),
    "paid": Signal(
        "unpaid_share",
        N_("they were not paid for all the hours they worked"),
        ("pay-and-deductions",),
    ),
    "threats": Signal(
        "threats_share", N_("someone has threatened them"), ("when-suspicions-arise",)
    ),
    "leave": Signal(
        "leave_share",
        N_("they cannot leave the job or their housing when they want"),
        ("housing-and-transport", "when-suspicions-arise"),
    ),
}


def _explain_check_in(found: Finding, tr: Translator) -> str:
    p = found.params
    return tr.gettext(
        "%(signs)d of the %(answered)d workers on the site %(site)s who named this supplier as "
        "their employer and answered the question said %(said)s (%(share)d%%; the flag is "
        "raised from %(threshold)d%%).",
        signs=p["signs"],
        answered=p["answered"],
        site=p["site"],
        said=tr.gettext(SIGNALS[p["question"]].said),
        share=p["share"],
        threshold=p["threshold"],
    )


@rule(
    CHECK_IN,
    severity=Severity.MEDIUM,
    source=Source.WORKERS,
    title=N_("Workers' check-ins point to forced labour"),
    basis=N_(
        "What at least five workers of one employer on one site answer in the anonymous "
        "check-in: when enough of them give a sign of an ILO indicator, the employer is "
        "flagged. One worker in ten without their passport is already grave."
    ),
    message=N_(
        "The workers who named this supplier as their employer report a sign of forced labour."
    ),
    explain=_explain_check_in,
    # each flag carries its own question's indicator and guide sections; the rule lists them all
    ilo=tuple(checkin.BY_ID[question_id].indicator for question_id in SIGNALS),
    guide=tuple(dict.fromkeys(g for signal in SIGNALS.values() for g in signal.guide)),
    thresholds={
        "documents_share": 0.1,
        "fees_share": 0.2,
        "unpaid_share": 0.2,
        "threats_share": 0.1,
        "leave_share": 0.1,
    },
)
def worker_check_ins(inputs: RiskInputs, t: Mapping[str, Any]) -> Iterator[Finding]:
    """What the workers of one employer on one site answer in the anonymous check-in, once at
    least five of them have (voice.checkin.MIN_GROUP: a smaller group could be traced to the
    people in it): a share of them at or above the threshold giving a sign of an indicator
    raises a flag on the employer, high for the indicators that take away the freedom to leave
    (ILO, Hard to see, harder to count, 2012). The shares are lower for those indicators, as
    one worker in ten without their passport is already grave."""
    for group in inputs.check_ins:
        site = inputs.sites.get(group.site_id)
        if site is None or group.supplier_id not in inputs.suppliers or not group.tally.shown:
            continue
        for question_id, signal in SIGNALS.items():
            share, threshold = group.tally.share(question_id), t[signal.threshold]
            if share == 0 or share < threshold:
                continue
            indicator = checkin.BY_ID[question_id].indicator
            yield Finding(
                rule=CHECK_IN,
                supplier_id=group.supplier_id,
                severity=Severity.HIGH if indicator in KEY_INDICATORS else Severity.MEDIUM,
                evidence={"facts": {"site": site.name}},
                params={
                    "site": site.name,
                    "question": question_id,
                    "signs": group.tally.signs(question_id),
                    "answered": sum(group.tally.counts[question_id].values()),
                    "share": round(share * 100),
                    "threshold": round(threshold * 100),
                },
                indicator=f"{CHECK_IN}-{question_id}",
                ilo=(indicator,),
                guide=signal.guide,
            )


def _explain_unknown(found: Finding, tr: Translator) -> str:
    p = found.params
    return tr.gettext(
        "%(unknown)d of the %(answered)d workers who checked in on the site %(site)s do not know "
        "who their employer is (%(share)d%%; the flag is raised from %(threshold)d%%). This "
        "supplier heads the site's chain: ask it who employs each worker there.",
        **p,
    )


@rule(
    UNKNOWN_EMPLOYER,
    severity=Severity.MEDIUM,
    source=Source.WORKERS,
    title=N_("Workers do not know their employer"),
    basis=N_(
        "A worker who cannot name the employer has no one to claim wages from: it is how "
        "undeclared subcontracting and bogus self-employment look from below. The suppliers "
        "heading the site's chain answer for who works under them."
    ),
    message=N_("Many workers on a site of this supplier do not know who employs them."),
    explain=_explain_unknown,
    ilo=(ILO.DECEPTION,),
    guide=("subcontracting", "worker-contracts"),
    thresholds={"unknown_share": 0.25},
)
def workers_unknown_employer(inputs: RiskInputs, t: Mapping[str, Any]) -> Iterator[Finding]:
    """A worker who cannot name the employer has no contract to hold anyone to and no one to
    claim wages from: it is how undeclared subcontracting and bogus self-employment look from
    below. When a share of a site's workers (five at least checked in) say they do not know
    who employs them, the suppliers heading the site's chain (placed on the site, with no one
    above them placed there) are flagged: they answer for who works under them."""
    groups: dict[int, list[CheckInGroup]] = {}
    for group in inputs.check_ins:
        groups.setdefault(group.site_id, []).append(group)
    for site_id, site_groups in groups.items():
        site = inputs.sites.get(site_id)
        answered = sum(g.tally.answered for g in site_groups)
        unknown = sum(g.tally.answered for g in site_groups if g.supplier_id is None)
        if site is None or answered < MIN_GROUP or unknown == 0:
            continue
        if unknown / answered < t["unknown_share"]:
            continue
        for head in _heads(inputs, site):
            yield finding(
                UNKNOWN_EMPLOYER,
                head,
                {"facts": {"site": site.name}},
                site=site.name,
                unknown=unknown,
                answered=answered,
                share=round(unknown / answered * 100),
                threshold=round(t["unknown_share"] * 100),
            )


def _heads(inputs: RiskInputs, site: SiteFacts) -> list[int]:
    """The site's suppliers with no supplier above them (on their path from the organisation)
    also placed on the site."""
    placed = set(site.suppliers)
    return [s for s in site.suppliers if not placed.intersection(inputs.path_to(s)[:-1])]


# The answers in which a supplier says its workers keep their own identity documents.
SAYS_WORKERS_KEEP_DOCUMENTS = (("identity_documents", "workers"),)
_RETENTION = ILO.RETENTION_OF_IDENTITY_DOCUMENTS.value


def _explain_contradiction(found: Finding, tr: Translator) -> str:
    p = found.params
    parts = [tr.gettext("It answered that its workers always keep their own documents.")]
    if p["sites"]:
        parts.append(
            tr.gettext(
                "Its workers who checked in on %(sites)s say someone else keeps theirs.",
                sites=", ".join(p["sites"]),
            )
        )
    if p["cases"]:
        parts.append(
            tr.gettext(
                "An officer confirmed a worker's report that documents are kept (case %(cases)s).",
                cases=", ".join(str(c) for c in p["cases"]),
            )
        )
    parts.append(tr.gettext("One of the two is wrong: find out which at the site."))
    return " ".join(parts)


@rule(
    CONTRADICTION,
    severity=Severity.HIGH,
    source=Source.WORKERS,
    title=N_("The workers contradict the supplier"),
    basis=N_(
        "A supplier that answers that its workers keep their own passports while its workers "
        "say otherwise is high on its own: either the answer is false, or the supplier does "
        "not know what happens to its workers."
    ),
    message=N_(
        "The supplier says its workers keep their own documents; its workers say otherwise."
    ),
    explain=_explain_contradiction,
    ilo=(ILO.RETENTION_OF_IDENTITY_DOCUMENTS,),
    guide=("identity-documents", "workplace-assessment", "when-suspicions-arise"),
    thresholds={"documents_share": 0.1},
)
def workers_contradict_answers(inputs: RiskInputs, t: Mapping[str, Any]) -> Iterator[Finding]:
    """A supplier that answers that its workers keep their own passports while its workers say
    otherwise (a check-in group of five or more at or above the share, or a report an officer
    confirmed as retention of documents) is high on its own: either the answer is false or the
    supplier does not know what happens to its workers, and coached answers are what deceive
    audits (facts.md section 10.5). The answer is quoted in the flag."""
    said: dict[int, list[dict[str, Any]]] = {}
    for supplier_id, response in inputs.responses.items():
        for question_id, answer in SAYS_WORKERS_KEEP_DOCUMENTS:
            if response.answers.get(question_id) == answer:
                quote = {
                    "questionnaire": response.questionnaire.id,
                    "version": response.questionnaire.version,
                    "question": question_id,
                    "answer": answer,
                }
                said.setdefault(supplier_id, []).append(quote)
    sites: dict[int, list[str]] = {}
    for group in inputs.check_ins:
        site = inputs.sites.get(group.site_id)
        if site is None or group.supplier_id not in said or not group.tally.shown:
            continue
        share = group.tally.share("documents")
        if share > 0 and share >= t["documents_share"]:
            sites.setdefault(group.supplier_id, []).append(site.name)
    for supplier_id, quotes in said.items():
        cases = [
            case.case
            for case in inputs.worker_cases.get(supplier_id, ())
            if _RETENTION in case.indicators
        ]
        found_on = sites.get(supplier_id, [])
        if not found_on and not cases:
            continue
        facts: dict[str, Any] = {}
        if found_on:
            facts["site"] = ", ".join(found_on)
        if cases:
            facts["worker_case"] = ", ".join(str(c) for c in cases)
        yield finding(
            CONTRADICTION,
            supplier_id,
            {"answers": quotes, "facts": facts},
            sites=found_on,
            cases=cases,
        )
