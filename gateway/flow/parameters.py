"""The year's legal parameters for allocation: income limits, rent limits and the AOW age.

The figures change every 1 January. Eligibility and passend toewijzen use the parameters of the
calendar year of the *allocation date* (never today's date), so re-running last December's allocation
in January gives the same answer. The shipped table is `gateway/flow/data/parameters.yaml` (each table
with its source); a region may override any figure for a year (`ParameterTable.with_overrides`).

Everything here is pure except `load_parameter_table` / `default_parameter_table`, which read the file.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Self
from zoneinfo import ZoneInfo

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from gateway.flow.issues import ConfigError, ConfigIssue, issues_from_validation, yaml_syntax_issue

__all__ = [
    "DUTCH_TIME",
    "Euro",
    "ParameterTable",
    "ParameterYearMissing",
    "YearParameters",
    "add_months",
    "age_in_months",
    "age_on",
    "allocation_date_of",
    "default_parameter_table",
    "dutch_year_bounds",
    "load_parameter_table",
    "parse_parameter_table",
]

SINGLE_PERSON = 1
"""Household size that counts as single-person (eenpersoonshuishouden) for the income limits."""

HIGH_AFTOPPING_FROM = 3
"""From this household size on, the high aftoppingsgrens applies (one or two persons: the low one)."""


_CENT = Decimal("0.01")


def _euro_input(value: Any) -> Any:
    # Parameter files quote their amounts ("650.43") so YAML never makes binary floats of them; an
    # unquoted number is accepted through its shortest text, so 650.43 stays 650.43.
    if isinstance(value, bool):
        raise ValueError("an amount cannot be a boolean")
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str | int):
        try:
            return Decimal(value)
        except InvalidOperation:
            raise ValueError("an amount is a number of euros, like 650.43") from None
    return value


def _whole_cents(value: Decimal) -> Decimal:
    if not value.is_finite() or value < 0:
        raise ValueError("an amount is a non-negative number of euros")
    if value != value.quantize(_CENT):
        raise ValueError("an amount has at most two decimals (whole cents)")
    return value.quantize(_CENT)


Euro = Annotated[Decimal, BeforeValidator(_euro_input), AfterValidator(_whole_cents)]
"""A parameter amount in euros, whole cents (incomes per year, rents per month)."""

DUTCH_TIME = ZoneInfo("Europe/Amsterdam")


def dutch_year_bounds(year: int) -> tuple[datetime, datetime]:
    """The Dutch calendar year `year` as [start, end) moments: what the flow, the reports and the API count
    a year's listings and offers in (a letting's `jaar` is the year of its Dutch allocation date)."""
    return datetime(year, 1, 1, tzinfo=DUTCH_TIME), datetime(year + 1, 1, 1, tzinfo=DUTCH_TIME)


def allocation_date_of(moment: datetime) -> date:
    """The Dutch calendar date of a moment (31 December 23:30 UTC is already 1 January in Nijmegen)."""
    if moment.tzinfo is None:
        raise ValueError("allocation_date_of needs a timezone-aware datetime")
    return moment.astimezone(DUTCH_TIME).date()


def age_in_months(birth: date, on: date) -> int:
    """Completed months of age on `on`.

    A month is complete on the same day of the month as the birth day; when a month is shorter
    (born on the 31st, or on 29 February) it completes on the first day of the next month.
    """
    months = (on.year - birth.year) * 12 + (on.month - birth.month)
    if on.day < birth.day:
        months -= 1
    return months


def add_months(day: date, months: int) -> date:
    """`months` later, on the same day of the month; when that month is shorter, the first day of the next
    month (the convention of `age_in_months`: `age_in_months(birth, add_months(birth, n)) == n`)."""
    year, month_index = divmod(day.month - 1 + months, 12)
    year += day.year
    try:
        return day.replace(year=year, month=month_index + 1)
    except ValueError:
        return date(year + (month_index + 1) // 12, (month_index + 1) % 12 + 1, 1)


def age_on(birth: date, on: date) -> int:
    """Completed years of age on `on` (the allocation date, not today)."""
    return age_in_months(birth, on) // 12


class YearParameters(BaseModel):
    """The legal figures of one calendar year. Incomes are euros per year, rents euros per month."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    year: int = Field(ge=2000, le=2100)
    daeb_income_limit_single: Euro
    daeb_income_limit_multi: Euro
    passend_income_limit_single: Euro
    passend_income_limit_multi: Euro
    passend_income_limit_single_aow: Euro
    passend_income_limit_multi_aow: Euro
    aftoppingsgrens_low: Euro
    aftoppingsgrens_high: Euro
    kwaliteitskortingsgrens: Euro
    liberalisatiegrens: Euro
    aow_age_years: int = Field(ge=60, le=75)
    aow_age_months: int = Field(ge=0, le=11)
    aow_age_previous_years: int = Field(ge=60, le=75)
    aow_age_previous_months: int = Field(ge=0, le=11)
    """The previous year's AOW age: who reached it then keeps the AOW, even below this year's age."""

    @model_validator(mode="after")
    def _limits_are_ordered(self) -> Self:
        # These orderings hold in every published year; a break is almost always a typo (6504.3 for 650.43).
        checks = (
            ("daeb_income_limit_single", "daeb_income_limit_multi"),
            ("passend_income_limit_single", "passend_income_limit_multi"),
            ("passend_income_limit_single_aow", "passend_income_limit_multi_aow"),
            ("passend_income_limit_multi", "daeb_income_limit_multi"),
            ("kwaliteitskortingsgrens", "aftoppingsgrens_low"),
            ("aftoppingsgrens_low", "aftoppingsgrens_high"),
            ("aftoppingsgrens_high", "liberalisatiegrens"),
        )
        wrong = [f"{low} > {high}" for low, high in checks if getattr(self, low) > getattr(self, high)]
        if wrong:
            raise ValueError(f"limits out of order in {self.year}: " + "; ".join(wrong))
        return self

    def daeb_income_limit(self, persons: int) -> Decimal:
        """DAEB income limit for a household of `persons` (single- or multi-person)."""
        return self.daeb_income_limit_single if persons <= SINGLE_PERSON else self.daeb_income_limit_multi

    def passend_income_limit(self, persons: int, *, aow: bool) -> Decimal:
        """Passend-toewijzen income limit for the household type (single/multi x below/at AOW age)."""
        if persons <= SINGLE_PERSON:
            return self.passend_income_limit_single_aow if aow else self.passend_income_limit_single
        return self.passend_income_limit_multi_aow if aow else self.passend_income_limit_multi

    def aftoppingsgrens(self, persons: int) -> Decimal:
        """The rent limit of passend toewijzen: low for one or two persons, high for three or more."""
        return self.aftoppingsgrens_high if persons >= HIGH_AFTOPPING_FROM else self.aftoppingsgrens_low

    @property
    def aow_age_in_months(self) -> int:
        return self.aow_age_years * 12 + self.aow_age_months

    def aow_date(self, birth: date) -> date:
        """The day a person born on `birth` reaches the AOW age (pensioengerechtigde leeftijd).

        Algemene Ouderdomswet art. 7a sets the AOW age per calendar year, and a person reaches it on the
        day their age meets the age of the year that day falls in (SVB: the AOW date follows from the
        birth date). With this year's and the previous year's age: someone who met the previous year's
        age in that year keeps that day (born 15 February 1957: 66 years and 10 months on 15 December
        2023); everyone else reaches it on the day they meet this year's age.
        """
        previous = add_months(birth, self.aow_age_previous_years * 12 + self.aow_age_previous_months)
        if previous.year < self.year:
            return previous
        return add_months(birth, self.aow_age_in_months)

    def has_reached_aow_age(self, birth: date, on: date) -> bool:
        """Whether a person born on `birth` is of AOW age on `on`, the allocation date: the one reference
        date of the rule (their `aow_date` is on or before it)."""
        return self.aow_date(birth) <= on


