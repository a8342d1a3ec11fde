"""The only part of the risk engine that reads the database: one organisation's chain, latest
answers and invitations, in a handful of column-only queries (no ORM objects per supplier;
the links are read once, for the graph and for their facts)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from ..chain.graph import ROOT, analyse, build_graph
from ..chain.retire import live_links, live_suppliers
from ..gcpause import gc_paused
from ..invitations.services import aware
from ..models import (
    Answer,
    CheckIn,
    Invitation,
    Link,
    LinkSource,
    LinkStatus,
    Organisation,
    Response,
    ResponseStatus,
    Site,
    SiteSupplier,
    Supplier,
    SupplierKind,
    WorkerCase,
)
from ..questionnaires.loader import Catalogue
from ..tenancy import in_org
from ..voice.checkin import CHECK_IN_MONTHS, tally
from .findings import (
    CaseFacts,
    CheckInGroup,
    InvitationFacts,
    LinkFacts,
    ResponseFacts,
    RiskInputs,
    ScreeningFacts,
    SiteFacts,
    SupplierFacts,
)

T = TypeVar("T")


def load_inputs(
    session: Session, organisation_id: int, catalogue: Catalogue, now: datetime
) -> RiskInputs:
    """Everything the rules read about one organisation."""
    with gc_paused():
        # A new assessment reads the live chain: archived suppliers, their links, answers and
        # invitations are left out (they keep their evidence, and the runs before keep theirs).
        suppliers = supplier_facts(session, organisation_id, live_only=True)
        links = link_facts(session, organisation_id)
        graph = build_graph(
            (None if parent == ROOT else parent, child, link.relation)
            for (parent, child), link in links.items()
        )
        graph.add_nodes_from(suppliers)  # suppliers without links are in the chain too
        agencies = {sid for sid, facts in suppliers.items() if facts.is_agency}
        organisation = session.get(Organisation, organisation_id)
        return RiskInputs(
            graph=graph,
            analysis=analyse(graph, agencies),
            suppliers=suppliers,
            links=links,
            responses=_only(suppliers, _responses(session, organisation_id, catalogue)),
            invitations=_only(suppliers, _invitations(session, organisation_id)),
            now=now,
            home_country=getattr(organisation, "country", "") or "",
            disclosed=_only(suppliers, disclosed_links(session, organisation_id)),
            screening=screening_facts(session, organisation_id, suppliers, now.date()),
            worker_cases=_only(suppliers, worker_case_facts(session, organisation_id)),
            sites=site_facts(session, organisation_id, suppliers),
            check_ins=check_in_groups(session, organisation_id, now.date()),
        )


def _only(suppliers: Mapping[int, Any], by_supplier: dict[int, T]) -> dict[int, T]:
    return {sid: value for sid, value in by_supplier.items() if sid in suppliers}


def supplier_facts(
    session: Session,
    organisation_id: int,
    *,
    live_only: bool = False,
    created_by: datetime | None = None,
    ids: Collection[int] | None = None,
) -> dict[int, SupplierFacts]:
    """The organisation's suppliers as the rules and the evidence read them.

    With live_only, archived suppliers are left out (what a new assessment reads); without it,
    they are in, so that the flags of earlier runs still name them. created_by keeps those
    created by then; ids keeps those (read in chunks of CHUNK ids).
    """
    kind = sa.type_coerce(Supplier.kind, sa.String)
    query = live_suppliers(organisation_id) if live_only else in_org(Supplier, organisation_id)
    query = query.with_only_columns(
        col(Supplier.id),
        col(Supplier.code),
        col(Supplier.name),
        col(Supplier.registration_no),
        col(Supplier.country),
        col(Supplier.sector),
        kind,
        col(Supplier.employees),
    )
    if created_by is not None:
        query = query.where(col(Supplier.created_at) <= created_by)
    found = {}
    common = _shared()
    for chunk in id_chunks(ids):
        # Core rows: the ORM's costs seconds at 100k.
        part = query if chunk is None else query.where(col(Supplier.id).in_(chunk))
        for sid, code, name, reg, country, sector, k, emp in session.connection().execute(part):
            found[sid] = SupplierFacts(
                code,
                name,
                reg,
                common(country, country),
                common(sector, sector),
                k == SupplierKind.AGENCY.value,
                emp,
            )
    return found


def _shared() -> Any:
    """setdefault of a new dict: one str object for each of the few values that 100k rows
    repeat (a country, a sector, a relation), instead of one per row (~50 bytes each)."""
    return {}.setdefault


CHUNK = 5000  # ids in one IN (...) list: well under every database's limit on parameters


def id_chunks(ids: Collection[int] | None) -> Iterable[list[int] | None]:
    """ids sorted, in lists of at most CHUNK; one None for "no filter" when ids is None."""
    if ids is None:
        yield None
        return
    listed = sorted(set(ids))
    for start in range(0, len(listed), CHUNK):
        yield listed[start : start + CHUNK]


def link_facts(
    session: Session,
    organisation_id: int,
    *,
    live_only: bool = True,
    touching: Collection[int] | None = None,
    where: sa.ColumnElement[bool] | None = None,
) -> dict[tuple[int, int], LinkFacts]:
    """The organisation's confirmed links as the rules read them (with live_only, those between
    suppliers that are not archived; with touching, those to or from these suppliers)."""
    relation = sa.type_coerce(Link.relation, sa.String)
    query = live_links(organisation_id) if live_only else in_org(Link, organisation_id)
    if touching is not None:  # two queries: each end has an index, an OR of them none
        ids = list(touching)
        return link_facts(
            session, organisation_id, live_only=live_only, where=col(Link.parent_id).in_(ids)
        ) | link_facts(
            session, organisation_id, live_only=live_only, where=col(Link.child_id).in_(ids)
        )
    if where is not None:
        query = query.where(where)
    rows = session.connection().execute(
        query.where(col(Link.status) == LinkStatus.CONFIRMED).with_only_columns(
            col(Link.parent_id),
            col(Link.child_id),
            relation,
            col(Link.workers),
            col(Link.contract_value_eur),
            col(Link.labour_hours),
            col(Link.work_country),
            col(Link.start_date),
            col(Link.end_date),
        )
    )
    common = _shared()
    return {
        (parent or ROOT, child): LinkFacts(
            common(rel, rel), workers, value, hours, common(where or "", where or ""), start, end
        )
        for parent, child, rel, workers, value, hours, where, start, end in rows
    }


def disclosed_links(
    session: Session, organisation_id: int, ids: Collection[int] | None = None
) -> dict[int, tuple[tuple[int, str], ...]]:
    """Links suppliers disclosed that await an officer's decision: (child, relation) pairs by
    the supplier that disclosed them (of the suppliers ids only, if given), in one query (few
    rows: only undecided disclosures)."""
    relation = sa.type_coerce(Link.relation, sa.String)
    query = live_links(organisation_id)
    if ids is not None:
        query = query.where(col(Link.parent_id).in_(list(ids)))
    rows = session.connection().execute(
        query.where(
            col(Link.status) == LinkStatus.PROPOSED,
            col(Link.source) == LinkSource.DISCLOSED,
            col(Link.parent_id).is_not(None),
        )
        .with_only_columns(col(Link.parent_id), col(Link.child_id), relation)
        .order_by(col(Link.parent_id), col(Link.child_id))
    )
    found: dict[int, list[tuple[int, str]]] = {}
    for parent, child, rel in rows:
        assert parent is not None  # the query reads only links with a parent
        found.setdefault(parent, []).append((child, rel))
    return {parent: tuple(children) for parent, children in found.items()}


def _responses(
    session: Session,
    organisation_id: int,
    catalogue: Catalogue,
    ids: Collection[int] | None = None,
) -> dict[int, ResponseFacts]:
    """Each supplier's newest submitted response (of the suppliers ids only, if given), read
    with the version it answered."""
    newest = select(func.max(col(Response.id))).where(
        col(Response.organisation_id) == organisation_id,
        col(Response.status) == ResponseStatus.SUBMITTED,
        col(Response.supplier_id).is_not(None),
    )
    if ids is not None:
        newest = newest.where(col(Response.supplier_id).in_(list(ids)))
    newest = newest.group_by(col(Response.supplier_id))
    chosen = session.execute(
        in_org(Response, organisation_id)
        .where(col(Response.id).in_(newest))
        .with_only_columns(
            col(Response.id),
            col(Response.supplier_id),
            col(Response.questionnaire_id),
            col(Response.questionnaire_version),
        )
    ).all()
    answers: dict[int, dict[str, Any]] = {response_id: {} for response_id, *_ in chosen}
    rows = session.execute(
        in_org(Answer, organisation_id)
        .where(col(Answer.response_id).in_(list(answers)))
        .with_only_columns(col(Answer.response_id), col(Answer.question_id), col(Answer.value))
    )
    for response_id, question_id, value in rows:
        answers[response_id][question_id] = value
    found = {}
    for response_id, supplier_id, questionnaire_id, version in chosen:
        questionnaire = catalogue.get(questionnaire_id, version)
        if questionnaire is not None:  # a removed version cannot be read: left out, not guessed
            found[supplier_id] = ResponseFacts(questionnaire, answers[response_id])
    return found


def newest_invitations(organisation_id: int) -> SelectOfScalar[Invitation]:
    """The organisation's invitations that no newer one of their supplier superseded.

    An anti-join, which both planners do well: IN (max(id) GROUP BY supplier) took PostgreSQL
    78 s on 33k invitations bulk-written since its last statistics (a nested loop over the
    grouped ids), and grouping every invitation cost 0.1-0.3 s where only a few are wanted."""
    newer = sa.orm.aliased(Invitation)
    superseded = (
        select(newer.id)
        .where(
            newer.organisation_id == organisation_id,
            newer.supplier_id == Invitation.supplier_id,
            col(newer.id) > Invitation.id,
        )
        .exists()
    )
    return in_org(Invitation, organisation_id).where(~superseded)


def _invitations(
    session: Session, organisation_id: int, ids: Collection[int] | None = None
) -> dict[int, InvitationFacts]:
    """Each invited supplier's newest invitation (of the suppliers ids only, if given), and
    whether it was answered."""
    query = newest_invitations(organisation_id)
    if ids is not None:
        query = query.where(col(Invitation.supplier_id).in_(list(ids)))
    rows = session.execute(
        query.outerjoin(
            Response, col(Response.id) == col(Invitation.response_id)
        ).with_only_columns(
            col(Invitation.supplier_id),
            col(Invitation.expires_at),
            col(Invitation.revoked_at),
            sa.type_coerce(Response.status, sa.String),
        )
    )
    return {
        supplier_id: InvitationFacts(
            deadline=aware(deadline),
            submitted=status == ResponseStatus.SUBMITTED.value,
            revoked=revoked is not None,
        )
        for supplier_id, deadline, revoked, status in rows
    }


def worker_case_facts(
    session: Session, organisation_id: int, ids: Collection[int] | None = None
) -> dict[int, tuple[CaseFacts, ...]]:
    """The workers' reports an officer confirmed with ILO indicators, by each supplier the case
    concerns (closed cases too: what was confirmed stays evidence until the case is deleted)."""
    rows = session.exec(
        select(WorkerCase, Site.name)
        .join(Site, col(Site.id) == col(WorkerCase.site_id))
        .where(WorkerCase.organisation_id == organisation_id)
        .order_by(col(WorkerCase.id))
    ).all()
    found: dict[int, list[CaseFacts]] = {}
    for case, site in rows:
        if not case.indicators:
            continue
        facts = CaseFacts(case.id, site, tuple(case.indicators), case.status.value)  # type: ignore[arg-type]
        for supplier_id in case.supplier_ids:
            if ids is None or supplier_id in ids:
                found.setdefault(supplier_id, []).append(facts)
    return {sid: tuple(cases) for sid, cases in found.items()}


def site_facts(
    session: Session, organisation_id: int, suppliers: Mapping[int, SupplierFacts]
) -> dict[int, SiteFacts]:
    """The sites whose channel runs (not archived), with the live suppliers placed on each."""
    sites = session.exec(
        select(Site.id, Site.name, Site.code)
        .where(Site.organisation_id == organisation_id, col(Site.archived).is_(False))
        .order_by(col(Site.id))
    ).all()
    placed: dict[int, list[int]] = {}
    for site_id, supplier_id in session.exec(
        select(SiteSupplier.site_id, SiteSupplier.supplier_id)
        .where(SiteSupplier.organisation_id == organisation_id)
        .order_by(col(SiteSupplier.supplier_id))
    ):
        if supplier_id in suppliers:
            placed.setdefault(site_id, []).append(supplier_id)
    return {
        site_id: SiteFacts(name, code, tuple(placed.get(site_id, ())))
        for site_id, name, code in sites
        if site_id is not None
    }


def check_in_groups(
    session: Session, organisation_id: int, today: date
) -> tuple[CheckInGroup, ...]:
    """The workers' check-ins of the last CHECK_IN_MONTHS on the sites whose channel runs,
    counted by site and by the employer named (None for "I don't know"; the rules leave out an
    employer no longer in the chain)."""
    rows = session.exec(
        _counted_check_ins(
            select(CheckIn.site_id, CheckIn.supplier_id, CheckIn.answers), organisation_id, today
        ).order_by(col(CheckIn.id))
    ).all()
    groups: dict[tuple[int, int | None], list[Mapping[str, str]]] = {}
    for site_id, supplier_id, answers in rows:
        groups.setdefault((site_id, supplier_id), []).append(answers)
    return tuple(
        CheckInGroup(site_id, supplier_id, tally(answers))
        for (site_id, supplier_id), answers in sorted(
            groups.items(), key=lambda item: (item[0][0], item[0][1] or 0)
        )
    )


def check_ins_read(session: Session, organisation_id: int, today: date) -> int:
    """How many check-ins an assessment on today reads (its summary keeps the number, so that
    a new one puts the assessment out of date without an audit entry that would time it)."""
    query = _counted_check_ins(select(func.count()).select_from(CheckIn), organisation_id, today)
    return int(session.exec(query).one())


def check_ins_aged(session: Session, organisation_id: int, after: date, until: date) -> bool:
    """Whether an assessment on until leaves out a check-in that one on after read: its day
    fell out of the last CHECK_IN_MONTHS in between."""
    query = _counted_check_ins(select(CheckIn.id), organisation_id, after)
    aged = query.where(col(CheckIn.given_on) < _window(until)).limit(1)
    return session.exec(aged).first() is not None


def _window(today: date) -> date:
    """The first day of the check-ins an assessment on today reads."""
    return today - timedelta(days=round(CHECK_IN_MONTHS * 365.25 / 12))


def _counted_check_ins(query: Any, organisation_id: int, today: date) -> Any:
    """query over the check-ins the rules read: the organisation's, on a site whose channel
    runs, of the last CHECK_IN_MONTHS."""
    return query.join(Site, col(Site.id) == col(CheckIn.site_id)).where(
        CheckIn.organisation_id == organisation_id,
        col(Site.archived).is_(False),
        col(CheckIn.given_on) >= _window(today),
    )


def screening_facts(
    session: Session,
    organisation_id: int,
    suppliers: Mapping[int, SupplierFacts],
    today: date,
    ids: Collection[int] | None = None,
) -> dict[int, tuple[ScreeningFacts, ...]]:
    """The latest check of each screening item that applies to each supplier (by its country,
    kind and sector), with its state on today: an expiry by date alone shows on the next run."""
    from ..screening.packs import pack_for
    from ..screening.services import latest_by_supplier
    from ..screening.state import item_states

    found = {}
    for supplier_id, checks in latest_by_supplier(session, organisation_id, ids).items():
        facts = suppliers.get(supplier_id)
        if facts is None:
            continue
        pack = pack_for(facts.country)
        items = pack.items_for(is_agency=facts.is_agency, sector=facts.sector)
        latest = {item: check for (p, item), check in checks.items() if p == pack.id}
        found[supplier_id] = tuple(
            ScreeningFacts(
                pack.id,
                s.item.id,
                s.state.value,
                s.check.result.value,
                s.check.checked_on.isoformat(),
                s.check.checked_by_name,
                s.check.valid_until.isoformat(),
            )
            for s in item_states(items, latest, today)
            if s.check is not None
        )
    return found
