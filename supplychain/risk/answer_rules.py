"""Flags from answers: every risk annotation that a supplier's submitted answer meets, and
answers read against reference figures (pay below the legal minimum wage).

The questionnaire files say which answers signal risk (indicator, severity, ILO indicator,
guide section and a sentence in every language), so new questions need no new code; this one
rule turns them into flags, each with the answer quoted as evidence.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from ..questionnaires.evaluation import triggered_risks, visible_ids
from ..questionnaires.schema import note_id
from ..vocab import Severity, Source
from .findings import Finding, RiskInputs
from .rules import N_, Translator, finding, rule


def _explain_answer(found: Finding, tr: Translator) -> str:
    """The annotation's own sentence (or the question) in the language in force."""
    texts: Mapping[str, str] = found.params["explanation"]
    return texts.get(tr.language) or texts.get("en") or next(iter(texts.values()))


@rule(
    "answer",
    severity=Severity.MEDIUM,
    source=Source.ANSWERS,
    title=N_("Risk shown by an answer"),
    basis=N_(
        "The supplier's own answers, read against what the questionnaire marks as a sign of "
        "risk: recruitment fees, documents kept by someone else, cash pay, long hours, "
        "deductions for housing, no contract in the worker's language, no way to complain."
    ),
    message=N_("An answer in the questionnaire signals a risk."),
    explain=_explain_answer,
    guide=("screening",),
)
def risky_answers(inputs: RiskInputs, t: Mapping[str, Any]) -> Iterator[Finding]:
    """The supplier's own answers, read against the annotations of the questionnaire version
    it answered: recruitment fees, retained documents, cash pay, long hours, employer housing
    with deductions, no contract in the worker's language, no grievance channel and more."""
    for supplier_id, response in inputs.responses.items():
        questionnaire = response.questionnaire
        for hit in triggered_risks(questionnaire, response.answers):
            annotation = hit.annotation
            source = annotation.explanation or hit.question.text
            quoted = [(hit.question.id, hit.answer)]
            note = response.answers.get(note_id(hit.question.id))
            if note:  # the supplier's own explanation of the answer travels with it
                quoted.append((note_id(hit.question.id), note))
            yield Finding(
                rule="answer",
                supplier_id=supplier_id,
                severity=annotation.severity,
                evidence={
                    "answers": [
                        {
                            "questionnaire": questionnaire.id,
                            "version": questionnaire.version,
                            "question": question_id,
                            "answer": answer,
                        }
                        for question_id, answer in quoted
                    ]
                },
                params={"explanation": dict(source.root)},
                indicator=annotation.indicator,
                ilo=tuple(annotation.ilo),
                guide=tuple(annotation.guide),
            )


# Questions whose answer is the lowest gross hourly wage of a worker on the buyer's work.
HOURLY_WAGE_QUESTIONS = ("hourly_rate",)

_WAGE_REASONS = {
    "statutory": N_(
        "The lowest hourly pay it reports, %(rate)s EUR gross, is below the statutory minimum "
        "wage in %(country)s in every month (%(floor)s EUR an hour): workers on your contract "
        "are paid less than the law allows."
    ),
    "statutory-most-months": N_(
        "The lowest hourly pay it reports, %(rate)s EUR gross, is below the statutory minimum "
        "hourly wage in %(country)s in most months (%(floor)s EUR on average): unless these "
        "workers are paid a full monthly minimum wage, they are paid less than the law allows."
    ),
    "sector": N_(
        "The lowest hourly pay it reports, %(rate)s EUR gross, is below the minimum wage that "
        "binds its sector in %(country)s (%(floor)s EUR an hour): workers on your contract are "
        "likely paid less than they are owed."
    ),
}


def _explain_wage(found: Finding, tr: Translator) -> str:
    params = found.params
    return tr.gettext(_WAGE_REASONS[params["reason"]]) % params


