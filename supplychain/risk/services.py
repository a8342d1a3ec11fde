"""Assessment runs: queue one, carry it out with progress, keep its flags, compare runs, and
record the officer's decisions on flags."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import compress
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col
from sqlmodel.sql.expression import SelectOfScalar

from .. import audit
from ..gcpause import gc_paused
from ..models import (
    AssessmentRun,
    Flag,
    FlagDecision,
    FlagStatus,
    RiskMark,
    RunStatus,
    Severity,
    SupplierExposure,
    utcnow,
)
from ..tenancy import in_org
from ..validation import InvalidInput
from ..vocab import GRAVEST_FIRST
from . import tally
from .bulk import insert_rows
from .dismissal import clear_proposal, decision_of, propose_dismissal
from .engine import Exposure, thresholds_for
from .findings import Finding, RiskInputs
from .flagset import FlagSet
from .rules import RULES, RULES_VERSION
from .snapshot import keep_chain
from .structural_rules import floors_unknown

LEASE = timedelta(minutes=10)


# Triggers that ask for a full run (risk.incremental.plan): a person or a schedule asking.
FULL_TRIGGERS = frozenset({"manual", "cli", "api", "demo", "nightly"})


def queue_run(
    *, session: Session, organisation_id: int, trigger: str, user_id: int | None = None
) -> AssessmentRun:
    """Ask for an assessment; a run already waiting for this organisation covers this one too
    (and becomes a full one if this trigger asks for that: "Assess now" after an answer)."""
    waiting = session.exec(
        in_org(AssessmentRun, organisation_id).where(col(AssessmentRun.status) == RunStatus.QUEUED)
    ).first()
    if waiting is not None:
        if trigger in FULL_TRIGGERS and waiting.trigger not in FULL_TRIGGERS:
            waiting.trigger = trigger
            session.add(waiting)
        return waiting
    run = AssessmentRun(
        organisation_id=organisation_id, trigger=trigger, user_id=user_id, status=RunStatus.QUEUED
    )
    session.add(run)
    session.flush()
    return run


def queue_after_change(
    session: Session,
    *,
    organisation_id: int,
    change: str,
    user_id: int | None,
    suppliers: Collection[int] | None = None,
) -> None:
    """Receives events.supplier_data_changed (connected by create_app): an import, a confirmed
    disclosure or a submitted response marks what it touched and queues an assessment, in the
    same transaction."""
    mark(session, organisation_id, suppliers, change)
    queue_run(session=session, organisation_id=organisation_id, trigger=change, user_id=user_id)


def mark_after_change(
    session: Session, *, organisation_id: int, change: str, suppliers: Collection[int] | None
) -> None:
    """Receives events.suppliers_touched: a change that queues no run of its own (a screening
    check, an invitation revoked or resent) marks the suppliers it touched."""
    mark(session, organisation_id, suppliers, change)


def mark(
    session: Session, organisation_id: int, suppliers: Collection[int] | None, reason: str
) -> None:
    """Record, in the change's transaction, which suppliers a change touched (None: it may
    touch everything, which asks the next run to be a full one). The next run re-evaluates
    the marked suppliers and deletes the marks it read (risk.incremental)."""
    ids: list[int | None] = [None] if suppliers is None else [*sorted(set(suppliers))]
    if ids:
        now = utcnow()
        session.execute(
            sa.insert(RiskMark),
            [
                {"organisation_id": organisation_id, "supplier_id": sid, "reason": reason[:32]}
                | {"created_at": now}
                for sid in ids
            ],
        )


def record_run(
    session: Session,
    run: AssessmentRun,
    inputs: RiskInputs,
    findings: FlagSet,
    scores: Mapping[int, Exposure],
    overrides: Mapping[str, Any],
) -> None:
    """Keep what a run found and what it was based on: its flags (carried over from the
    previous run where they are the same), scores and chain, the rules' version, thresholds,
    questionnaire versions and summary. Flushes; the caller commits."""
    previous = latest_run(session, run.organisation_id)
    run.chain_hash = chain_hash(inputs)
    with gc_paused():
        _keep_flags(session, run, findings, previous.id if previous else None)
        _keep_scores(session, run, scores, findings)
        keep_chain(session, run, inputs, previous)
    run.rules_version = RULES_VERSION
    run.thresholds = {rid: thresholds_for(r, overrides) for rid, r in RULES.items() if r.thresholds}
    run.questionnaires = sorted(
        {f"{r.questionnaire.id} v{r.questionnaire.version}" for r in inputs.responses.values()}
    )
    # the flags counted once for the flags page (risk.tally), with the run's figures
    run.summary = {**_summary(inputs, findings, scores), tally.KEY: tally.counted(session, run)}


def _keep_flags(
    session: Session, run: AssessmentRun, findings: FlagSet, previous_id: int | None
) -> None:
    """Keep the flags the previous run also raised as they are (open), close the ones it raised
    and this run does not, and add the rest as new rows."""
    resolved: list[int | None] = []  # flag ids (typed optional)
    if previous_id is not None:
        # Streamed (a server-side cursor on PostgreSQL) and compared as read: never every
        # stored fingerprint at once beside the flags (~80 MB at 100k suppliers).
        rows = session.connection().execute(
            in_org(Flag, run.organisation_id)
            .where(col(Flag.last_run_id).is_(None))
            .with_only_columns(col(Flag.fingerprint), col(Flag.id))
            .execution_options(yield_per=5000)
        )
        resolved = findings.settle(rows)
    for start in range(0, len(resolved), 5000):
        session.execute(
            sa.update(Flag)
            .where(col(Flag.id).in_(resolved[start : start + 5000]))
            .values(last_run_id=previous_id)
        )
    assert run.id is not None  # the run was stored when it was queued
    new = findings.rows(run.organisation_id, run.id)
    # SQLModel's stubs don't declare the __table__ SQLAlchemy's mapping gives every table model.
    insert_rows(session, Flag.__table__, FLAG_COLUMNS, new)  # type: ignore[attr-defined]


FLAG_COLUMNS = (
    "organisation_id",
    "fingerprint",
    "rule",
    "indicator",
    "supplier_id",
    "severity",
    "data",
    "first_run_id",
)


def _keep_scores(
    session: Session, run: AssessmentRun, scores: Mapping[int, Exposure], findings: FlagSet
) -> None:
    counts = Counter(findings.suppliers)
    # The suppliers' flags of each severity counted, in C (a Counter of (supplier, severity)
    # pairs would hold a tuple per pair, and take a lookup per severity per row).
    graded = [
        Counter(compress(findings.suppliers, map(s.__eq__, findings.severities)))
        for s in GRAVEST_FIRST
    ]
    session.execute(
        sa.delete(SupplierExposure).where(
            col(SupplierExposure.organisation_id) == run.organisation_id
        )
    )
    org, run_id = run.organisation_id, run.id
    insert_rows(
        session,
        SupplierExposure.__table__,  # type: ignore[attr-defined]  # (SQLModel doesn't declare it)
        ("organisation_id", "supplier_id", "own", "carried", "flags", "run_id")
        + tuple(s.value for s in GRAVEST_FIRST),  # its flags by severity, for the grouped view
        (
            (
                org,
                supplier_id,
                *score,
                counts[supplier_id],
                run_id,
                *[g[supplier_id] for g in graded],
            )
            for supplier_id, score in scores.items()
        ),
    )


def chain_hash(inputs: RiskInputs) -> str:
    """A digest of everything the rules read, to tell whether two runs saw the same chain."""
    digest = hashlib.sha256()
    _hash_rows(digest, inputs.links)
    _hash_rows(digest, inputs.suppliers)
    for key in sorted(inputs.responses):
        response = inputs.responses[key]
        digest.update(
            repr(
                (key, response.questionnaire.id, sorted(response.answers.items(), key=str))
            ).encode()
        )
    for key in sorted(inputs.invitations):
        digest.update(repr((key, inputs.invitations[key])).encode())
    for key in sorted(inputs.screening):  # states as of the run's day: an expiry changes it
        digest.update(repr((key, inputs.screening[key])).encode())
    digest.update(inputs.home_country.encode())
    return digest.hexdigest()


def _hash_rows(digest: Any, facts: Mapping[Any, tuple[Any, ...]]) -> None:
    """Feed the facts to digest as the rows they were read from, (key, *values) in key order,
    a few thousand rows to a text (a plain tuple's repr is written in C, a named tuple's in
    Python; and the texts of 100k rows at once would hold tens of MB)."""
    keys = sorted(facts)
    for start in range(0, len(keys), 5000):
        rows: list[tuple[Any, ...]] = [(key, *facts[key]) for key in keys[start : start + 5000]]
        digest.update(repr(rows).encode())


def _summary(
    inputs: RiskInputs, findings: FlagSet, scores: Mapping[int, Exposure]
) -> dict[str, Any]:
    by_tier: dict[str, list[int]] = {}
    for node, tier in inputs.analysis.tier.items():
        if node in scores:
            by_tier.setdefault(str(tier), []).append(scores[node].carried)
    return {
        "flags": len(findings),
        "suppliers": len(inputs.suppliers),
        "by_severity": {s.value: n for s, n in Counter(findings.severities).items()},
        "by_rule": dict(Counter(findings.rules)),
        "by_indicator": dict(
            Counter(
                i for r, i in zip(findings.rules, findings.indicators, strict=True) if r == "answer"
            )
        ),
        "exposure_by_tier": {
            tier: {"max": max(values), "mean": round(sum(values) / len(values))}
            for tier, values in sorted(by_tier.items(), key=lambda kv: int(kv[0]))
            if tier != "0"
        },
        # The sums and counts behind the means, for an incremental run to update.
        "tier_totals": {
            tier: [sum(values), len(values)] for tier, values in by_tier.items() if tier != "0"
        },
        "answered": len(inputs.responses),
        "check_ins": sum(group.tally.answered for group in inputs.check_ins),
        "invited": len(inputs.invitations),
        # Work countries of priced links with no known labour-cost floor: not judged, said so.
        "no_floor_known": floors_unknown(inputs),
    }


def latest_run(session: Session, organisation_id: int) -> AssessmentRun | None:
    """The newest finished run."""
    return session.exec(
        in_org(AssessmentRun, organisation_id)
        .where(col(AssessmentRun.status) == RunStatus.DONE)
        .order_by(col(AssessmentRun.id).desc())
    ).first()


def flags_of(session: Session, run: AssessmentRun) -> SelectOfScalar[Flag]:
    """The query for a run's flags (add filters and order as needed). Open flags (no last run)
    belong to every finished run since their first."""
    last = col(Flag.last_run_id)
    raised = last >= run.id
    if run.status == RunStatus.DONE:
        raised = raised | last.is_(None)
    return in_org(Flag, run.organisation_id).where(col(Flag.first_run_id) <= run.id, raised)


@dataclass(frozen=True)
class Comparison:
    new: int
    resolved: int
    unchanged: int


def compare(session: Session, run: AssessmentRun) -> Comparison:
    """How a run's flags differ from the run before it."""
    previous = session.exec(
        in_org(AssessmentRun, run.organisation_id)
        .where(col(AssessmentRun.status) == RunStatus.DONE, col(AssessmentRun.id) < run.id)
        .order_by(col(AssessmentRun.id).desc())
    ).first()

    def count(query: SelectOfScalar[Flag]) -> int:
        return int(
            session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
        )

    current = flags_of(session, run)
    new = count(current.where(col(Flag.first_run_id) == run.id))
    if previous is None:
        return Comparison(new=new, resolved=0, unchanged=0)
    resolved = count(in_org(Flag, run.organisation_id).where(col(Flag.last_run_id) == previous.id))
    return Comparison(new=new, resolved=resolved, unchanged=count(current) - new)


