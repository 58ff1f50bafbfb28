"""Unit status honoured: of `/eenheden` only what VERA calls a vacancy becomes an `eenheid.vrijgekomen`.

The choice (`adapters.vera.eenheidstatus`) is checked against VERA's own code lists in ../shared/vera, and
the poll against the real loopback simulator: other units are skipped and counted, never rejected; units
without a status are read as vacancies, and the poll says so once.
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path
from typing import Any

import pytest

from adapters.vera import mapping
from adapters.vera.eenheidstatus import NOT_TO_LET_DETAIL_STATUSES, VACANT_STATUS, UnitStatus, unit_status
from adapters.vera.simulator import VeraSimulator
from tests.adapters.vera.cases import CASES
from tests.adapters.vera.conftest import MakeAdapter


@pytest.mark.parametrize(
    ("status", "detail", "expected"),
    [
        ({"code": "LEE", "naam": "Leegstand"}, None, UnitStatus.VACANT),
        ({"code": "LEE"}, {"code": "NIH"}, UnitStatus.VACANT),
        ({"code": "LEE"}, {"code": "MUT"}, UnitStatus.VACANT),
        ({"code": "LEE"}, {"code": "VEK"}, UnitStatus.NOT_VACANT),
        ({"code": "LEE"}, {"code": "PRO"}, UnitStatus.NOT_VACANT),
        ({"code": "VEH", "naam": "Verhuurd"}, None, UnitStatus.NOT_VACANT),
        ({"code": "ONT"}, {"code": "NIE"}, UnitStatus.NOT_VACANT),
        ({"code": "UIT"}, None, UnitStatus.NOT_VACANT),
        ({"code": "XYZ"}, None, UnitStatus.NOT_VACANT),
        ("lee", None, UnitStatus.VACANT),  # a bare code, as some exports write it
        (None, None, UnitStatus.UNKNOWN),
        ({"naam": "Leegstand"}, None, UnitStatus.UNKNOWN),
    ],
)
def test_unit_status_by_its_codes(status: Any, detail: Any, expected: UnitStatus) -> None:
    record: dict[str, Any] = {"id": "E-1"}
    if status is not None:
        record["status"] = status
    if detail is not None:
        record["detailStatus"] = detail
    assert unit_status(record) is expected


def test_the_choice_matches_vera_s_code_lists(vera_dir: Path) -> None:
    with (vera_dir / "Referentiedata.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    statuses = {row["Code"] for row in rows if row["Soort"] == "EENHEIDSTATUS"}
    details = {row["Code"]: row["Parent"] for row in rows if row["Soort"] == "EENHEIDDETAILSTATUS"}
    assert VACANT_STATUS in statuses
    vacant = {code for code in statuses if unit_status({"status": {"code": code}}) is UnitStatus.VACANT}
    assert vacant == {VACANT_STATUS}
    assert all(details[code] == f"EENHEIDSTATUS.{VACANT_STATUS}" for code in NOT_TO_LET_DETAIL_STATUSES)


def _vendor_eenheid(record_id: str, status: str | None, detail: str | None = None) -> dict[str, Any]:
    """A corporation's own Eenheid record: no Woonbrug envelope, the fields VERA lacks as extra-attributen."""
    body = mapping.encode(CASES["eenheid_vrijgekomen"]()).body
    assert isinstance(body, dict)
    body["id"] = record_id
    body["extra-attributen"] = [
        e for e in body["extra-attributen"] if not e["naam"].startswith(mapping.ENVELOPE_PREFIX)
    ]
    if status is not None:
        body["status"] = {"code": status}
    if detail is not None:
        body["detailStatus"] = {"code": detail}
    return body


async def test_only_vacancies_are_polled_the_rest_is_skipped_and_counted(
    sim: VeraSimulator, make_adapter: MakeAdapter, caplog: pytest.LogCaptureFixture
) -> None:
    sim.preload(
        "eenheden",
        [
            _vendor_eenheid("E-1", "LEE"),
            _vendor_eenheid("E-2", "VEH"),
            _vendor_eenheid("E-3", "LEE", "NIH"),
            _vendor_eenheid("E-4", "LEE", "VEK"),
            _vendor_eenheid("E-5", "ONT"),
        ],
    )
    with caplog.at_level(logging.INFO, logger="adapters.vera"):
        result = await make_adapter(poll_resources=("eenheden",)).poll(None)
    assert [m.payload.eenheid.id for m in result.messages] == ["E-1", "E-3"]
    assert (result.skipped, result.rejects, result.notices) == (3, [], [])
    assert [r for r in caplog.records if r.name == "adapters.vera"] == []  # skipping is not worth a log line


async def test_units_without_a_status_are_read_as_vacancies_and_said_once(
    sim: VeraSimulator, make_adapter: MakeAdapter, caplog: pytest.LogCaptureFixture
) -> None:
    sim.preload("eenheden", [_vendor_eenheid(f"E-{n}", None) for n in range(3)] + [_vendor_eenheid("E-9", "VEH")])
    own = mapping.encode(CASES["eenheid_vrijgekomen"]()).body  # Woonbrug's own record states its type
    assert isinstance(own, dict)
    sim.preload("eenheden", [own])
    with caplog.at_level(logging.INFO, logger="adapters.vera"):
        result = await make_adapter(poll_resources=("eenheden",), page_size=2).poll(None)
    assert len(result.messages) == 4
    assert result.skipped == 1
    assert result.notices == [
        "3 of 5 eenheden carry no status (EENHEIDSTATUS); read as vacancies, as before eenheidstatus was honoured"
    ]
    [line] = [r for r in caplog.records if r.name == "adapters.vera"]
    assert "3 of 5 eenheden carry no status" in line.getMessage()


async def test_other_resources_are_not_filtered_by_unit_status(sim: VeraSimulator, make_adapter: MakeAdapter) -> None:
    body = mapping.encode(CASES["publicatie_aangeboden"]()).body
    assert isinstance(body, dict)
    sim.preload("publicaties", [{**body, "status": {"code": "GEP"}}])
    result = await make_adapter(poll_resources=("publicaties",)).poll(None)
    assert (len(result.messages), result.skipped, result.notices) == (1, 0, [])
