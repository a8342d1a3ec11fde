"""Rules that read the shape of the chain: how deep work goes, where agencies supply labour,
loops, pass-through companies, silence, prices and borders.

Thresholds are defaults an organisation can change. The sources behind them are summarised in
docs/risk.md; where a number is our own choice, the docstring says so.

The shape of a chain, a price or a border is a risk factor: it says where exploitation is more
likely, not what happens to workers. These rules therefore claim no ILO indicator; indicators
come from answers that say what happens to workers (answer_rules, composite_rules).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..chain.graph import LABOUR_HIRE, ROOT
from ..vocab import Severity, Source
from .findings import Encoded, Finding, Findings, LinkFacts, RiskInputs, link_evidence, shared
from .rules import N_, Translator, finding, findings, rule

T = Mapping[str, Any]

if TYPE_CHECKING:
    from ..reference.risk_factors import LabourCost, SectorFloor

# A link's labour-cost floor: (work country, lowest lawful cost of a labour hour in EUR, the
# figure it comes from, the hours it rests on).
Floor = tuple[str, Decimal, "LabourCost | SectorFloor", dict[str, str]]


@rule(
    "chain-depth",
    severity=Severity.MEDIUM,
    source=Source.STRUCTURE,
    title=N_("Work passed far down the chain"),
    basis=N_(
        "Long subcontracting chains spread oversight thin and hide who is accountable (HEUNI "
        "toolkit). Some countries' construction law stops at the third level; medium from "
        "tier 3 and high from tier 4 is our default."
    ),
    message=N_(
        "The work reaches this company only at tier %(tier)d: it was passed on %(passes)d "
        "times, and each step makes it harder to see who employs the workers."
    ),
    guide=("subcontracting", "contract-clauses"),
    thresholds={"medium_from": 3, "high_from": 4},
)
def chain_depth(inputs: RiskInputs, t: T) -> Findings:
    """Long subcontracting chains spread oversight thin and hide accountability (HEUNI toolkit,
    risks chapter). Spanish construction law stops at the third level and Norwegian public
    buyers may allow two tiers; medium from tier 3 and high from tier 4 is our default."""
    found = findings("chain-depth")
    params: dict[int, Encoded] = {}  # one per tier: most suppliers of a large chain are deep
    medium_from, high_from = t["medium_from"], t["high_from"]
    for node, tier in inputs.analysis.tier.items():
        if node == ROOT or tier < medium_from:
            continue
        if tier not in params:
            params[tier] = shared({"tier": tier, "passes": tier - 1})
        severity = Severity.HIGH if tier >= high_from else Severity.MEDIUM
        found.add(node, inputs.path_evidence(node), params[tier], severity)
    return found


def _agency_links(inputs: RiskInputs) -> Iterator[tuple[int, int]]:
    """Links over which workers come from an agency: labour hire, or any link to an agency."""
    for parent, child, relation in inputs.edges:
        if relation == LABOUR_HIRE or inputs.suppliers[child].is_agency:
            yield parent, child


@rule(
    "labour-hire",
    severity=Severity.MEDIUM,
    source=Source.STRUCTURE,
    title=N_("Workers supplied by an agency"),
    basis=N_(
        "Migrant and temporary staff hired through staffing agencies are a risk the HEUNI "
        "toolkit names: agencies are where recruitment fees and debt arise."
    ),
    message=N_(
        "Workers reach your work through a temporary-work agency or other intermediary: "
        "migrant and temporary staff hired this way are the most exposed to exploitation."
    ),
    guide=("agency-labour", "screening"),
)
def labour_hire(inputs: RiskInputs, t: T) -> Iterator[Finding]:
    """Migrant or temporary staff hired through national or international staffing agencies
    is one of the toolkit's risk-assessment statements; agencies are where recruitment fees
    and debt arise."""
    for parent, child in _agency_links(inputs):
        if parent == ROOT:
            yield finding("labour-hire", child, {"path": [ROOT, child]})


@rule(
    "labour-hire-deep",
    severity=Severity.HIGH,
    source=Source.STRUCTURE,
    title=N_("Agency workers deep in the chain"),
    basis=N_(
        "Agency workers below your direct suppliers combine two risk factors of the HEUNI "
        "toolkit: complex employment relationships and temporary staff from agencies."
    ),
    message=N_(
        "Agency workers enter the chain at tier %(tier)d, below your direct suppliers, "
        "where you see least of how they were recruited and are paid."
    ),
    guide=("agency-labour", "subcontracting"),
)
def labour_hire_deep(inputs: RiskInputs, t: T) -> Iterator[Finding]:
    """Agency labour below tier 1 combines two risk factors of the toolkit: complex
    employment relationships and temporary staff from staffing agencies."""
    for parent, child in _agency_links(inputs):
        if parent != ROOT and parent in inputs.analysis.tier:
            path = [*inputs.path_to(parent), child]
            yield finding("labour-hire-deep", child, {"path": path}, tier=len(path) - 1)


@rule(
    "intermediary-chain",
    severity=Severity.HIGH,
    source=Source.STRUCTURE,
    title=N_("Labour passed between intermediaries"),
    basis=N_(
        "Chains of intermediaries multiply recruitment fees and leave workers unsure who "
        "employs them; complex employment relationships and a lack of accountability are "
        "named risks."
    ),
    message=N_(
        "Workers pass through %(count)d intermediaries before they reach the work: an "
        "agency supplying an agency, or hired labour passed on again. Each step can take a "
        "fee from the workers and blur who their employer is."
    ),
    guide=("agency-labour", "recruitment-fees"),
)
def intermediary_chain(inputs: RiskInputs, t: T) -> Iterator[Finding]:
    """Complex employment relationships and a lack of accountability are named risks; chains
    of intermediaries multiply recruitment fees and leave workers unsure who employs them."""
    for chain in inputs.analysis.intermediary_chains:
        head = inputs.path_to(chain[0]) if chain[0] in inputs.analysis.tier else [chain[0]]
        path = [*head, *chain[1:]]
        yield finding("intermediary-chain", chain[-1], {"path": path}, count=len(chain) - 1)


@rule(
    "chain-cycle",
    severity=Severity.MEDIUM,
    source=Source.STRUCTURE,
    title=N_("Companies subcontracting to each other in a loop"),
    basis=N_(
        "A loop cannot be a genuine division of work: it points to invoicing through related "
        "companies or to a mapping error, and either needs checking."
    ),
    message=N_(
        "This company is on a loop of %(size)d companies that subcontract to each other. "
        "Work that goes round in circles hides who really does it and who pays the workers."
    ),
    guide=("subcontracting", "screening"),
)
def chain_cycle(inputs: RiskInputs, t: T) -> Iterator[Finding]:
    """A loop cannot be a genuine division of work; it is a sign of invoicing through related
    companies or of a mapping error, and either needs checking."""
    for cycle in inputs.analysis.cycles:
        loop = [*cycle.witness, cycle.witness[0]]
        for member in sorted(cycle.members):
            yield finding("chain-cycle", member, {"path": loop}, size=len(cycle.members))


# The self-assessment's answers on headcount, read by pass-through where a supplier gave them.
DECLARED_WORKERS = "contract_workers"  # people on the buyer's contract, all employers counted
DECLARED_EMPLOYEES = "own_employees"  # the company's own employees

_PASS_THROUGH = N_(
    "This company has almost no workers of its own on the contract: its subcontractors "
    "(%(children)d) do the work. It may be a letterbox between you and the real employer."
)
_DECLARED_FEWER = N_(
    "It declared %(declared)d workers on the contract, yet its subcontractors alone bring "
    "%(workers_out)d."
)


def _explain_pass_through(found: Finding, tr: Translator) -> str:
    params = found.params
    text = tr.gettext(_PASS_THROUGH) % params
    if "declared" in params and params["declared"] < params["workers_out"]:
        text += " " + tr.gettext(_DECLARED_FEWER) % params
    return text


@rule(
    "pass-through",
    severity=Severity.MEDIUM,
    source=Source.STRUCTURE,
    title=N_("Passes the work on without doing it"),
    basis=N_(
        "A subcontractor that passes all work on, or whose headcount is too small for the "
        "contract, is a warning sign (HEUNI toolkit). Our test: its subcontractors bring at "
        "least 90% of the workers on the contract, or it has at most one employee of its own."
    ),
    message=_PASS_THROUGH,
    explain=_explain_pass_through,
    guide=("subcontracting", "screening"),
    thresholds={"own_share_max": 0.1, "max_employees": 1},
)
def pass_through(inputs: RiskInputs, t: T) -> Findings:
    """A subcontractor passing all work on is one of the toolkit's complex arrangements, and a
    headcount too small for the contract is a red flag (a contractor declaring 40 workers while
    its subcontractors bring 128). Our test: its subcontractors bring at least 90% of the
    workers on the contract, or it has at most one employee of its own. The workers on its
    contract and its employees are its own answers to the self-assessment where it gave them
    (the evidence quotes them), else the chain's figures."""
    # Plain dicts: the views cost several times more.
    succ, pred = inputs.graph._succ, inputs.graph._pred  # type: ignore[attr-defined]
    links = inputs.links
    suppliers, responses = inputs.suppliers, inputs.responses
    share, max_employees = 1 - t["own_share_max"], t["max_employees"]
    found = findings("pass-through")
    # Evidence and params are values many flags share: each made once.
    facts: dict[tuple[int, int, int | None], Encoded] = {}
    counts: dict[int, Encoded] = {}
    for node, below in succ.items():
        if node == ROOT or not below:
            continue
        # Goods bought in are not work passed on.
        children = [c for c in below if c != node and links[(node, c)].relation != "supply"]
        if not children:
            continue
        workers_out = _sum(links[(node, c)].workers for c in children)
        response = responses.get(node)
        declared = _declared(response) if response is not None else {}
        workers_in = declared.get(DECLARED_WORKERS)
        if workers_in is None:
            workers_in = _sum(links[(p, node)].workers for p in pred[node])
        employees = declared.get(DECLARED_EMPLOYEES, suppliers[node].employees)
        by_share = workers_in > 0 and workers_out >= workers_in * share
        by_staff = employees is not None and employees <= max_employees
        if not (by_share or by_staff):
            continue
        if declared:
            evidence = _declared_evidence(response, declared, workers_in, workers_out, employees)
            said = DECLARED_WORKERS in declared
            extra = {"declared": workers_in, "workers_out": workers_out} if said else {}
            found.add(node, evidence, {"children": len(children), **extra})
            continue
        figures, count = (workers_in, workers_out, employees), len(children)
        if figures not in facts:
            facts[figures] = shared({"facts": dict(zip(FACTS, figures, strict=True))})
        if count not in counts:
            counts[count] = shared({"children": count})
        found.add(node, facts[figures], counts[count])
    return found


