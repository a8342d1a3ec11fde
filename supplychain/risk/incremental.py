"""Incremental assessment (issue 24): a run re-evaluates only the suppliers that changes marked
and carries every other flag and score forward.

A change to what the rules read of one supplier (its answers, an invitation revoked or resent,
a screening check, a worker's report an officer confirmed) writes a RiskMark naming it, in the
change's transaction (services.mark); a link or supplier added or changed, by hand or by an
import, marks the supplier below which the chain may have moved (regions.BELOW) and its
neighbours. The next run plans (plan) one of three ways:

- full: asked for (Assess now, the command line, the API, the nightly check), the first run,
  new rules, a mark for everything, a day on which a labour-cost floor started or ended since
  the previous run, check-ins that came or went (or aged out since), any change in the audit
  trail that is not one of LOCAL_ACTIONS (a supplier archived, restored or deleted, a site, a
  threshold, ...), or a region below changed links too large or holding a loop;
- incremental: the marked suppliers (and those whose invitation deadline passed since the
  previous run, or, on another day, whose screening checks expired or fell due) have the
  LOCAL_RULES re-evaluated, over a part of the chain read around them (local_inputs); where
  links were added, moved or deleted, every rule is re-evaluated for the region below them
  (regions.py), whose tiers and paths moved; every other flag stays as it is; exposure is
  recomputed for them and every supplier above them (carried is the worst risk below,
  engine.carry), and the snapshot rows of the region and of the changed links are renewed;
- unchanged: nothing marked and nothing passed: the run copies the previous run's figures and
  writes no flag or score.

Each finding of a LOCAL_RULES rule on a supplier reads only that supplier's own facts (its
answers, invitation, screening checks, worker reports, disclosures, check-ins naming it) and
the links next to it with their ends' facts; every other rule reads the structure, which no
local change moves. tests/risk/test_incremental.py checks that the two ways agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import networkx as nx
import sqlalchemy as sa
from sqlmodel import Session, col, func

from ..chain.graph import (
    ROOT,
    ChainAnalysis,
    Graph,
    analyse,
    build_graph,
    intermediary_chains,
    labour_hire_edges,
)
from ..chain.retire import live_links, live_suppliers
from ..models import (
    AssessmentRun,
    AuditEvent,
    Flag,
    Invitation,
    Link,
    LinkStatus,
    Response,
    ResponseStatus,
    RiskMark,
    RunSupplier,
    Severity,
    Supplier,
    SupplierExposure,
)
from ..questionnaires.loader import Catalogue
from ..reference.risk_factors import figures_move, labour_costs
from ..tenancy import in_org
from ..vocab import GRAVEST_FIRST
from . import snapshot, tally
from .bulk import insert_rows
from .engine import SILENCE_WEIGHT, WEIGHTS, carry, evaluate
from .findings import RiskInputs
from .flagset import FlagSet
from .freshness import passed_deadlines, screening_moved, stale_clause, started
from .inputs import (
    _invitations,
    _only,
    _responses,
    check_in_groups,
    check_ins_aged,
    check_ins_read,
    disclosed_links,
    id_chunks,
    link_facts,
    screening_facts,
    site_facts,
    supplier_facts,
    worker_case_facts,
)
from .regions import BELOW, Region, kept_tiers, region, walk
from .rules import RULES, RULES_VERSION
from .services import FLAG_COLUMNS, FULL_TRIGGERS
from .structural_rules import floors_unknown

LOCAL_RULES = frozenset(
    {
        "answer",
        "pay-below-minimum",
        "possible-forced-labour",
        "screening-check",
        "pass-through",
        "undisclosed-subcontracting",
        "unknown-subcontracting",
        "no-response",
        "unassessed",
        "worker-report",
        "workers-contradict-answers",
    }
)
# Audit actions whose change a mark names (the rest, where stale or about cases and sites, ask
# for a full run).
LOCAL_ACTIONS = (
    "response.submitted",
    "screening.recorded",
    "invitation.resent",
    "invitation.revoked",
    "case.confirmed",
    "campaign.created",  # each invitation marks its supplier as it is made
    # a link's child or a supplier (regions.BELOW) and its buyers, before and after
    "link.created",
    "link.updated",
    "link.deleted",
    "supplier.created",
    "supplier.updated",
    "chain.imported",  # its diff is marked; one that restores or takes out marks everything
)
MOST_MARKED = 2000  # more marked suppliers than this: a full run reads them as fast


@dataclass(frozen=True)
class Plan:
    mode: str  # "full", "incremental" or "unchanged"
    marks: tuple[int, ...]  # the marks read, deleted when the run is kept
    suppliers: frozenset[int] = frozenset()  # re-evaluated by an incremental run
    why: str = ""  # why a run is full
    moved: Region | None = None  # the region below changed links: every rule re-evaluated

    def method(self, reassessed: int, scores: int | None = None) -> dict[str, Any]:
        """What run.summary["method"] keeps of the plan."""
        found: dict[str, Any] = {"mode": self.mode, "reassessed": reassessed}
        if self.why:
            found["why"] = self.why
        if self.moved is not None:  # of those, below changed links: every rule evaluated
            found["region"] = len(self.moved.below)
        if scores is not None:
            found["scores"] = scores
        return found


def plan(
    session: Session, run: AssessmentRun, previous: AssessmentRun | None, now: datetime
) -> Plan:
    """How to carry out run, from the marks waiting and what changed since previous."""
    rows = session.execute(
        in_org(RiskMark, run.organisation_id).with_only_columns(
            col(RiskMark.id), col(RiskMark.supplier_id), col(RiskMark.reason)
        )
    ).all()
    marks = tuple(mark_id for mark_id, _, _ in rows)
    why = _why_full(session, run, previous, now, [sid for _, sid, _ in rows])
    if why or previous is None:
        return Plan("full", marks, why=why or "first")
    touched = {sid for _, sid, _ in rows if sid is not None}
    touched |= set(
        session.execute(
            passed_deadlines(run.organisation_id, started(previous), now).with_only_columns(
                col(Invitation.supplier_id)
            )
        ).scalars()
    )
    if (day := started(previous).date()) != now.date():  # screening states move with the day
        found = session.execute(screening_moved(run.organisation_id, day, now.date()))
        touched |= set(found.scalars())
    if len(touched) > MOST_MARKED:
        return Plan("full", marks, why="many")
    children = {sid for _, sid, reason in rows if reason in BELOW and sid is not None}
    if not children:
        return Plan("incremental" if touched else "unchanged", marks, frozenset(touched))
    if not previous.has_snapshot:  # a run from before snapshots: no tiers kept
        return Plan("full", marks, why="snapshot")
    below = region(session, run.organisation_id, children, MOST_MARKED)
    if isinstance(below, str):
        return Plan("full", marks, why=below)
    return Plan("incremental", marks, frozenset(touched | below.below), moved=below)


def _why_full(
    session: Session,
    run: AssessmentRun,
    previous: AssessmentRun | None,
    now: datetime,
    marked: Sequence[int | None],
) -> str:
    if run.trigger in FULL_TRIGGERS:
        return "asked"
    if previous is None:
        return "first"
    if previous.rules_version != RULES_VERSION:
        return "rules"
    if None in marked:
        return "everything"
    since = started(previous)
    if since.date() != now.date():  # another day: the floors or the check-ins read may move
        if figures_move(labour_costs(), since.date(), now.date()):
            return "day"
        if check_ins_aged(session, run.organisation_id, since.date(), now.date()):
            return "check-ins"
    if _unmarked_change(session, run.organisation_id, since):
        return "chain"
    if check_ins_read(session, run.organisation_id, now.date()) != (previous.summary or {}).get(
        "check_ins", 0
    ):
        return "check-ins"
    return ""


def _unmarked_change(session: Session, organisation_id: int, since: datetime) -> bool:
    """Whether the audit trail holds a change since that no mark names."""
    action = col(AuditEvent.action)
    found = session.execute(
        in_org(AuditEvent, organisation_id)
        .where(
            col(AuditEvent.created_at) >= since,
            sa.or_(stale_clause(), action.startswith("case."), action.startswith("site.")),
            action.not_in(LOCAL_ACTIONS),
        )
        .with_only_columns(col(AuditEvent.id))
        .limit(1)
    ).first()
    return found is not None


def consume(session: Session, marks: Collection[int]) -> None:
    """Delete the marks a run read (those written since wait for the next run)."""
    for chunk in id_chunks(marks):
        assert chunk is not None  # ids given: never "no filter"
        session.execute(sa.delete(RiskMark).where(col(RiskMark.id).in_(chunk)))


# ---- reading a part of the chain ---------------------------------------------------------------


def local_inputs(
    session: Session,
    organisation_id: int,
    ids: Collection[int],
    catalogue: Catalogue,
    now: datetime,
    moved: Region | None = None,
) -> RiskInputs:
    """What LOCAL_RULES read about the suppliers ids: their own facts, the links next to them
    and the facts of those links' other ends (the rest of the chain left out); with moved,
    also what every rule reads about the region's suppliers: the links into them and up their
    paths, with the tiers there, and the check-ins of every site."""
    links = link_facts(session, organisation_id, touching=ids)
    if moved is not None:
        links = {**moved.links, **links}
    disclosed = disclosed_links(session, organisation_id, ids)
    around = set(ids) | {c for _, c in links} | {p for p, _ in links if p != ROOT}
    around |= {child for children in disclosed.values() for child, _ in children}
    suppliers = supplier_facts(session, organisation_id, live_only=True, ids=around)
    graph = build_graph(
        (None if parent == ROOT else parent, child, link.relation)
        for (parent, child), link in links.items()
    )
    graph.add_nodes_from(sid for sid in ids if sid in suppliers)
    agencies = {sid for sid, facts in suppliers.items() if facts.is_agency}
    organisation_country = _home_country(session, organisation_id)
    check_ins = check_in_groups(session, organisation_id, now.date())
    return RiskInputs(
        graph=graph,
        analysis=analyse(graph, agencies) if moved is None else _part(graph, agencies, moved),
        suppliers=suppliers,
        links=links,
        responses=_only(suppliers, _responses(session, organisation_id, catalogue, ids)),
        invitations=_only(suppliers, _invitations(session, organisation_id, ids)),
        now=now,
        home_country=organisation_country,
        disclosed=_only(suppliers, disclosed),
        screening=screening_facts(session, organisation_id, suppliers, now.date(), ids),
        worker_cases=_only(suppliers, worker_case_facts(session, organisation_id, set(ids))),
        sites=site_facts(session, organisation_id, suppliers),
        check_ins=check_ins if moved else tuple(g for g in check_ins if g.supplier_id in ids),
    )


def _part(graph: Graph, agencies: Collection[int], moved: Region) -> ChainAnalysis:
    """The analysis of a part of the chain read around a region: the tiers it was read with
    (the region's settled anew), the intermediary chains within the part; no loops (a region
    with one asks for a full run), and nothing the rules do not read."""
    hire = labour_hire_edges(graph)
    return ChainAnalysis(
        tier=dict(moved.tier),
        depth={},
        cycles=(),
        unreachable=frozenset(),
        labour_hire_edges=hire,
        labour_hire_reach=frozenset(),
        intermediary_chains=intermediary_chains(graph, agencies, hire),
    )


def _home_country(session: Session, organisation_id: int) -> str:
    from ..models import Organisation

    organisation = session.get(Organisation, organisation_id)
    return getattr(organisation, "country", "") or ""


def local_findings(
    inputs: RiskInputs,
    ids: Collection[int],
    overrides: Mapping[str, Any],
    whole: Collection[int] = frozenset(),
) -> FlagSet:
    """The LOCAL_RULES' flags on the suppliers ids, and every rule's on those of whole (the
    flags the rules raise on the neighbours read with them are left out: they saw only a part
    of their facts)."""
    rules = RULES if whole else {rid: rule for rid, rule in RULES.items() if rid in LOCAL_RULES}
    everything = evaluate(inputs, rules, overrides)
    found = FlagSet()
    for i, supplier_id in enumerate(everything.suppliers):
        if supplier_id in whole or (supplier_id in ids and everything.rules[i] in LOCAL_RULES):
            found.add(everything[i])
    return found


# ---- keeping ---------------------------------------------------------------------------------


@dataclass
class Stored:
    """The open flags of the re-evaluated suppliers, as stored."""

    local: dict[str, tuple[int, str, Severity, str]] = field(default_factory=dict)  # by key
    other: list[tuple[int | None, Severity]] = field(default_factory=list)  # (supplier, sev.)


def open_flags(
    session: Session,
    organisation_id: int,
    ids: Collection[int],
    whole: Collection[int] = frozenset(),
) -> Stored:
    stored = Stored()
    for chunk in id_chunks(ids):
        assert chunk is not None
        rows = session.execute(
            in_org(Flag, organisation_id)
            .where(col(Flag.last_run_id).is_(None), col(Flag.supplier_id).in_(chunk))
            .with_only_columns(
                col(Flag.id),
                col(Flag.fingerprint),
                col(Flag.rule),
                col(Flag.severity),
                col(Flag.indicator),
                col(Flag.supplier_id),
            )
        )
        for flag_id, key, rule, severity, indicator, supplier_id in rows:
            if rule in LOCAL_RULES or supplier_id in whole:
                stored.local[key] = (flag_id, rule, Severity(severity), indicator)
            else:
                stored.other.append((supplier_id, Severity(severity)))
    return stored


def keep_flags(
    session: Session,
    run: AssessmentRun,
    previous_id: int,
    found: FlagSet,
    stored: Stored,
) -> tuple[list[tuple[str, Severity, str]], list[int]]:
    """Close the stored local flags found no more, add the new ones; return the closed flags'
    (rule, severity, indicator) and the indexes in found of the new ones."""
    raised = set(found.fingerprints)
    closed = {key: value for key, value in stored.local.items() if key not in raised}
    ids = [flag_id for flag_id, *_ in closed.values()]
    for start in range(0, len(ids), 5000):
        session.execute(
            sa.update(Flag)
            .where(col(Flag.id).in_(ids[start : start + 5000]))
            .values(last_run_id=previous_id)
        )
    assert run.id is not None
    insert_rows(
        session,
        Flag.__table__,  # type: ignore[attr-defined]  # (SQLModel doesn't declare it)
        FLAG_COLUMNS,
        found.rows(run.organisation_id, run.id, skip=stored.local),
    )
    new = [i for i, key in enumerate(found.fingerprints) if key not in stored.local]
    return [(rule, severity, indicator) for _, rule, severity, indicator in closed.values()], new


def own_scores(
    ids: Collection[int], flags: Iterable[tuple[int | None, Severity]], answered: Collection[int]
) -> dict[int, int]:
    """Each supplier's own exposure (0-100) from all its open flags, as engine.exposure has it."""
    chance = {sid: 1.0 if sid in answered else 1 - SILENCE_WEIGHT for sid in ids}
    for supplier_id, severity in flags:
        if supplier_id in chance:
            chance[supplier_id] *= 1 - WEIGHTS[severity]
    return {sid: round(100 * (1 - value)) for sid, value in chance.items()}