@rule(
    "pay-below-minimum",
    severity=Severity.CRITICAL,
    source=Source.ANSWERS,
    title=N_("Pay below the legal minimum wage"),
    basis=N_(
        "Underpayment is the most common form of labour exploitation (HEUNI toolkit). The "
        "lowest hourly wage the supplier reports is compared with the legal minimum of the "
        "country where the work is done, or with a sector minimum that binds the supplier."
    ),
    message=_WAGE_REASONS["statutory"],
    explain=_explain_wage,
    guide=("pay-and-deductions", "workplace-assessment"),
)
def pay_below_minimum(inputs: RiskInputs, t: Mapping[str, Any]) -> Iterator[Finding]:
    """Underpayment is the most common form of labour exploitation (HEUNI toolkit) and a breach
    of labour law, though not by itself one of the ILO's indicators of forced labour
    (withholding of wages is pay kept back, not low pay), so none is named. The supplier's
    answer on the lowest gross hourly wage is compared with the minimum hourly wage, without the
    employer's contributions, of the country where the work is done: the work country of the
    links to the supplier, else the organisation's own (a posted worker is owed the host
    country's minimum; with several countries, the most severe test and then the highest floor
    speaks). Critical below the statutory minimum in every month; high below a sector floor that
    binds the supplier's NACE sector, or below the statutory minimum of most months (where it is
    the monthly minimum over each month's normal hours). Figures, sources and dates:
    supplychain/data/labour_costs.yaml. Countries covered: those with a statutory minimum wage
    there (LV, LT, EE, PL, BG, RO, DE, NL, CZ, HU); a sector floor for Latvian construction; no
    flag where no floor is known (FI, SE, DK, NO, others)."""
    today = inputs.now.date()
    countries = _work_countries(inputs)
    for supplier_id, response in inputs.responses.items():
        found = _wage_answer(response)
        if found is None:
            continue
        question_id, answer, rate = found
        sector = inputs.suppliers[supplier_id].sector if supplier_id in inputs.suppliers else ""
        tests = [
            (country, test)
            for country in sorted(countries.get(supplier_id) or {inputs.home_country})
            if (test := _wage_test(country, rate, sector, today)) is not None
        ]
        if not tests:
            continue
        # Work in several countries: the test failed by the widest margin speaks.
        country, (reason, level, amount, figure) = max(
            tests, key=lambda found: (found[1][1].rank, found[1][2])
        )
        facts = _wage_facts(rate, amount, country, figure)
        quoted = {
            "questionnaire": response.questionnaire.id,
            "version": response.questionnaire.version,
            "question": question_id,
            "answer": answer,
        }
        yield finding(
            "pay-below-minimum",
            supplier_id,
            {"answers": [quoted], "facts": facts},
            level,
            reason=reason,
            rate=facts["hourly_rate_eur"],
            floor=facts["wage_floor_eur"],
            country=country,
        )


def _wage_facts(rate: Decimal, floor: Decimal, country: str, figure: Any) -> dict[str, Any]:
    """The evidence of a wage below a floor: both amounts and the figure's source and dates."""
    facts: dict[str, Any] = {
        "hourly_rate_eur": str(rate),
        "wage_floor_eur": str(floor.quantize(Decimal("0.01"))),
        "country": country,
    }
    if hasattr(figure, "nace"):  # a sector floor
        facts["floor_nace"] = figure.nace
    return facts | {
        "source": figure.source,
        "valid_from": figure.valid_from.isoformat() if figure.valid_from else None,
        "valid_to": figure.valid_to.isoformat() if figure.valid_to else None,
        "checked": figure.checked.isoformat(),
    }


def _work_countries(inputs: RiskInputs) -> dict[int, set[str]]:
    """Where each supplier works: the work countries of the links to it."""
    from .structural_rules import work_country

    found: dict[int, set[str]] = {}
    for (_parent, child), link in inputs.links.items():
        found.setdefault(child, set()).add(work_country(inputs, link))
    return found


def _wage_test(
    country: str, rate: Decimal, sector: str, today: Any
) -> tuple[str, Severity, Decimal, Any] | None:
    """(reason, severity, floor, figure) where rate is below a floor of country, else None."""
    from ..reference.risk_factors import labour_costs

    cost = labour_costs().get(country)
    if cost is None or not cost.in_force(today) or cost.hourly_wage_eur is None:
        return None
    average = cost.hourly_wage_eur
    lowest = cost.lowest_hourly_wage_eur or average
    floor = next((f for f in cost.sector_floors if f.applies(sector, today)), None)
    if rate < lowest:
        return "statutory", Severity.CRITICAL, lowest, cost
    if floor is not None and rate < floor.hourly_wage_eur:
        return "sector", Severity.HIGH, floor.hourly_wage_eur, floor
    if rate < average:
        return "statutory-most-months", Severity.HIGH, average, cost
    return None


def _wage_answer(response: Any) -> tuple[str, Any, Decimal] | None:
    """The answered, shown hourly wage question of a response: (id, answer, rate in EUR)."""
    answers = response.answers
    shown = visible_ids(response.questionnaire, answers)
    for question_id in HOURLY_WAGE_QUESTIONS:
        answer = answers.get(question_id)
        if question_id not in shown or answer is None or answer == "" or isinstance(answer, bool):
            continue
        try:
            rate = Decimal(str(answer))
        except ArithmeticError:
            continue
        if rate.is_finite() and rate >= 0:
            return question_id, answer, rate
    return None