class ParameterYearMissing(LookupError):
    """The allocation date falls in a year the parameter table does not cover."""


@dataclass(frozen=True, eq=False)
class ParameterTable:
    """Parameters per calendar year, with the source of each table. Build with `parse_parameter_table`."""

    years: Mapping[int, YearParameters]
    sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.years:
            raise ValueError("a parameter table needs at least one year")
        object.__setattr__(self, "years", MappingProxyType(dict(sorted(self.years.items()))))
        object.__setattr__(self, "sources", MappingProxyType(dict(self.sources)))

    @property
    def first_year(self) -> int:
        return min(self.years)

    @property
    def last_year(self) -> int:
        return max(self.years)

    def for_year(self, year: int) -> YearParameters:
        try:
            return self.years[year]
        except KeyError:
            covered = ", ".join(str(y) for y in self.years)
            raise ParameterYearMissing(f"no allocation parameters for {year}; the table covers {covered}") from None

    def for_date(self, allocation_date: date) -> YearParameters:
        """The parameters of the allocation date's calendar year (a clear error outside the table).

        A `datetime` is refused: which calendar day a moment falls on depends on the time zone, so
        the caller converts it to the Dutch calendar date first (see `gateway.flow.eligibility`).
        """
        if isinstance(allocation_date, datetime):
            raise TypeError("for_date needs a calendar date (datetime.date), not a datetime")
        try:
            return self.for_year(allocation_date.year)
        except ParameterYearMissing as error:
            raise ParameterYearMissing(f"allocation date {allocation_date.isoformat()}: {error}") from None

    def with_overrides(self, overrides: Mapping[int, Mapping[str, Any]]) -> ParameterTable:
        """A new table with a region's figures replacing the national ones, per year.

        An override for a year outside the table must give every figure (it adds that year).
        Raises `ConfigError` listing every bad figure, located as `[year].field`.
        """
        years = dict(self.years)
        issues: list[ConfigIssue] = []
        for year, figures in sorted(overrides.items()):
            base = years[year].model_dump() if year in years else {}
            try:
                years[year] = YearParameters.model_validate({**base, **figures, "year": year})
            except ValidationError as error:
                issues += issues_from_validation(error, prefix=[year])
        if issues:
            raise ConfigError("parameter overrides", issues)
        return ParameterTable(years, self.sources)