def _links(organisation_id: int) -> sa.Select[Any]:
    return live_links(organisation_id).where(col(Link.status) == LinkStatus.CONFIRMED)


Change = tuple[int, int | None, int]  # supplier, carried before (None: no row), carried now
Counts = tuple[int, ...]  # a supplier's open flags, then those of each severity, gravest first
Row = tuple[int, ...]  # own, carried, then Counts: a score row as stored
COUNTED = ("flags", *(s.value for s in GRAVEST_FIRST))


def flag_counts(pairs: Iterable[tuple[int | None, Severity]]) -> dict[int, Counts]:
    """Each supplier's open flags counted, in all and by severity (as services._keep_scores)."""
    graded = Counter(pairs)
    found: dict[int, list[int]] = {}
    for (sid, severity), n in graded.items():
        if sid is not None:
            row = found.setdefault(sid, [0] * len(COUNTED))
            row[0] += n
            row[1 + GRAVEST_FIRST.index(severity)] += n
    return {sid: tuple(row) for sid, row in found.items()}


def rescore(
    session: Session, run: AssessmentRun, own: Mapping[int, int], counts: Mapping[int, Counts]
) -> list[Change]:
    """Store the new own exposure and flag counts of the re-evaluated suppliers and the carried
    exposure of them and everything above them; return the rows that changed."""
    organisation_id = run.organisation_id
    up = walk(session, organisation_id, own, up=True)
    edges: list[tuple[int, int]] = []
    for chunk in id_chunks(up):
        assert chunk is not None
        edges += session.execute(
            _links(organisation_id)
            .where(col(Link.parent_id).in_(chunk))
            .with_only_columns(col(Link.parent_id), col(Link.child_id))
        ).all()
    stored = _exposure_rows(session, organisation_id, up | {c for _, c in edges})
    none: Row = (0,) * (2 + len(COUNTED))
    graph: nx.DiGraph[int] = nx.DiGraph()
    graph.add_nodes_from(up)
    graph.add_edges_from(edges)
    value = {n: stored[n][1] if n in stored else 0 for n in graph if n not in up}
    value |= {n: own[n] if n in own else stored.get(n, none)[0] for n in up}
    carried = carry(graph, value)
    changed = []
    for node in sorted(up):
        kept = counts.get(node, (0,) * len(COUNTED)) if node in own else stored.get(node, none)[2:]
        row = (value[node], carried[node], *kept)
        if stored.get(node) == row:
            continue
        before = stored[node][1] if node in stored else None
        changed.append((node, before, carried[node]))
        _store_score(session, run, node, row, node in stored)
    return changed