FACTS = ("workers_in", "workers_out", "employees")  # the chain's figures pass-through quotes


def _declared(response: Any) -> dict[str, int]:
    """The headcounts a supplier answered (whole numbers of at least 0), by question id."""
    found = {}
    for question_id in (DECLARED_WORKERS, DECLARED_EMPLOYEES):
        value = response.answers.get(question_id)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            found[question_id] = value
    return found


def _declared_evidence(
    response: Any, declared: Mapping[str, int], workers_in: int, workers_out: int, employees: Any
) -> dict[str, Any]:
    """Evidence naming the figures used: the answers where given (quoted), else the chain's."""
    facts: dict[str, Any] = {}
    if DECLARED_WORKERS in declared:
        facts["declared_workers"] = workers_in
    else:
        facts["workers_in"] = workers_in
    facts["workers_out"] = workers_out
    if DECLARED_EMPLOYEES in declared:
        facts["declared_employees"] = employees
    else:
        facts["employees"] = employees
    quoted = [_answer(response, q, declared[q]) for q in declared]
    return {"answers": quoted, "facts": facts}


def _works(inputs: RiskInputs, parent: int, child: int) -> bool:
    return inputs.links[(parent, child)].relation != "supply"


def _sum(values: Any) -> int:
    return sum(v for v in values if v is not None)


