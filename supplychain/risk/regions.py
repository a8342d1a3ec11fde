"""The part of the chain that changed links moved, for an incremental run (issue 24).

Adding, moving or deleting a link marks the link's child (services.mark, a reason in BELOW)
and the suppliers at its other end, before and after (an ordinary mark: their own links
changed); so does adding or editing a supplier (its buyers read its facts). A link change
moves nothing but its child and what lies below it: every path to any other supplier avoids
the link. So the tiers and paths of every supplier outside the region below
the marked children stay those the previous run kept in its snapshot (run_supplier), and the
region's are settled from the links into it (chain.graph.retier).

An incremental run re-evaluates every rule for the suppliers of the region, over a part of
the chain read around it: the links into each supplier whose tier it needs, up the shortest
path to the organisation, so that a flag's path is the one a full run would show.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col

from ..chain.graph import ROOT, retier
from ..models import Link, LinkStatus, RunSupplier
from .findings import LinkFacts
from .inputs import id_chunks, link_facts

# The reasons of marks whose supplier moved or changed with everything below it: a link into
# it was added, moved or deleted, or it was added or edited (chain.services, by hand or by an
# import's diff).
BELOW = frozenset({"link", "supplier", "import"})


@dataclass(frozen=True)
class Region:
    """The suppliers below the changed links, and what a run reads to judge them."""

    children: frozenset[int]  # the changed links' children
    below: frozenset[int]  # those and everything below them
    links: Mapping[tuple[int, int], LinkFacts]  # every link into each supplier of `tier`
    tier: Mapping[int, int]  # tiers (ROOT 0) of the region and of the paths above it


def region(
    session: Session, organisation_id: int, children: Collection[int], most: int
) -> Region | str:
    """The region below children, or why a full run is needed instead: "many" (more than
    most suppliers below them), "loop" (the region holds a loop) or "snapshot" (a tier the
    previous run kept does not fit the links)."""
    below = walk(session, organisation_id, children, up=False, most=most)
    if len(below) > most:
        return "many"
    links = _links_into(session, organisation_id, below)
    known = _reached(session, organisation_id, {p for p, _ in links} - below)
    settled = retier(below, links, known)
    if settled is None:
        return "loop"
    tier = {ROOT: 0, **settled}
    if not _paths_above(session, organisation_id, below, links, known, tier):
        return "snapshot"
    return Region(frozenset(children), frozenset(below), links, tier)


def _paths_above(
    session: Session,
    organisation_id: int,
    below: set[int],
    links: dict[tuple[int, int], LinkFacts],
    known: dict[int, int],
    tier: dict[int, int],
) -> bool:
    """Read the links into the region's parents and into theirs (an intermediary chain that
    ends in the region starts up to two links above it), then up the shortest path of each
    one reached, giving each its kept tier; False where a reached one has no parent one tier
    up. Fills links, known and tier."""
    loaded = set(below)
    need = {p for p, _ in links} - loaded - {ROOT}
    heads = True
    while need:
        more = _links_into(session, organisation_id, need)
        links |= more
        loaded |= need
        known |= _reached(session, organisation_id, {p for p, _ in more} - known.keys())
        parents: dict[int, list[int]] = {}
        for parent, child in more:
            parents.setdefault(child, []).append(parent)
        follow = {p for p, _ in more} if heads else set()
        heads = False
        for node in need & known.keys():
            tier[node] = known[node]
            up = [p for p in parents.get(node, ()) if known.get(p) == known[node] - 1]
            if not up:
                return False
            follow.add(min(up))
        need = follow - loaded - {ROOT}
    return True


def walk(
    session: Session,
    organisation_id: int,
    ids: Collection[int],
    *,
    up: bool,
    most: int | None = None,
) -> set[int]:
    """ids and every supplier above them (up) or below them over the confirmed live links, in
    one recursive query (UNION, not UNION ALL: a loop ends); with most, up to most + 1."""
    link = Link.__table__  # type: ignore[attr-defined]  # (SQLModel doesn't declare it)
    live = sa.and_(
        link.c.organisation_id == organisation_id,
        link.c.status == LinkStatus.CONFIRMED,
        link.c.archived_at.is_(None),
        link.c.parent_id.is_not(None),
    )
    near, far = (link.c.child_id, link.c.parent_id) if up else (link.c.parent_id, link.c.child_id)
    step = sa.select(far.label("id")).where(live, near.in_(list(ids))).cte("walk", recursive=True)
    step = step.union(sa.select(far).where(live, near == step.c.id))
    query = sa.select(step.c.id) if most is None else sa.select(step.c.id).limit(most + 1)
    return set(ids) | set(session.execute(query).scalars())


def _links_into(
    session: Session, organisation_id: int, ids: Collection[int]
) -> dict[tuple[int, int], LinkFacts]:
    found: dict[tuple[int, int], LinkFacts] = {}
    for chunk in id_chunks(ids):
        assert chunk is not None
        found |= link_facts(session, organisation_id, where=col(Link.child_id).in_(chunk))
    return found


def kept_tiers(
    session: Session, organisation_id: int, ids: Collection[int]
) -> dict[int, int | None]:
    """The suppliers' tiers in the chain the latest runs read (their open snapshot rows; None:
    not reached)."""
    found: dict[int, int | None] = {}
    for chunk in id_chunks(ids):
        assert chunk is not None
        found.update(
            session.execute(
                sa.select(col(RunSupplier.supplier_id), col(RunSupplier.tier)).where(
                    col(RunSupplier.organisation_id) == organisation_id,
                    col(RunSupplier.supplier_id).in_(chunk),
                    col(RunSupplier.last_run_id).is_(None),
                )
            ).all()
        )
    return found


def _reached(session: Session, organisation_id: int, ids: Collection[int]) -> dict[int, int]:
    """kept_tiers of the reached suppliers of ids, and ROOT's (0)."""
    kept = kept_tiers(session, organisation_id, set(ids) - {ROOT})
    return {ROOT: 0} | {sid: tier for sid, tier in kept.items() if tier is not None}