def _exposure_rows(session: Session, organisation_id: int, ids: Collection[int]) -> dict[int, Row]:
    kept = SupplierExposure.__table__.c  # type: ignore[attr-defined]  # (SQLModel doesn't declare it)
    found = {}
    for chunk in id_chunks(ids):
        assert chunk is not None
        for sid, *row in session.execute(
            sa.select(
                kept.supplier_id, kept.own, kept.carried, *(kept[name] for name in COUNTED)
            ).where(kept.organisation_id == organisation_id, kept.supplier_id.in_(chunk))
        ):
            found[sid] = tuple(row)
    return found


def _store_score(session: Session, run: AssessmentRun, node: int, row: Row, exists: bool) -> None:
    values = {"own": row[0], "carried": row[1], "run_id": run.id}
    values |= dict(zip(COUNTED, row[2:], strict=True))
    if exists:
        session.execute(
            sa.update(SupplierExposure)
            .where(
                col(SupplierExposure.organisation_id) == run.organisation_id,
                col(SupplierExposure.supplier_id) == node,
            )
            .values(**values)
        )
    else:
        session.execute(
            sa.insert(SupplierExposure).values(
                organisation_id=run.organisation_id, supplier_id=node, **values
            )
        )


# ---- the summary -------------------------------------------------------------------------------