_WHAT = {"subcontractors": N_("subcontractors"), "agencies": N_("agencies or labour providers")}
_REASONS = {
    "none-named": N_("It says it uses %(what)s but names none."),
    "denied": N_("It says it uses no %(what)s, yet your chain shows %(n)d below it."),
    "missing": N_("Your chain shows %(n)d more %(what)s below it than it named."),
}


def _explain_disclosure(found: Finding, tr: Translator) -> str:
    params = found.params
    what = tr.gettext(_WHAT[params["kind"]])
    return tr.gettext(_REASONS[params["reason"]]) % {"what": what, "n": params["n"]}


@rule(
    "undisclosed-subcontracting",
    severity=Severity.HIGH,
    source=Source.STRUCTURE,
    title=N_("Subcontracting not disclosed"),
    basis=N_(
        "Unknown firms on a site, or a supplier that says it subcontracts and names no one, "
        "are how hidden exploitation usually comes to light; disclosing all subcontractors "
        "and agencies is the matching contract clause."
    ),
    message=_REASONS["none-named"],
    explain=_explain_disclosure,
    guide=("subcontracting", "contract-clauses", "workplace-assessment"),
)
def undisclosed_subcontracting(inputs: RiskInputs, t: T) -> Iterator[Finding]:
    """Unknown firms on a site, or a supplier that says it subcontracts and names no one, are
    how hidden exploitation usually surfaces; disclosure of all subcontractors and agencies is
    the matching contract clause."""
    for supplier_id, response in inputs.responses.items():
        for question in response.questionnaire.questions():
            kind = getattr(question, "disclosure", None)
            if kind is not None:
                yield from _disclosure_gaps(inputs, supplier_id, response, question, kind.value)


