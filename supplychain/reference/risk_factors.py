"""Reference data for the risk rules: legal minimum wages and labour costs, high-risk sectors,
country tiers."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from .codes import countries, nace_codes, normalise_nace

try:  # libyaml's C loader: the same data as the pure one, several times faster
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover (libyaml is in the PyPI wheels)
    from yaml import SafeLoader  # type: ignore[assignment]  # CSafeLoader's pure twin

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
LABOUR_COSTS_FILE = DATA_DIR / "labour_costs.yaml"
HIGH_RISK_SECTORS_FILE = DATA_DIR / "high_risk_sectors.yaml"
COUNTRY_TIERS_FILE = DATA_DIR / "country_tiers.yaml"

Period = Literal["month", "hour"]


class ReferenceDataError(ValueError):
    """A reference data file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class SectorFloor:
    """A lowest lawful gross hourly wage for one sector, set above the statutory minimum (by a
    generally binding agreement, for example), with where it comes from and when it applies."""

    nace: str  # NACE section, division, group or class the floor covers (a code prefix)
    hourly_wage_eur: Decimal
    valid_from: date
    valid_to: date | None
    source: str
    checked: date
    note: str
    source_translated: Mapping[str, str] = field(default_factory=dict, hash=False)

    def applies(self, sector: str, day: date) -> bool:
        """Whether a supplier of this NACE sector is bound by the floor on day."""
        code = sector.strip().upper().replace(" ", "")
        code = normalise_nace(code) or code
        return bool(code) and code.startswith(self.nace) and _in_force(self, day)


def _in_force(figure: Any, day: date) -> bool:
    start, end = figure.valid_from, figure.valid_to
    return start is not None and start <= day and (end is None or day <= end)


def figures_move(costs: Mapping[str, LabourCost], after: date, until: date) -> bool:
    """Whether a figure of costs (a minimum wage or a sector floor) starts or stops applying
    on a day in (after, until]: a run on until may then read other floors than a run on after,
    where otherwise the floors are the same on both days."""

    def moves(figure: LabourCost | SectorFloor) -> bool:
        start, end = figure.valid_from, figure.valid_to
        return (start is not None and after < start <= until) or (
            end is not None and after <= end < until
        )

    return any(moves(cost) or any(map(moves, cost.sector_floors)) for cost in costs.values())


@dataclass(frozen=True)
class LabourCost:
    """What the law makes an hour of work cost an employer, and pay a worker, in one country."""

    country: str
    currency: str
    minimum_wage: Decimal | None
    period: Period | None
    hours_per_month: Decimal | None
    employer_contributions_percent: Decimal | None
    eur_rate: Decimal
    valid_from: date | None
    source: str
    checked: date
    note: str
    eur_rate_date: date | None = None
    valid_to: date | None = None
    hours_per_month_max: Decimal | None = None
    sector_floors: tuple[SectorFloor, ...] = ()
    month_hours: Mapping[int, tuple[Decimal, ...]] = field(default_factory=dict, hash=False)
    source_translated: Mapping[str, str] = field(default_factory=dict, hash=False)

    def in_force(self, day: date) -> bool:
        """Whether the statutory minimum wage of this entry applies on day."""
        return self.minimum_wage is not None and _in_force(self, day)

    @property
    def hourly_wage_eur(self) -> Decimal | None:
        """The statutory minimum gross hourly wage in EUR (for a monthly minimum: over the
        average normal hours of a month), without the employer's contributions; None where
        there is no statutory minimum wage."""
        wage = self.minimum_wage
        if wage is None:
            return None
        if self.period == "hour":
            return wage * self.eur_rate
        if self.period == "month" and self.hours_per_month:
            return wage / self.hours_per_month * self.eur_rate
        return None

    @property
    def lowest_hourly_wage_eur(self) -> Decimal | None:
        """The hourly wage below which pay is under the statutory minimum in every month: where
        the hourly minimum is the monthly one over each month's normal hours, the month with
        the most hours gives it (hours_per_month_max); otherwise the hourly minimum itself."""
        if self.period == "month" and self.minimum_wage is not None and self.hours_per_month_max:
            return self.minimum_wage / self.hours_per_month_max * self.eur_rate
        return self.hourly_wage_eur

    def hours_over(self, start: date, end: date) -> tuple[list[str], Decimal] | None:
        """The months from start to end (each month touched counts whole) and their normal
        hours in all, where the file gives every one of them (month_hours); else None, and the
        year's average (hours_per_month) is used."""
        if self.period != "month" or start > end or (end.year - start.year) > 10:
            return None
        months, hours = [], Decimal(0)
        year, month = start.year, start.month
        while (year, month) <= (end.year, end.month):
            year_hours = self.month_hours.get(year)
            if year_hours is None:
                return None
            months.append(f"{year}-{month:02d}")
            hours += year_hours[month - 1]
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months, hours

    def hourly_eur_over(self, start: date | None, end: date | None) -> Decimal | None:
        """The minimum cost of a labour hour over a contract's months: the monthly minimum of
        each month over those months' normal hours in all, plus contributions; without both
        dates, or months the file does not give, the year's average (hourly_eur)."""
        span = self.hours_over(start, end) if start and end else None
        if span is None or self.minimum_wage is None or self.employer_contributions_percent is None:
            return self.hourly_eur
        months, hours = span
        uplift = 1 + self.employer_contributions_percent / 100
        return self.minimum_wage * len(months) / hours * uplift * self.eur_rate

    @property
    def hourly_eur(self) -> Decimal | None:
        """Minimum hourly wage plus the employer's compulsory contributions, in EUR.

        None where there is no statutory minimum wage (or the entry lacks what is needed).
        """
        wage, contributions = self.minimum_wage, self.employer_contributions_percent
        if wage is None or contributions is None:
            return None
        if self.period == "hour":
            hourly = wage
        elif self.period == "month" and self.hours_per_month:
            hourly = wage / self.hours_per_month
        else:
            return None
        return hourly * (1 + contributions / 100) * self.eur_rate