def summary_after(
    session: Session,
    previous: Mapping[str, Any],
    found: FlagSet,
    new: Sequence[int],
    closed: Sequence[tuple[str, Severity, str]],
    organisation_id: int,
    changes: Sequence[Change],
    moved: bool = False,
) -> dict[str, Any]:
    """The previous run's summary with the flags closed and added, the answered suppliers and
    the exposure by tier read again (whole where tiers moved)."""
    summary = dict(previous)
    severities = Counter(previous.get("by_severity", {}))
    rules = Counter(previous.get("by_rule", {}))
    indicators = Counter(previous.get("by_indicator", {}))
    for rule, severity, indicator in closed:
        severities[severity.value] -= 1
        rules[rule] -= 1
        if rule == "answer":
            indicators[indicator] -= 1
    for i in new:
        severities[found.severities[i].value] += 1
        rules[found.rules[i]] += 1
        if found.rules[i] == "answer":
            indicators[found.indicators[i]] += 1
    summary["flags"] = previous.get("flags", 0) - len(closed) + len(new)
    summary["by_severity"] = {k: v for k, v in severities.items() if v}
    summary["by_rule"] = {k: v for k, v in rules.items() if v}
    summary["by_indicator"] = {k: v for k, v in indicators.items() if v}
    if moved:  # only a supplier added, a region of its own, changes how many there are
        summary["suppliers"] = _suppliers(session, organisation_id)
    summary["answered"] = _answered(session, organisation_id)
    summary["invited"] = _invited(session, organisation_id)
    totals = previous.get("tier_totals")
    if moved or totals is None or not _update_tiers(session, organisation_id, summary, changes):
        summary["exposure_by_tier"], summary["tier_totals"] = _exposure_by_tier(
            session, organisation_id
        )
    return summary