def decisions(
    session: Session, organisation_id: int, fingerprints: Iterable[str]
) -> dict[str, FlagDecision]:
    """The decisions on these flags, by fingerprint."""
    rows = session.exec(
        in_org(FlagDecision, organisation_id).where(
            col(FlagDecision.fingerprint).in_(list(fingerprints))
        )
    )
    return {d.fingerprint: d for d in rows}


def decide(
    *,
    session: Session,
    flag: Flag,
    status: FlagStatus,
    user_id: int | None,
    note: str = "",
    owner: str = "",
    due_date: date | None = None,
) -> FlagDecision:
    """Record what the officer decided; a mitigation needs an owner and a due date, a
    dismissal a reason. Dismissing a critical flag only proposes it (see propose_dismissal);
    any other decision replaces a proposal still waiting."""
    errors = {}
    if status == FlagStatus.MITIGATING:
        if not owner.strip():
            errors["owner"] = _l("Name who carries out the mitigation.")
        if due_date is None:
            errors["due_date"] = _l("Give the date it is due.")
    if status == FlagStatus.DISMISSED and not note.strip():
        errors["note"] = _l("Say why this flag is a false positive.")
    if errors:
        raise InvalidInput(errors)
    if status == FlagStatus.DISMISSED and flag.severity == Severity.CRITICAL:
        return propose_dismissal(session=session, flag=flag, user_id=user_id, note=note)
    decision = decision_of(session, flag)
    decision.status, decision.note, decision.owner = (
        status,
        note.strip()[:2000],
        owner.strip()[:200],
    )
    decision.due_date, decision.user_id, decision.updated_at = due_date, user_id, utcnow()
    clear_proposal(decision)
    session.add(decision)
    audit.record(
        session,
        organisation_id=flag.organisation_id,
        user_id=user_id,
        action=f"flag.{status.value}",
        obj=flag,
        rule=flag.rule,
        supplier_id=flag.supplier_id,
    )
    session.flush()
    return decision


def to_finding(flag: Flag) -> Finding:
    """A stored flag as the Finding it was (to explain it or describe it again)."""
    from ..vocab import IloIndicator

    content = flag.content
    return Finding(
        rule=flag.rule,
        supplier_id=flag.supplier_id,
        severity=flag.severity,
        evidence=content["evidence"],
        params=content["params"],
        indicator=flag.indicator,
        ilo=tuple(IloIndicator(i) for i in content["ilo"]),
        guide=tuple(content["guide"]),
    )