@dataclass(frozen=True)
class HighRiskSector:
    """A NACE code prefix the sources name as a high-risk sector."""

    nace: str
    labels: dict[str, str]  # by language
    sources: tuple[str, ...]

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels["en"]


@dataclass(frozen=True)
class CountryTier:
    """The tier of one country for the rule cross-border, with the list that puts it there."""

    tier: str  # "eu-eea"; a country in no list is a third country
    name: str  # the list's name
    source: str
    checked: date
    source_translated: Mapping[str, str] = field(default_factory=dict, hash=False)


THIRD_COUNTRY = "third-country"
THIRD_COUNTRY_SOURCE = (
    "in none of the EU/EEA and Swiss lists of supplychain/data/country_tiers.yaml"
)
THIRD_COUNTRY_SOURCE_TRANSLATED = {
    "lv": "nav nevienā no ES/EEZ un Šveices sarakstiem failā supplychain/data/country_tiers.yaml"
}


# --- file schema -------------------------------------------------------------------------


def _number(value: Any) -> Any:
    """Amounts are YAML numbers: a quoted "780" is a typo waiting to be misread."""
    if value is None or (isinstance(value, int | float | Decimal) and not isinstance(value, bool)):
        return value
    raise ValueError("must be a number, not text")


Amount = Annotated[Decimal, BeforeValidator(_number), Field(gt=0)]
Percent = Annotated[Decimal, BeforeValidator(_number), Field(ge=0, lt=100)]
Text = Annotated[str, Field(min_length=1)]


def _known_nace(value: str) -> str:
    if value not in nace_codes():
        raise ValueError(f"{value} is not a NACE Rev. 2 section, division, group or class")
    return value


NaceCode = Annotated[str, AfterValidator(_known_nace)]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _LabourCostEntry(_Entry):
    # No defaults: every field must be written out, as null where there is no value.
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    minimum_wage: Amount | None
    period: Period | None
    hours_per_month: Amount | None
    employer_contributions_percent: Percent | None
    eur_rate: Amount
    eur_rate_date: date | None
    valid_from: date | None
    source: Text
    checked: date
    note: Text
    source_translated: dict[Literal["lv"], Text] = Field(default_factory=dict)
    # Added with the wage rule: optional, so that entries without them need not say so.
    valid_to: date | None = None
    hours_per_month_max: Amount | None = None
    sector_floors: list[_SectorFloorEntry] = Field(default_factory=list)
    # The normal working hours of each month of a year, January first, where the hourly
    # minimum is the monthly one over them (Latvia); read by contracts with known dates.
    month_hours: dict[int, Annotated[list[Amount], Field(min_length=12, max_length=12)]] = Field(
        default_factory=dict
    )

    @field_validator("country")
    @classmethod
    def _iso_country(cls, value: str) -> str:
        if value not in countries():
            raise ValueError(f"{value} is not an ISO 3166-1 alpha-2 country code")
        return value

    @model_validator(mode="after")
    def _complete(self) -> _LabourCostEntry:
        if self.minimum_wage is not None:
            needed = ("period", "employer_contributions_percent", "valid_from")
            missing = [name for name in needed if getattr(self, name) is None]
            if self.period == "month" and self.hours_per_month is None:
                missing.append("hours_per_month")
            if missing:
                raise ValueError(f"a minimum wage needs {', '.join(missing)}")
        if self.hours_per_month_max and (self.hours_per_month or 0) > self.hours_per_month_max:
            raise ValueError("hours_per_month_max must be at least hours_per_month")
        if self.month_hours and self.period != "month":
            raise ValueError("month_hours is only for a monthly minimum wage")
        for year, hours in self.month_hours.items():
            if self.hours_per_month_max and max(hours) > self.hours_per_month_max:
                raise ValueError(f"month_hours {year}: more than hours_per_month_max")
        if self.currency == "EUR" and self.eur_rate != 1:
            raise ValueError("eur_rate must be 1 for EUR")
        if self.currency != "EUR" and self.eur_rate_date is None:
            raise ValueError("a rate for a currency other than EUR needs eur_rate_date")
        return self