def _disclosure_gaps(
    inputs: RiskInputs, supplier_id: int, response: Any, table: Any, kind: str
) -> Iterator[Finding]:
    answers = response.answers
    named = answers.get(table.id) or []
    gate = table.show_if
    says_yes = gate is None or gate.holds(answers.get(gate.question))
    below = [
        c for c in inputs.graph.successors(supplier_id) if _is_kind(inputs, supplier_id, c, kind)
    ]
    quoted = [_answer(response, table.id, named)]
    if gate is not None:
        quoted.insert(0, _answer(response, gate.question, answers.get(gate.question)))
    rule_id = "undisclosed-subcontracting"
    if says_yes and not named:
        evidence: dict[str, Any] = {"answers": quoted}
        yield finding(rule_id, supplier_id, evidence, reason="none-named", kind=kind, n=0)
    elif not says_yes and below:
        evidence = {"answers": quoted, "suppliers": sorted(below)}
        yield finding(rule_id, supplier_id, evidence, reason="denied", kind=kind, n=len(below))
    elif says_yes:
        missing = [c for c in below if not any(_same(inputs, c, row) for row in named)]
        if missing:
            evidence = {"answers": quoted, "suppliers": sorted(missing)}
            yield finding(
                rule_id, supplier_id, evidence, reason="missing", kind=kind, n=len(missing)
            )


def _is_kind(inputs: RiskInputs, parent: int, child: int, kind: str) -> bool:
    if not _works(inputs, parent, child):
        return False
    hired = (
        inputs.links[(parent, child)].relation == LABOUR_HIRE or inputs.suppliers[child].is_agency
    )
    return hired if kind == "agencies" else not hired


