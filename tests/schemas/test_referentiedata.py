"""The generated code lists (schemas/referentiedata.py) say exactly what VERA's Referentiedata.csv says.

For every enum: the same codes, VERA's current name for each code, the same validity periods, and the
same answer to "which codes are valid on day d" for fixed dates and for every boundary date in the list
(and the day before it), since that is where an off-by-one in begin-inclusive/end-exclusive shows.
"""

from __future__ import annotations

import csv
import inspect
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

import schemas
from schemas import referentiedata
from schemas.codelist import Codelijst
from tests.schemas.vera import UNREADABLE, CodeRow, current_row, read_referentiedata

CODE_LISTS: list[type[Codelijst]] = [getattr(referentiedata, name) for name in referentiedata.__all__]
SAMPLE_DATES = [date(2022, 1, 1), date(2023, 7, 1), date(2024, 1, 1), date(2025, 6, 1), date(2026, 6, 1)]


@pytest.fixture(scope="module")
def rows(vera_dir: Path) -> dict[str, list[CodeRow]]:
    return read_referentiedata(vera_dir / "Referentiedata.csv", {lijst.soort for lijst in CODE_LISTS})


def _by_code(rows: list[CodeRow]) -> dict[str, list[CodeRow]]:
    out: dict[str, list[CodeRow]] = {}
    for row in rows:
        out.setdefault(row.code, []).append(row)
    return out


def test_every_code_list_class_is_exported_once_with_its_own_soort() -> None:
    classes = {
        obj
        for _, obj in inspect.getmembers(referentiedata, inspect.isclass)
        if issubclass(obj, Codelijst) and obj is not Codelijst
    }
    assert classes == set(CODE_LISTS)
    soorten = [lijst.soort for lijst in CODE_LISTS]
    assert all(soorten), "every code list names its VERA soort"
    assert len(soorten) == len(set(soorten))
    assert all(getattr(schemas, lijst.__name__) is lijst for lijst in CODE_LISTS)


@pytest.mark.parametrize("lijst", CODE_LISTS, ids=lambda lijst: lijst.__name__)
def test_codes_equal_the_csv(lijst: type[Codelijst], rows: dict[str, list[CodeRow]]) -> None:
    csv_codes = {row.code for row in rows[lijst.soort]}
    assert csv_codes, f"VERA's CSV has no rows for {lijst.soort}"
    ours = {member.code for member in lijst}
    assert ours == csv_codes, f"{lijst.__name__}: missing {csv_codes - ours}, not in VERA {ours - csv_codes}"


@pytest.mark.parametrize("lijst", CODE_LISTS, ids=lambda lijst: lijst.__name__)
def test_naam_is_veras_current_name(lijst: type[Codelijst], rows: dict[str, list[CodeRow]]) -> None:
    """Where VERA lists a code twice (renamed, or reused after a short-lived meaning), the name is the one
    whose period runs longest (open-ended first), then the latest begun."""
    wrong = {
        code: (lijst(code).naam, current_row(code_rows).naam)
        for code, code_rows in _by_code(rows[lijst.soort]).items()
        if lijst(code).naam != current_row(code_rows).naam
    }
    assert not wrong, f"{lijst.__name__}: (ours, VERA's) names differ: {wrong}"


@pytest.mark.parametrize("lijst", CODE_LISTS, ids=lambda lijst: lijst.__name__)
def test_periods_equal_the_csv(lijst: type[Codelijst], rows: dict[str, list[CodeRow]]) -> None:
    for code, code_rows in _by_code(rows[lijst.soort]).items():
        expected = sorted(((row.begin, row.end) for row in code_rows), key=repr)
        assert sorted(lijst(code).periods, key=repr) == expected, f"{lijst.__name__}.{code}"


def _check_dates(lijst: type[Codelijst], code_rows: list[CodeRow]) -> list[date]:
    boundaries = {day for row in code_rows for day in (row.begin, row.end) if day is not None}
    return sorted(set(SAMPLE_DATES) | boundaries | {day - timedelta(days=1) for day in boundaries})


@pytest.mark.parametrize("lijst", CODE_LISTS, ids=lambda lijst: lijst.__name__)
def test_valid_on_matches_the_csv(lijst: type[Codelijst], rows: dict[str, list[CodeRow]]) -> None:
    code_rows = rows[lijst.soort]
    for day in _check_dates(lijst, code_rows):
        expected = {row.code for row in code_rows if row.valid_on(day)}
        ours = {member.code for member in lijst if member.valid_on(day)}
        assert ours == expected, f"{lijst.__name__} on {day}: extra {ours - expected}, missing {expected - ours}"


def test_every_code_list_the_wrv_spec_references_is_generated(vera_dir: Path) -> None:
    """Every "Referentiedata: SOORT" of the spec that VERA's CSV holds is an enum; the rest are named."""
    spec = (vera_dir / "WRV-4.3.0.yaml").read_text(encoding="utf-8")
    referenced = {name.upper() for name in re.findall(r"Referentiedata: ([A-Za-z]+)", spec)}
    with (vera_dir / "Referentiedata.csv").open(encoding="utf-8-sig", newline="") as handle:
        in_csv = {row["Soort"] for row in csv.DictReader(handle, delimiter=";")}
    generated = {lijst.soort for lijst in CODE_LISTS}
    assert referenced & in_csv <= generated, f"not generated: {sorted((referenced & in_csv) - generated)}"
    assert len(referenced & in_csv) >= 110
    docstring = referentiedata.__doc__ or ""
    assert all(name in docstring for name in referenced - in_csv), "the lists VERA's CSV lacks are named"
    for soort in (
        "EENHEIDSTATUS",
        "PUBLICATIEINTAKEVORM",
        "TOEGANKELIJKHEIDSLABEL",
        "WOONVORM",
        "EENHEIDCRITERIUMTOEPASSING",
    ):
        assert soort in generated


def test_unreadable_dates_in_the_csv_are_left_open_and_named(rows: dict[str, list[CodeRow]]) -> None:
    """VERA's CSV has a few dates that are not d-m-yyyy: never guessed, left open, and listed."""
    assert rows  # reading the rows collects the unreadable dates
    assert sorted(referentiedata.UNREADABLE_DATES) == sorted(UNREADABLE)
    assert len(UNREADABLE) >= 1


def test_a_code_listed_twice_is_valid_in_either_period() -> None:
    """VERA lists EENHEIDDETAILSOORT.BIJ until 9-6-2023 and again from that day: valid throughout."""
    bij = referentiedata.EenheidDetailSoort.BIJ
    assert len(bij.periods) == 2
    assert all(bij.valid_on(day) for day in (date(2020, 1, 1), date(2023, 6, 8), date(2023, 6, 9), date(2030, 1, 1)))


def test_validity_is_begin_inclusive_end_exclusive() -> None:
    status = referentiedata.VoorrangsregelingStatus.AAN  # VERA: valid from 27-03-2026, open-ended
    assert not status.valid_on(date(2026, 3, 26))
    assert status.valid_on(date(2026, 3, 27))
    assert status.valid_on(date(2100, 1, 1))


@pytest.mark.parametrize("lijst", CODE_LISTS, ids=lambda lijst: lijst.__name__)
def test_parent_is_veras_current_parent(lijst: type[Codelijst], rows: dict[str, list[CodeRow]]) -> None:
    """A detail code carries VERA's parent (`EENHEIDCRITERIUMSOORT.URG`) of its current row."""
    for code, code_rows in _by_code(rows[lijst.soort]).items():
        assert (lijst.from_code(code).parent or "") == current_row(code_rows).parent, f"{lijst.__name__}.{code}"