class _SectorFloorEntry(_Entry):
    nace: NaceCode
    hourly_wage_eur: Amount
    valid_from: date
    valid_to: date | None
    source: Text
    checked: date
    note: Text
    source_translated: dict[Literal["lv"], Text] = Field(default_factory=dict)


class _SectorEntry(_Entry):
    nace: NaceCode
    label: dict[Literal["en", "lv"], Text]
    sources: Annotated[list[Text], Field(min_length=1)]


class _TierEntry(_Entry):
    name: Text
    tier: Literal["eu-eea"]
    countries: Annotated[list[Annotated[str, Field(pattern=r"^[A-Z]{2}$")]], Field(min_length=1)]
    source: Text
    checked: date
    source_translated: dict[Literal["lv"], Text] = Field(default_factory=dict)

    @field_validator("countries")
    @classmethod
    def _iso_countries(cls, value: list[str]) -> list[str]:
        unknown = [code for code in value if code not in countries()]
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: not ISO 3166-1 alpha-2 country codes")
        return value


E = TypeVar("E", bound=_Entry)


def _where(raw: Any, loc: tuple[int | str, ...]) -> str:
    """'entry 3 (PL): minimum_wage' from a pydantic location, naming the entry by its key."""
    if not loc or not isinstance(loc[0], int) or not isinstance(raw, list):
        return ".".join(map(str, loc)) or "(top)"
    item = raw[loc[0]] if loc[0] < len(raw) else None
    key = None
    if isinstance(item, dict):
        key = item.get("country") or item.get("nace") or item.get("name")
    head = f"entry {loc[0] + 1}" + (f" ({key})" if key else "")
    return ": ".join([head, ".".join(map(str, loc[1:]))]) if len(loc) > 1 else head


def _load(path: Path, schema: type[E], key: Callable[[E], str]) -> list[E]:
    """Read a list of entries from path, refusing with every fault and the file's name."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)
    except (OSError, yaml.YAMLError) as exc:
        raise ReferenceDataError(f"{path.name}: {exc}") from exc
    try:
        # mypy takes no variable as a type argument; pydantic builds the list type at run time.
        entries = TypeAdapter(list[schema]).validate_python(raw)  # type: ignore[valid-type]
    except ValidationError as exc:
        faults = [f"{path.name}: {_where(raw, e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise ReferenceDataError("\n".join(faults)) from exc
    seen: set[str] = set()
    for entry in entries:
        if key(entry) in seen:
            raise ReferenceDataError(f"{path.name}: {key(entry)} appears twice")
        seen.add(key(entry))
    return entries


def load_labour_costs(path: Path) -> dict[str, LabourCost]:
    """Parse a labour cost file into LabourCost by country code."""
    entries = _load(path, _LabourCostEntry, lambda e: e.country)
    return {
        e.country: LabourCost(
            **e.model_dump(exclude={"sector_floors", "month_hours"}),
            sector_floors=tuple(SectorFloor(**f.model_dump()) for f in e.sector_floors),
            month_hours={year: tuple(hours) for year, hours in e.month_hours.items()},
        )
        for e in entries
    }


def load_high_risk_sectors(path: Path) -> tuple[HighRiskSector, ...]:
    """Parse a high-risk sector file, keeping the file's order."""
    entries = _load(path, _SectorEntry, lambda e: e.nace)
    return tuple(
        HighRiskSector(e.nace, {lang: text for lang, text in e.label.items()}, tuple(e.sources))
        for e in entries
    )