def _same(inputs: RiskInputs, supplier_id: int, row: Mapping[str, Any]) -> bool:
    """Whether a disclosed row names this supplier (registration number, email or name)."""
    supplier = inputs.suppliers[supplier_id]
    registration = (row.get("registration_no") or "").strip().casefold()
    name = (row.get("name") or "").strip().casefold()
    return bool(
        (registration and registration == supplier.registration_no.casefold())
        or (name and name == supplier.name.casefold())
    )


def _answer(response: Any, question_id: str, value: Any) -> dict[str, Any]:
    return {
        "questionnaire": response.questionnaire.id,
        "version": response.questionnaire.version,
        "question": question_id,
        "answer": value,
    }


_UNKNOWN = {
    "subcontractors": N_(
        "This company named %(name)s as a subcontractor, a link that is not on your map: "
        "subcontracting you did not know of. Hold new work there and check the site, then "
        "confirm or reject the link."
    ),
    "agencies": N_(
        "This company named %(name)s as an agency supplying it with workers, a link that is not "
        "on your map: labour you did not know of. Hold new work there and check the site, then "
        "confirm or reject the link."
    ),
}


def _explain_unknown(found: Finding, tr: Translator) -> str:
    return tr.gettext(_UNKNOWN[found.params["what"]]) % found.params


@rule(
    "unknown-subcontracting",
    severity=Severity.HIGH,
    source=Source.STRUCTURE,
    title=N_("Subcontracting you did not know of"),
    basis=N_(
        "Subcontractors nobody disclosed are where hidden exploitation usually comes to "
        "light. The flag stays until an officer confirms or rejects the company the supplier "
        "named; it is a risk factor, not an ILO indicator."
    ),
    message=_UNKNOWN["subcontractors"],
    explain=_explain_unknown,
    guide=("subcontracting", "workplace-assessment", "contract-clauses"),
)
def unknown_subcontracting(inputs: RiskInputs, t: T) -> Iterator[Finding]:
    """Undisclosed subcontractors turning up are where hidden exploitation usually surfaces; the
    matching action is to hold new work and check the site. Raised on the supplier that named a
    company in its answers for each link no officer has confirmed or rejected yet, so it lasts
    until the link is decided. A risk factor, not an ILO indicator: none is named."""
    suppliers = inputs.suppliers
    for parent, children in inputs.disclosed.items():
        for child, relation in children:
            company = suppliers.get(child)
            name = f"{company.name} ({company.code})" if company else f"#{child}"
            what = "agencies" if relation == LABOUR_HIRE else "subcontractors"
            yield finding(
                "unknown-subcontracting",
                parent,
                {"suppliers": [child]},
                name=name,
                what=what,
            )


@rule(
    "no-response",
    severity=Severity.MEDIUM,
    source=Source.STRUCTURE,
    title=N_("Questionnaire not answered"),
    basis=N_("A supplier unwilling to give information or documents is a risk signal in itself."),
    message=N_(
        "The questionnaire sent to this company was due on %(deadline)s and has not been "
        "answered. Silence is itself a warning sign."
    ),
    guide=("screening", "contract-clauses"),
)
def no_response(inputs: RiskInputs, t: T) -> Iterator[Finding]:
    """A supplier unwilling to give information or documents is a risk signal in itself."""
    for supplier_id, invitation in inputs.invitations.items():
        if invitation.submitted or invitation.revoked or invitation.deadline > inputs.now:
            continue
        deadline = invitation.deadline.date().isoformat()
        yield finding(
            "no-response", supplier_id, {"facts": {"deadline": deadline}}, deadline=deadline
        )


