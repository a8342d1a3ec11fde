"""Screening packs: what to check about a partner, by its country (pure: no Flask, no ORM).

The packs live in supplychain/data/screening_packs.yaml. load_packs() reads and checks a file
and raises PackError naming the file and the entry that is wrong; pack_for() chooses the pack
by a country code, and Pack.items_for() the items that apply to a supplier by its kind and
NACE code.
"""

from __future__ import annotations

import calendar
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..reference.codes import countries, normalise_nace

PACKS_FILE = Path(__file__).resolve().parent.parent / "data" / "screening_packs.yaml"
ID = r"^[a-z][a-z0-9-]*$"


class PackError(ValueError):
    """A screening pack file that cannot be used; the message names the file and the entry."""


class Text(BaseModel):
    """A text in English and Latvian."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    en: str = Field(min_length=1)
    lv: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.lv if lang == "lv" else self.en


class Item(BaseModel):
    """One thing to check, where, and for how long a check of it stays good."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=ID, max_length=64)
    title: Text
    check: Text
    source: Text
    checked: date
    applies: str  # all | agencies | a NACE code prefix
    valid_months: int = Field(ge=1, le=60)
    valid_basis: Literal["law", "ours"]

    @field_validator("applies")
    @classmethod
    def _applies(cls, value: str) -> str:
        if value in ("all", "agencies"):
            return value
        code = normalise_nace(value)
        if code is None:
            raise ValueError("must be all, agencies or a NACE code such as F or F41")
        return code

    def applies_to(self, *, is_agency: bool, sector: str) -> bool:
        """Whether a supplier of this kind and NACE sector must pass the item."""
        if self.applies == "all":
            return True
        if self.applies == "agencies":
            return is_agency
        code = normalise_nace(sector) if sector else None
        return code is not None and code.startswith(self.applies)

    def valid_until(self, checked_on: date) -> date:
        """The last day a check made on checked_on is good for."""
        return add_months(checked_on, self.valid_months)


class Pack(BaseModel):
    """The checklist for partners of some countries (none: the general one)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=ID, max_length=16)
    countries: tuple[str, ...]
    name: Text
    basis: Text
    items: tuple[Item, ...] = Field(min_length=1)

    @field_validator("countries")
    @classmethod
    def _countries(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [c for c in value if c not in countries()]
        if unknown:
            raise ValueError(f"not ISO 3166-1 alpha-2 codes: {', '.join(unknown)}")
        return value

    @field_validator("items")
    @classmethod
    def _unique_items(cls, value: tuple[Item, ...]) -> tuple[Item, ...]:
        ids = [i.id for i in value]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"item ids used twice: {', '.join(twice)}")
        return value

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)

    def items_for(self, *, is_agency: bool, sector: str) -> tuple[Item, ...]:
        """The items a supplier of this kind and sector must pass, in the pack's order."""
        return tuple(i for i in self.items if i.applies_to(is_agency=is_agency, sector=sector))


class Packs:
    """All packs, in the file's order, with the general one for every other country."""

    def __init__(self, packs: tuple[Pack, ...]) -> None:
        self.packs = packs
        self.by_id = {p.id: p for p in packs}
        self.general = next(p for p in packs if not p.countries)
        self._by_country = {c: p for p in packs for c in p.countries}

    def for_country(self, country: str) -> Pack:
        return self._by_country.get((country or "").strip().upper(), self.general)


def load_packs(path: Path) -> Packs:
    """Read and check a pack file; PackError names the file and what is wrong."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PackError(f"{path}: cannot read: {exc}") from None
    if not isinstance(raw, list) or not raw:
        raise PackError(f"{path}: expected a list of packs")
    packs = []
    for n, entry in enumerate(raw, start=1):
        name = entry.get("id", f"#{n}") if isinstance(entry, dict) else f"#{n}"
        try:
            packs.append(Pack.model_validate(entry))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'pack'}: {e['msg']}" for e in exc.errors()
            )
            raise PackError(f"{path}: pack {name}: {problems}") from None
    _check_set(path, packs)
    return Packs(tuple(packs))


def _check_set(path: Path, packs: list[Pack]) -> None:
    ids = [p.id for p in packs]
    if len(set(ids)) != len(ids):
        raise PackError(f"{path}: pack ids used twice")
    general = [p.id for p in packs if not p.countries]
    if len(general) != 1:
        raise PackError(f"{path}: exactly one pack must have no countries (the general one)")
    claimed = [c for p in packs for c in p.countries]
    twice = sorted({c for c in claimed if claimed.count(c) > 1})
    if twice:
        raise PackError(f"{path}: countries in more than one pack: {', '.join(twice)}")


@cache
def shipped() -> Packs:
    """The packs shipped with the application."""
    return load_packs(PACKS_FILE)


def pack_for(country: str) -> Pack:
    """The shipped pack for a partner in country (the general one if it has none)."""
    return shipped().for_country(country)


def add_months(day: date, months: int) -> date:
    """The same day months later (the month's last day where it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