def load_country_tiers(path: Path) -> dict[str, CountryTier]:
    """Parse a country tier file into CountryTier by country code; a country twice is refused."""
    tiers: dict[str, CountryTier] = {}
    for e in _load(path, _TierEntry, lambda e: e.name):
        for code in e.countries:
            if code in tiers:
                raise ReferenceDataError(f"{path.name}: {code} is in two lists")
            translated = {str(lang): text for lang, text in e.source_translated.items()}
            tiers[code] = CountryTier(e.tier, e.name, e.source, e.checked, translated)
    return tiers


# --- the shipped data ----------------------------------------------------------------------


def labour_costs_path() -> Path:
    """The labour cost file: SUPPLYCHAIN_REFERENCE_LABOUR_COSTS, else the shipped one.

    An environment variable rather than an app setting, so that the rules (which import no
    Flask), `supplychain reference check` and the overview's warning read the same figures."""
    return Path(os.environ.get("SUPPLYCHAIN_REFERENCE_LABOUR_COSTS") or LABOUR_COSTS_FILE)


def labour_costs() -> dict[str, LabourCost]:
    """Legal minimum labour cost by ISO country code, from the labour cost file."""
    return _labour_costs(labour_costs_path())


@cache
def _labour_costs(path: Path) -> dict[str, LabourCost]:
    return load_labour_costs(path)


@cache
def high_risk_sectors() -> tuple[HighRiskSector, ...]:
    """High-risk sectors with their sources, from supplychain/data/high_risk_sectors.yaml."""
    return load_high_risk_sectors(HIGH_RISK_SECTORS_FILE)


@cache
def country_tiers() -> dict[str, CountryTier]:
    """Tiered countries with their sources, from supplychain/data/country_tiers.yaml."""
    return load_country_tiers(COUNTRY_TIERS_FILE)


def country_tier(code: str) -> CountryTier | None:
    """The tier of an ISO country code, or None for a third country."""
    return country_tiers().get(code.strip().upper())


def sector_match(nace_code: str) -> HighRiskSector | None:
    """The most specific high-risk entry whose code nace_code starts with, or None.

    Codes look like 'F41.20', 'N81.21', 'A02' or a section letter; '41.20' is read as 'F41.20'.
    """
    text = nace_code.strip().upper().replace(" ", "")
    code = normalise_nace(text) or text
    best: HighRiskSector | None = None
    for sector in high_risk_sectors():
        # NACE levels have fixed widths, so a plain prefix test cannot cross into a sibling.
        if code.startswith(sector.nace) and (best is None or len(sector.nace) > len(best.nace)):
            best = sector
    return best


def translated_sources(lang: str) -> dict[str, str]:
    """Each source of the labour costs and country tiers, as the data files write it in
    English, -> its text in lang, where they give one (a flag's evidence keeps the English)."""
    figures: list[LabourCost | SectorFloor | CountryTier] = list(country_tiers().values())
    for cost in labour_costs().values():
        figures += [cost, *cost.sector_floors]
    found = {f.source: f.source_translated[lang] for f in figures if lang in f.source_translated}
    if lang in THIRD_COUNTRY_SOURCE_TRANSLATED:
        found[THIRD_COUNTRY_SOURCE] = THIRD_COUNTRY_SOURCE_TRANSLATED[lang]
    return found


# --- the age of the figures ----------------------------------------------------------------

MAX_AGE_DAYS = 365  # a figure checked longer ago than this is due for a new check


@dataclass(frozen=True)
class FigureAge:
    """One figure of the labour cost file, with where it comes from and whether it is due for a
    check on a given day: `stale` when checked more than a year before, `expired` when the day
    is past its valid-to date."""

    country: str
    what: str  # "minimum wage", or "sector floor <NACE>"
    source: str
    valid_from: date | None
    valid_to: date | None
    checked: date
    stale: bool
    expired: bool

    @property
    def warns(self) -> bool:
        return self.stale or self.expired


def figure_ages(costs: dict[str, LabourCost], today: date) -> list[FigureAge]:
    """Every figure of costs (each country's entry and each sector floor) as of today."""

    def age(country: str, what: str, figure: LabourCost | SectorFloor) -> FigureAge:
        return FigureAge(
            country=country,
            what=what,
            source=figure.source,
            valid_from=figure.valid_from,
            valid_to=figure.valid_to,
            checked=figure.checked,
            stale=(today - figure.checked).days > MAX_AGE_DAYS,
            expired=figure.valid_to is not None and today > figure.valid_to,
        )

    ages = []
    for country, entry in sorted(costs.items()):
        ages.append(age(country, "minimum wage", entry))
        ages.extend(age(country, f"sector floor {f.nace}", f) for f in entry.sector_floors)
    return ages