@rule(
    "unassessed",
    severity=Severity.LOW,
    source=Source.STRUCTURE,
    title=N_("Never asked"),
    basis=N_(
        "What is not asked cannot be assessed: covering the whole chain is part of due diligence."
    ),
    message=N_("This company has not been sent a questionnaire: nothing is known of how it works."),
    guide=("risk-assessment", "screening"),
)
def unassessed(inputs: RiskInputs, t: T) -> Findings:
    """What is not asked cannot be assessed: coverage of the chain is part of due diligence."""
    asked, answered = inputs.invitations, inputs.responses
    found, nothing = findings("unassessed"), shared({"facts": {}})
    for supplier_id in inputs.suppliers:
        if supplier_id not in asked and supplier_id not in answered:
            found.add(supplier_id, nothing)
    return found


@rule(
    "labour-cost-below-minimum",
    severity=Severity.HIGH,
    source=Source.STRUCTURE,
    title=N_("Price below the legal cost of the labour"),
    basis=N_(
        "Prices so low that they imply unlawfully low pay are a named risk. The price of a "
        "labour hour is compared with the minimum wage plus the employer's compulsory "
        "contributions in the country where the work is done: a posted worker is owed the "
        "host country's minimum (Directive 96/71/EC)."
    ),
    message=N_(
        "The contract pays %(per_hour)s EUR an hour of labour, less than the legal minimum "
        "cost of an hour's work in %(country)s (%(minimum)s EUR with the employer's "
        "contributions). Someone in the chain is likely underpaid."
    ),
    guide=("pay-and-deductions", "screening"),
)
def labour_cost_below_minimum(inputs: RiskInputs, t: T) -> Iterator[Finding]:
    """Prices so low that they imply unreasonably low pay are a named risk (unfair competition);
    comparing the price per labour hour with the minimum wage plus the employer's compulsory
    contributions is our own test. The floor is that of the country where the work is done (the
    link's work country, else the organisation's own): a posted worker is owed the host
    country's minimum (Directive 96/71/EC), whatever the employer's country. A sector floor
    (a generally binding agreement) applies to the supplier's NACE codes. Where no floor is
    known for the work country, no flag is raised: floors_unknown() says where (the run summary,
    the dashboard, `supplychain assess` and the report's method section list them). Countries
    covered (supplychain/data/labour_costs.yaml): LV, LT, EE, PL, BG, RO, DE, NL, CZ, HU; a
    sector floor for Latvian construction (NACE F); no statutory minimum in FI, SE, DK, NO."""
    for (parent, child), link, floor in _priced_floors(inputs):
        if floor is None:
            continue
        country, minimum, figure, hours_basis = floor
        per_hour = (Decimal(link.contract_value_eur) / Decimal(link.labour_hours)).quantize(  # type: ignore[arg-type]
            Decimal("0.01")
        )
        if per_hour < minimum:
            facts = {
                "contract_value_eur": str(link.contract_value_eur),
                "labour_hours": str(link.labour_hours),
                "per_hour_eur": str(per_hour),
                "minimum_eur": str(minimum.quantize(Decimal("0.01"))),
                "country": country,
                "supplier_country": inputs.suppliers[child].country,
                "source": figure.source,
                "checked": figure.checked.isoformat(),
            }
            if hasattr(figure, "nace"):  # a sector floor
                facts["floor_nace"] = figure.nace
            else:
                facts |= hours_basis
            yield finding(
                "labour-cost-below-minimum",
                child,
                {"path": [parent, child], "facts": facts},
                per_hour=facts["per_hour_eur"],
                minimum=facts["minimum_eur"],
                country=country,
            )


def _priced_floors(
    inputs: RiskInputs,
) -> Iterator[tuple[tuple[int, int], LinkFacts, Floor | None]]:
    """Each link with a price and hours, with labour_cost_floor's answer for it, computed once
    per work country, contract dates and supplier sector (all the floor depends on)."""
    floors: dict[tuple[Any, ...], Floor | None] = {}
    suppliers = inputs.suppliers
    for (parent, child), link in inputs.links.items():
        if not link.contract_value_eur or not link.labour_hours:
            continue
        sector = suppliers[child].sector if child in suppliers else ""
        key = (work_country(inputs, link), link.start_date, link.end_date, sector)
        if key not in floors:
            floors[key] = labour_cost_floor(inputs, link, child)
        yield (parent, child), link, floors[key]