def _update_tiers(
    session: Session, organisation_id: int, summary: dict[str, Any], changes: Sequence[Change]
) -> bool:
    """Update the exposure by tier with the changed carried values; False where that cannot be
    told from them (a tier's highest value fell, or a supplier had no score)."""
    if any(before is None for _, before, _ in changes):
        return False
    tiers = kept_tiers(session, organisation_id, [node for node, _, _ in changes])
    totals = {t: list(v) for t, v in summary["tier_totals"].items()}
    by_tier = {t: dict(v) for t, v in summary["exposure_by_tier"].items()}
    fell: set[str] = set()
    for node, before, now in changes:
        tier = tiers.get(node)
        if tier is None or tier == 0:
            continue
        key = str(tier)
        assert before is not None
        if key not in totals:
            return False
        totals[key][0] += now - before
        by_tier[key]["max"] = max(by_tier[key]["max"], now)
        by_tier[key]["mean"] = round(totals[key][0] / totals[key][1])
        fell.update([key] if before == by_tier[key]["max"] and now < before else [])
    for key in fell:  # the highest value fell: is it still reached by another supplier?
        if not _reached(session, organisation_id, int(key), by_tier[key]["max"]):
            return False
    summary["tier_totals"], summary["exposure_by_tier"] = totals, by_tier
    return True


