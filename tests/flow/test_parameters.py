"""The yearly parameter table: the published figures, selection by allocation date, overrides, errors."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from gateway.flow.issues import ConfigError
from gateway.flow.parameters import (
    ParameterYearMissing,
    YearParameters,
    age_in_months,
    age_on,
    allocation_date_of,
    default_parameter_table,
    load_parameter_table,
    parse_parameter_table,
)
from gateway.flow.policy import ParameterOverride
from tests.flow.published import PUBLISHED


def _expected(year: int) -> dict[str, Any]:
    return {
        name: (value if isinstance(value, int) else Decimal(value).quantize(Decimal("0.01")))
        for name, value in PUBLISHED[year].items()
    }


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_shipped_table_holds_the_published_figures(year: int) -> None:
    figures = default_parameter_table().for_year(year).model_dump()
    assert figures == {"year": year, **_expected(year)}


def test_shipped_table_covers_exactly_2024_to_2026() -> None:
    assert list(default_parameter_table().years) == [2024, 2025, 2026]


def test_amounts_are_decimals_not_floats() -> None:
    figures = default_parameter_table().for_year(2024)
    assert isinstance(figures.aftoppingsgrens_low, Decimal)
    assert figures.aftoppingsgrens_low == Decimal("650.43")


def test_every_table_names_its_official_source() -> None:
    sources = default_parameter_table().sources
    assert set(sources) == {
        "daeb_income_limit",
        "passend_income_limit",
        "aftoppingsgrens",
        "kwaliteitskortingsgrens",
        "liberalisatiegrens",
        "aow_age",
    }
    for name, text in sources.items():
        assert "Rijksoverheid" in text or "Belastingdienst" in text, name


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2024, 1, 1), 2024),
        (date(2024, 12, 31), 2024),
        (date(2025, 1, 1), 2025),
        (date(2025, 12, 31), 2025),
        (date(2026, 1, 1), 2026),
        (date(2026, 12, 31), 2026),
    ],
)
def test_year_is_chosen_by_the_allocation_date(day: date, year: int) -> None:
    assert default_parameter_table().for_date(day).year == year


@pytest.mark.parametrize("day", [date(2023, 12, 31), date(2027, 1, 1), date(1999, 5, 5)])
def test_a_date_outside_the_table_is_a_clear_error(day: date) -> None:
    with pytest.raises(ParameterYearMissing, match=rf"{day.year}.*covers 2024, 2025, 2026"):
        default_parameter_table().for_date(day)


def test_a_datetime_is_refused_because_its_day_depends_on_the_time_zone() -> None:
    with pytest.raises(TypeError):
        default_parameter_table().for_date(datetime(2025, 6, 1, 12, tzinfo=UTC))


def test_allocation_date_of_a_moment_is_the_dutch_calendar_day() -> None:
    # 23:30 UTC on 31 December is already New Year in the Netherlands: the next year's figures apply.
    day = allocation_date_of(datetime(2025, 12, 31, 23, 30, tzinfo=UTC))
    assert day == date(2026, 1, 1)
    assert default_parameter_table().for_date(day).year == 2026
    assert allocation_date_of(datetime(2025, 12, 31, 22, 59, tzinfo=UTC)) == date(2025, 12, 31)
    with pytest.raises(ValueError, match="timezone"):
        allocation_date_of(datetime(2025, 12, 31, 12))


@pytest.mark.parametrize(
    ("persons", "aow", "field"),
    [
        (1, False, "passend_income_limit_single"),
        (1, True, "passend_income_limit_single_aow"),
        (2, False, "passend_income_limit_multi"),
        (2, True, "passend_income_limit_multi_aow"),
        (6, False, "passend_income_limit_multi"),
        (6, True, "passend_income_limit_multi_aow"),
    ],
)
def test_passend_income_limit_by_household_type(persons: int, aow: bool, field: str) -> None:
    figures = default_parameter_table().for_year(2025)
    assert figures.passend_income_limit(persons, aow=aow) == getattr(figures, field)


@pytest.mark.parametrize(("persons", "field"), [(1, "low"), (2, "low"), (3, "high"), (7, "high")])
def test_aftoppingsgrens_low_for_one_or_two_high_from_three(persons: int, field: str) -> None:
    figures = default_parameter_table().for_year(2026)
    assert figures.aftoppingsgrens(persons) == getattr(figures, f"aftoppingsgrens_{field}")


@pytest.mark.parametrize(("persons", "field"), [(1, "single"), (2, "multi"), (5, "multi")])
def test_daeb_income_limit_single_or_multi(persons: int, field: str) -> None:
    figures = default_parameter_table().for_year(2024)
    assert figures.daeb_income_limit(persons) == getattr(figures, f"daeb_income_limit_{field}")


def test_aow_age_is_reached_on_the_birthday() -> None:
    figures = default_parameter_table().for_year(2025)
    on = date(2025, 4, 10)
    assert figures.has_reached_aow_age(date(1958, 4, 10), on)
    assert not figures.has_reached_aow_age(date(1958, 4, 11), on)


@pytest.mark.parametrize(
    ("birth", "on", "aow"),
    [
        # 2023's AOW age was 66 years and 10 months; 2024's is 67.
        (date(1957, 2, 15), date(2024, 1, 10), True),  # reached 66y10m on 2023-12-15: keeps the AOW
        (date(1957, 2, 28), date(2024, 1, 1), True),  # reached it on 2023-12-28
        (date(1957, 3, 1), date(2024, 2, 1), False),  # 66y10m only in 2024, where 67 applies
        (date(1957, 3, 1), date(2024, 3, 1), True),  # 67 on 2024-03-01
    ],
)
def test_aow_age_reached_in_the_previous_year_counts(birth: date, on: date, aow: bool) -> None:
    assert default_parameter_table().for_date(on).has_reached_aow_age(birth, on) is aow


def test_aow_age_with_months_counts_the_months() -> None:
    figures = default_parameter_table().for_year(2025).model_copy(update={"aow_age_months": 3})
    assert not figures.has_reached_aow_age(date(1958, 1, 10), date(2025, 4, 9))
    assert figures.has_reached_aow_age(date(1958, 1, 10), date(2025, 4, 10))


@pytest.mark.parametrize(
    ("birth", "on", "months"),
    [
        (date(2000, 1, 31), date(2000, 2, 29), 0),  # a shorter month completes on the 1st of the next
        (date(2000, 1, 31), date(2000, 3, 1), 1),
        (date(2004, 2, 29), date(2005, 2, 28), 11),  # born on leap day: a year completes on 1 March
        (date(2004, 2, 29), date(2005, 3, 1), 12),
        (date(1990, 6, 15), date(2025, 6, 15), 420),
    ],
)
def test_age_in_months_on_month_ends(birth: date, on: date, months: int) -> None:
    assert age_in_months(birth, on) == months


def test_age_on_counts_completed_years() -> None:
    assert age_on(date(2000, 3, 10), date(2025, 3, 9)) == 24
    assert age_on(date(2000, 3, 10), date(2025, 3, 10)) == 25


def test_region_overrides_replace_single_figures_for_a_year() -> None:
    national = default_parameter_table()
    table = national.with_overrides({2026: {"passend_income_limit_single": Decimal("30000")}})
    assert table.for_year(2026).passend_income_limit_single == Decimal("30000.00")
    assert table.for_year(2026).passend_income_limit_multi == national.for_year(2026).passend_income_limit_multi
    assert table.for_year(2025) == national.for_year(2025)
    assert national.for_year(2026).passend_income_limit_single == Decimal("29400.00")  # unchanged


def test_an_override_adding_a_year_must_be_complete() -> None:
    with pytest.raises(ConfigError) as caught:
        default_parameter_table().with_overrides({2027: {"kwaliteitskortingsgrens": "510.00"}})
    paths = {issue.path for issue in caught.value.issues}
    assert "[2027].liberalisatiegrens" in paths
    assert "[2027].aow_age_years" in paths
    complete = {**PUBLISHED[2026], "kwaliteitskortingsgrens": "510.00"}
    table = default_parameter_table().with_overrides({2027: complete})
    assert table.for_date(date(2027, 3, 1)).kwaliteitskortingsgrens == Decimal("510.00")


def test_override_model_has_every_year_figure() -> None:
    # The region file's override model must keep up with YearParameters.
    assert set(ParameterOverride.model_fields) == set(YearParameters.model_fields) - {"year"}


def _table_data(**tables: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "version": 1,
        "tables": {
            "daeb_income_limit": {"source": "Rijksoverheid", "years": {2030: {"single": "1000", "multi": "2000"}}},
            "passend_income_limit": {
                "source": "Rijksoverheid",
                "years": {2030: {"single": "500", "multi": "600", "single_aow": "500", "multi_aow": "600"}},
            },
            "aftoppingsgrens": {"source": "Belastingdienst", "years": {2030: {"low": "300.00", "high": "320.00"}}},
            "kwaliteitskortingsgrens": {"source": "Belastingdienst", "years": {2030: "200.00"}},
            "liberalisatiegrens": {"source": "Rijksoverheid", "years": {2030: "400.00"}},
            "aow_age": {
                "source": "Rijksoverheid",
                "years": {2030: {"years": 67, "months": 3, "previous_years": 67, "previous_months": 0}},
            },
        },
    }
    base["tables"].update(tables)
    return base


def test_a_table_parses_from_its_mapping() -> None:
    table = parse_parameter_table(_table_data())
    assert table.for_date(date(2030, 2, 2)).aow_age_in_months == 67 * 12 + 3


def test_table_errors_are_all_reported_with_their_place() -> None:
    data = _table_data(
        aftoppingsgrens={"source": "x", "years": {2030: {"low": "300.001", "high": "320.00"}, 2031: {"low": "1"}}},
        liberalisatiegrens={"source": "x", "years": {2030: "100.00"}},
    )
    with pytest.raises(ConfigError) as caught:
        parse_parameter_table(data, "test table")
    text = str(caught.value)
    assert "tables.daeb_income_limit.years: missing year 2031" in text
    assert "years[2030].aftoppingsgrens_low: an amount has at most two decimals" in text
    assert "years[2031].aftoppingsgrens_high: Field required" in text


def test_limits_out_of_order_are_caught_as_typos() -> None:
    data = _table_data(aftoppingsgrens={"source": "x", "years": {2030: {"low": "3000.00", "high": "320.00"}}})
    with pytest.raises(ConfigError, match="aftoppingsgrens_low > aftoppingsgrens_high"):
        parse_parameter_table(data)


def test_a_table_needs_a_source() -> None:
    data = _table_data(liberalisatiegrens={"years": {2030: "400.00"}})
    with pytest.raises(ConfigError, match=r"tables\.liberalisatiegrens\.source: Field required"):
        parse_parameter_table(data)


def test_yaml_syntax_errors_in_a_table_file_give_the_line(tmp_path: Any) -> None:
    path = tmp_path / "parameters.yaml"
    path.write_text("version: 1\ntables:\n  x: [1, 2\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_parameter_table(path)
    assert caught.value.issues[0].line is not None
    assert "YAML syntax error" in caught.value.issues[0].message


def test_the_dutch_calendar_year_starts_at_midnight_in_amsterdam() -> None:
    from datetime import UTC, datetime

    from gateway.flow.parameters import allocation_date_of, dutch_year_bounds

    start, end = dutch_year_bounds(2026)
    assert start == datetime(2025, 12, 31, 23, 0, tzinfo=UTC)  # CET is UTC+1 in winter
    assert end == datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
    new_year = datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
    assert start <= new_year < end
    assert allocation_date_of(new_year).year == 2026  # the same year the lettings' `jaar` gets


@pytest.mark.parametrize(
    ("birth", "year", "aow_date"),
    [
        (date(1957, 2, 15), 2024, date(2023, 12, 15)),  # met 2023's 66y10m in 2023: keeps that day
        (date(1957, 2, 28), 2024, date(2023, 12, 28)),
        (date(1957, 3, 1), 2024, date(2024, 3, 1)),  # 66y10m would fall in 2024, where 67 applies
        (date(1958, 4, 10), 2025, date(2025, 4, 10)),
        (date(1958, 2, 29 - 1), 2025, date(2025, 2, 28)),
        (date(1960, 2, 29), 2027, date(2027, 3, 1)),  # born on leap day: 67 completes on 1 March
    ],
)
def test_the_aow_date_follows_from_the_birth_date(birth: date, year: int, aow_date: date) -> None:
    """One rule with one reference date: AOW-aged on the allocation date when the AOW date is on or before it."""
    figures = default_parameter_table().for_year(min(year, 2026)).model_copy(update={"year": year})
    assert figures.aow_date(birth) == aow_date
    assert figures.has_reached_aow_age(birth, aow_date)
    assert not figures.has_reached_aow_age(birth, date.fromordinal(aow_date.toordinal() - 1))