def work_country(inputs: RiskInputs, link: LinkFacts) -> str:
    """Where the work of a link is done: the link's work country, else the organisation's."""
    return link.work_country or inputs.home_country


def labour_cost_floor(inputs: RiskInputs, link: LinkFacts, child: int) -> Floor | None:
    """(work country, lowest lawful cost of a labour hour in EUR, the figure it comes from,
    the hours it rests on) for a priced link (see _priced_floors); None where no floor is known
    there.

    The statutory floor is the minimum wage per hour plus the employer's contributions. Where
    the hourly minimum is the monthly one over each month's normal hours (Latvia), a link with
    start and end dates is tested against the months it spans (February's floor is higher than
    July's); without dates, against the year's average month (166.17 h in 2026). A sector
    floor binding the supplier's NACE code, with the same contributions, replaces it where it
    is higher."""
    from ..reference.risk_factors import labour_costs

    country = work_country(inputs, link)
    cost = labour_costs().get(country)
    today = inputs.now.date()
    if cost is None or not cost.in_force(today) or cost.hourly_eur is None:
        return None
    minimum: Decimal = cost.hourly_eur_over(link.start_date, link.end_date) or cost.hourly_eur
    figure: LabourCost | SectorFloor = cost
    sector = inputs.suppliers[child].sector if child in inputs.suppliers else ""
    uplift = 1 + (cost.employer_contributions_percent or Decimal(0)) / 100
    for sector_floor in cost.sector_floors:
        if sector_floor.applies(sector, today) and sector_floor.hourly_wage_eur * uplift > minimum:
            minimum, figure = sector_floor.hourly_wage_eur * uplift, sector_floor
    return country, minimum, figure, _hours_basis(cost, link)


def _hours_basis(cost: LabourCost, link: LinkFacts) -> dict[str, str]:
    """The hours a monthly minimum was divided by, as the flag's evidence shows them."""
    if cost.period != "month":
        return {}
    dated = link.start_date and link.end_date
    span = cost.hours_over(link.start_date, link.end_date) if dated else None  # type: ignore[arg-type]
    if span is None:
        return {"average_month_hours": str(cost.hours_per_month)}
    months, hours = span
    return {"months": f"{months[0]} – {months[-1]}", "normal_hours": str(hours)}


def floors_unknown(inputs: RiskInputs) -> dict[str, int]:
    """Work countries of priced links for which no labour-cost floor is known, with how many
    links each: the rule raises no flag there, and the run and the report must say so."""
    counts: dict[str, int] = {}
    for (_parent, _child), link, floor in _priced_floors(inputs):
        if floor is None:
            country = work_country(inputs, link) or "?"
            counts[country] = counts.get(country, 0) + 1
    return dict(sorted(counts.items()))


_SECTOR_MESSAGE = N_(
    "This company works in %(label)s, a sector where labour exploitation is found most often."
)


def _explain_sector(found: Finding, tr: Translator) -> str:
    labels = found.params["labels"]
    return tr.gettext(_SECTOR_MESSAGE) % {"label": labels.get(tr.language) or labels["en"]}


@rule(
    "high-risk-sector",
    severity=Severity.LOW,
    source=Source.STRUCTURE,
    title=N_("Works in a high-risk sector"),
    basis=N_(
        "Construction, cleaning, catering, agriculture and forestry are the sectors the HEUNI"
        " toolkit names; Latvian, Finnish and Danish sources add restaurants, berry picking "
        "and distribution."
    ),
    message=_SECTOR_MESSAGE,
    explain=_explain_sector,
    guide=("risk-assessment", "workplace-assessment"),
)
def high_risk_sector(inputs: RiskInputs, t: T) -> Findings:
    """Construction, cleaning, catering, agriculture and forestry are the sectors the toolkit
    names (after FRA 2015); Latvian, Finnish and Danish sources add restaurants, berry picking
    and distribution. The list with sources is supplychain/data/high_risk_sectors.yaml."""
    known: dict[str, tuple[Encoded, Encoded] | None] = {}  # per sector: evidence and params
    found = findings("high-risk-sector")
    for supplier_id, supplier in inputs.suppliers.items():
        sector = supplier.sector
        if sector not in known:
            known[sector] = _sector_values(sector)
        values = known[sector]
        if values is not None:
            found.add(supplier_id, *values)
    return found