def _reached(session: Session, organisation_id: int, tier: int, value: int) -> bool:
    """Whether a supplier on tier carries value or more (stops at the first one found)."""
    found = session.execute(
        _on_tiers(sa.select(col(SupplierExposure.supplier_id)), organisation_id)
        .where(col(RunSupplier.tier) == tier, col(SupplierExposure.carried) >= value)
        .limit(1)
    ).first()
    return found is not None


def _on_tiers(query: Any, organisation_id: int) -> Any:
    """query over the organisation's scores joined with the tiers the latest run read."""
    return (
        query.select_from(SupplierExposure)
        .join(
            RunSupplier,
            (col(RunSupplier.organisation_id) == col(SupplierExposure.organisation_id))
            & (col(RunSupplier.supplier_id) == col(SupplierExposure.supplier_id)),
        )
        .where(
            col(SupplierExposure.organisation_id) == organisation_id,
            col(RunSupplier.last_run_id).is_(None),
        )
    )


def _suppliers(session: Session, organisation_id: int) -> int:
    """Live suppliers (a supplier added is a region of its own, see regions.py)."""
    query = sa.select(func.count()).select_from(
        live_suppliers(organisation_id).with_only_columns(col(Supplier.id)).subquery()
    )
    return int(session.execute(query).scalar_one())


def _answered(session: Session, organisation_id: int) -> int:
    """Live suppliers with a submitted response (read from the responses, which are few)."""
    return _live_count(
        session,
        organisation_id,
        col(Response.supplier_id),
        col(Response.organisation_id) == organisation_id,
        col(Response.status) == ResponseStatus.SUBMITTED,
    )


def _invited(session: Session, organisation_id: int) -> int:
    """Live suppliers with an invitation."""
    return _live_count(
        session,
        organisation_id,
        col(Invitation.supplier_id),
        col(Invitation.organisation_id) == organisation_id,
    )


def _live_count(
    session: Session, organisation_id: int, supplier: Any, *where: sa.ColumnElement[bool]
) -> int:
    return int(
        session.execute(
            sa.select(func.count(sa.distinct(supplier)))
            .join(Supplier, col(Supplier.id) == supplier)
            .where(*where, col(Supplier.archived_at).is_(None))
        ).scalar_one()
    )


