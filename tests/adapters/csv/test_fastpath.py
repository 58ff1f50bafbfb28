"""The generated row builder (the fast path) builds exactly what the generic path builds.

Good rows go through a builder written and compiled per mapping and header; rows it cannot build go
the generic way, which also locates problems. If the two ever disagreed, a file's messages would
depend on which path a row took: these tests compare them row by row on generated and edge-case rows.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.csv import CsvAdapter, CsvConfig, Rejected
from adapters.csv.mapping import MISSING, CellError, ImportPlan
from adapters.csv.reader import CsvReader, _assemble, _Bound, _generate_builder
from adapters.csv.simulator import REGISTRATION_HEADER, registration_rows, registrations_bytes
from tests.adapters.csv.cases import GOLDEN
from tests.adapters.csv.test_decode import row


def generic(plan: ImportPlan, bound: _Bound, fields: list[str]) -> dict[str, Any] | None:
    """The generic path's payload (no validation): what `CsvReader._build` assembles."""
    values: list[dict[str, Any] | None] = [None] * len(plan.nodes)
    for index, convert, node, key, default, _label in bound.columns:
        cell = fields[index]
        try:
            value = convert(cell) if cell else MISSING
        except CellError:
            return None
        if value is MISSING:
            if default is MISSING:
                continue
            value = default
        target = values[node]
        if target is None:
            target = values[node] = {}
        target[key] = value
    for node, key, value in bound.fills:
        target = values[node]
        if target is None:
            target = values[node] = {}
        target[key] = value
    return _assemble(plan.nodes, values)


def bound_reader(mapping: str, data: bytes) -> tuple[CsvReader, _Bound]:
    reader = CsvAdapter(CsvConfig(tenant="corp-a", mapping=mapping)).reader(occurred_at=datetime.now(UTC))
    list(reader.read(io.BytesIO(data.split(b"\n", 1)[0] + b"\n")))  # read the header only
    bound = reader._bind(1)
    assert isinstance(bound, _Bound)
    return reader, bound


def parse(data: bytes, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))[1:]


def test_generated_registrations_build_alike_on_both_paths() -> None:
    data = registrations_bytes(3_000, seed=21, bad_every=50)
    reader, bound = bound_reader("inschrijvingen", data)
    fast = _generate_builder(reader.plan, bound)
    rows = parse(data, ";")
    refused = 0
    for fields in rows:
        expected = generic(reader.plan, bound, fields)
        assert fast(fields) == expected
        refused += expected is None
    assert refused > 0  # the spoiled rows that converters refuse take the generic path


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"E_mail": ""},
        {"Postcode": "", "E_mail": "a@example.org"},  # list item 0 absent, item 1 present
        {"Kinderen": "", "Inkomensbron": ""},  # defaults
        {"Partner_voornaam": "Sem", "Partner_achternaam": "Jansen", "Partner_geboortedatum": "1-1-1980"},
        {"Partner_voornaam": "Sem"},  # half a co-applicant: built, the model refuses it
        {"Voornaam": "  ", "Tussenvoegsel": " van "},  # whitespace-only and padded text
        {"Geboortedatum": "31-02-1990"},  # refused by a converter: None on both paths
    ],
)
def test_edge_rows_build_alike(changes: dict[str, str]) -> None:
    data = registrations_bytes(1)
    reader, bound = bound_reader("inschrijvingen", data)
    fields = row(1, **changes)
    assert _generate_builder(reader.plan, bound)(fields) == generic(reader.plan, bound, fields)


def test_absent_optional_columns_with_defaults_build_alike() -> None:
    header = [name for name in REGISTRATION_HEADER if name not in ("Kinderen", "Inkomensbron", "E-mail")]
    full = list(registration_rows(200, seed=3))
    keep = [REGISTRATION_HEADER.index(name) for name in header]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows([[r[i] for i in keep] for r in full])
    data = buffer.getvalue().encode()
    reader, bound = bound_reader("inschrijvingen", data)
    assert bound.fills  # Kinderen and Inkomensbron come from their defaults
    fast = _generate_builder(reader.plan, bound)
    for fields in parse(data, ";"):
        assert fast(fields) == generic(reader.plan, bound, fields)


def test_units_with_list_items_and_constants_build_alike() -> None:
    data = (GOLDEN / "eenheden.csv").read_bytes()
    reader, bound = bound_reader("eenheden", data)
    fast = _generate_builder(reader.plan, bound)
    rows = parse(data, ",")
    assert rows
    for fields in rows:
        assert fast(fields) == generic(reader.plan, bound, fields)
    without_service = [*rows[0]]
    without_service[rows[0].index("35,00")] = ""  # list item 1 (SER) absent, its constant with it
    assert fast(without_service) == generic(reader.plan, bound, without_service)


def test_the_caches_are_per_file_and_bounded() -> None:
    data = registrations_bytes(5)
    reader, bound = bound_reader("inschrijvingen", data)
    first = _generate_builder(reader.plan, bound)
    second = _generate_builder(reader.plan, bound)
    caches = [value for name, value in first.__globals__.items() if name.startswith("m") and isinstance(value, dict)]
    assert caches
    for fields in parse(data, ";"):
        first(fields)
    assert any(caches)
    assert not any(v for n, v in second.__globals__.items() if n.startswith("m") and isinstance(v, dict))
    assert first.__globals__["CACHE"] <= 16_384


def test_a_row_the_fast_path_refuses_is_still_located() -> None:
    data = registrations_bytes(3, seed=2)
    reader = CsvAdapter(CsvConfig(tenant="corp-a", mapping="inschrijvingen")).reader()
    text = data.decode().splitlines()
    cells = text[2].split(";")
    cells[5] = "99-99-1999"
    text[2] = ";".join(cells)
    items = list(reader.read(io.BytesIO("\r\n".join(text).encode())))
    rejected = [item for item in items if isinstance(item, Rejected)]
    assert [(r.row, r.problems[0].column) for r in rejected] == [(2, "Geboortedatum")]