def _sector_values(sector: str) -> tuple[Encoded, Encoded] | None:
    from ..reference.risk_factors import sector_match

    match = sector_match(sector) if sector else None
    if match is None:
        return None
    facts = {"sector": sector, "matched": match.nace}
    return shared({"facts": facts}), shared({"labels": match.labels})


@rule(
    "cross-border",
    severity=Severity.MEDIUM,
    source=Source.STRUCTURE,
    title=N_("Workers from another country"),
    basis=N_(
        "Posted workers and foreign contractors are a named risk: workers may not know the "
        "collective agreement or the language, and depend on the employer for housing and "
        "papers. Between EU/EEA countries the flag is low; where a third country is involved "
        "it is medium."
    ),
    message=N_(
        "This company from %(country)s works for a company in %(buyer_country)s: workers "
        "posted or hired across a border often do not know local pay and rights."
    ),
    guide=("screening", "worker-contracts"),
)
def cross_border(inputs: RiskInputs, t: T) -> Findings:
    """Posted workers and foreign contractors are a named risk (Posting of Workers Enforcement
    Directive; Danish CMM guide): workers may not know the collective agreement or the
    language, and depend on the employer for housing and papers.

    How much the border adds depends on the countries (supplychain/data/country_tiers.yaml).
    Between two EU/EEA countries or Switzerland the flag is low, not dropped: posting is still
    the named risk factor, but workers move freely and the posting rules give the buyer papers
    to ask for (posting notification, A1 certificate). Where either side is a third country the
    flag is medium: workers' permits tie them to an employer or a recruiter. Recruitment
    corridors known for exploitation would be high, but no sourced corridor list is shipped
    yet. The evidence names the tier and the list's source; no ILO indicator is claimed.
    """
    suppliers = inputs.suppliers
    borders: dict[tuple[str, str], tuple[Encoded, Severity]] = {}
    found = findings("cross-border")
    for parent, child, relation in inputs.edges:
        if relation == "supply":
            continue
        buyer = inputs.home_country if parent == ROOT else suppliers[parent].country
        country = suppliers[child].country
        if buyer and country and buyer != country:
            pair = (country, buyer)  # one set of facts per pair of countries
            if pair not in borders:
                borders[pair] = _border_facts(country, buyer)
            facts, severity = borders[pair]
            found.add(child, link_evidence(parent, child, facts), facts, severity)
    return found


def _border_facts(country: str, buyer: str) -> tuple[Encoded, Severity]:
    """The facts of a border between a company's country and its buyer's, shared by its flags
    as evidence and params, and its severity."""
    from ..reference.risk_factors import THIRD_COUNTRY, THIRD_COUNTRY_SOURCE, country_tier

    mine, theirs = country_tier(country), country_tier(buyer)
    facts: dict[str, str] = {"country": country, "buyer_country": buyer}
    if mine is not None and theirs is not None:
        # No "checked" date: the evidence is the flag's fingerprint, and re-checking the list
        # must not end every cross-border flag and the decisions taken on them.
        facts.update(tier=mine.tier, source=mine.source)
        return shared(facts), Severity.LOW
    # A third country is one in no list: the evidence says so rather than cite a source.
    facts.update(tier=THIRD_COUNTRY, source=THIRD_COUNTRY_SOURCE)
    return shared(facts), Severity.MEDIUM