def _exposure_by_tier(
    session: Session, organisation_id: int
) -> tuple[dict[str, dict[str, int]], dict[str, list[int]]]:
    """Carried exposure by tier over the open snapshot rows (engine's tiers as the run read)."""
    tier, carried = col(RunSupplier.tier), col(SupplierExposure.carried)
    rows = session.execute(
        _on_tiers(
            sa.select(tier, func.max(carried), func.sum(carried), func.count()), organisation_id
        )
        .where(tier.is_not(None), tier != 0)
        .group_by(tier)
        .order_by(tier)
    ).all()
    by_tier = {
        str(t): {"max": int(high), "mean": round(int(total) / count)}
        for t, high, total, count in rows
    }
    return by_tier, {str(t): [int(total), count] for t, _, total, count in rows}


# ---- carrying a run out ------------------------------------------------------------------------


def carry_out(
    session: Session,
    run: AssessmentRun,
    previous: AssessmentRun,
    planned: Plan,
    catalogue: Catalogue,
    now: datetime,
    overrides: Mapping[str, Any],
) -> None:
    """An incremental or unchanged run (see plan): flushes; the caller commits."""
    _copy(run, previous)
    if planned.mode == "unchanged":
        run.summary = dict(previous.summary or {}) | {"method": planned.method(0, 0)}
        return
    assert previous.id is not None
    ids, organisation_id, moved = planned.suppliers, run.organisation_id, planned.moved
    whole = moved.below if moved is not None else frozenset()
    inputs = local_inputs(session, organisation_id, ids, catalogue, now, moved)
    found = local_findings(inputs, ids, overrides, whole)
    stored = open_flags(session, organisation_id, ids, whole)
    closed, new = keep_flags(session, run, previous.id, found, stored)
    pairs = [*stored.other, *found.severity_pairs()]
    live = [sid for sid in ids if sid in inputs.suppliers]
    own = own_scores(live, pairs, inputs.responses.keys())
    changes = rescore(session, run, own, flag_counts(pairs))
    run.chain_hash = ""  # not read whole: unknown
    run.questionnaires = sorted(
        set(previous.questionnaires)
        | {f"{r.questionnaire.id} v{r.questionnaire.version}" for r in inputs.responses.values()}
    )
    floors = None if moved is None else _keep_region(session, run, previous, inputs, moved)
    summary = summary_after(
        session, previous.summary or {}, found, new, closed, organisation_id, changes, bool(whole)
    )
    if floors is not None:
        summary["no_floor_known"] = floors
    opened = [(found.rules[i], found.severities[i], found.indicators[i]) for i in new]
    counted = tally.updated(session, run, summary.get(tally.KEY), closed, opened)
    if counted is not None:
        summary[tally.KEY] = counted
    run.summary = summary | {"method": planned.method(len(ids), len(changes))}


def _keep_region(
    session: Session,
    run: AssessmentRun,
    previous: AssessmentRun,
    inputs: RiskInputs,
    moved: Region,
) -> dict[str, int]:
    """Renew the snapshot rows of the region's suppliers and of the links into the changed
    links' children; return the work countries with no labour-cost floor known, counted again
    over those links (the previous run's counts, less the links closed, plus the new)."""
    assert previous.id is not None
    closed, opened = snapshot.keep_region(
        session, run, inputs, moved.below, moved.children, previous.id
    )
    counts = Counter((previous.summary or {}).get("no_floor_known", {}))
    counts.subtract(floors_unknown(replace(inputs, links=closed)))
    counts.update(floors_unknown(replace(inputs, links=opened)))
    return {country: n for country, n in sorted(counts.items()) if n > 0}


def _copy(run: AssessmentRun, previous: AssessmentRun) -> None:
    """What a run not read whole takes over from the previous one: the chain it read is that
    run's (no structure changed), and so are the rules and thresholds."""
    run.rules_version, run.thresholds = previous.rules_version, dict(previous.thresholds)
    run.questionnaires, run.chain_hash = list(previous.questionnaires), previous.chain_hash
    run.has_snapshot = previous.has_snapshot