class _TableFile(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    class Table(BaseModel):
        model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

        description: str = ""
        unit: str = ""
        source: str = Field(min_length=1)
        years: dict[int, str | int | dict[str, str | int]] = Field(min_length=1)

    version: int = Field(ge=1, le=1)
    tables: dict[str, Table] = Field(min_length=1)


def parse_parameter_table(data: object, source: str = "parameter table") -> ParameterTable:
    """Build a `ParameterTable` from the parsed YAML mapping (pure). Raises `ConfigError` with every issue.

    A table whose years hold a mapping fills `YearParameters` fields `<table>_<key>`; a table whose
    years hold one value fills the field `<table>`. Every table must cover the same years.
    """
    try:
        parsed = _TableFile.model_validate(data)
    except ValidationError as error:
        raise ConfigError(source, issues_from_validation(error)) from None
    all_years = sorted({year for table in parsed.tables.values() for year in table.years})
    issues: list[ConfigIssue] = []
    figures: dict[int, dict[str, Any]] = {year: {"year": year} for year in all_years}
    for name, table in parsed.tables.items():
        for year in all_years:
            if year not in table.years:
                issues.append(ConfigIssue(f"tables.{name}.years", f"missing year {year}"))
                continue
            value = table.years[year]
            if isinstance(value, dict):
                figures[year].update({f"{name}_{key}": figure for key, figure in value.items()})
            else:
                figures[year][name] = value
    years: dict[int, YearParameters] = {}
    for year, values in figures.items():
        try:
            years[year] = YearParameters.model_validate(values)
        except ValidationError as error:
            issues += issues_from_validation(error, prefix=["years", year])
    if issues:
        raise ConfigError(source, issues)
    return ParameterTable(years, {name: table.source.strip() for name, table in parsed.tables.items()})


def load_parameter_table(path: Path | None = None) -> ParameterTable:
    """Read a parameter table file; without `path`, the table shipped with Woonbrug."""
    if path is None:
        text = resources.files("gateway.flow").joinpath("data", "parameters.yaml").read_text(encoding="utf-8")
        source = "gateway/flow/data/parameters.yaml"
    else:
        text = path.read_text(encoding="utf-8")
        source = str(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(source, [yaml_syntax_issue(error)]) from None
    return parse_parameter_table(data, source)


@functools.cache
def default_parameter_table() -> ParameterTable:
    """The shipped national table, read once per process."""
    return load_parameter_table()
