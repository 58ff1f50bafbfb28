"""Property-based fuzzing of the CSV, SOAP and VERA decoders, bounded (120 examples each, no deadline,
a few seconds per property): no crash, no traceback, every bad record located, good records kept.

Each property builds a payload from good records, spoils some of them in a way the model must refuse
(or mangles the bytes outright), decodes it the way the gateway does (`decode_all`, which never
raises), and checks what came out against what went in.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, Literal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.csv.simulator import REGISTRATION_HEADER
from adapters.sdk.errors import Location, MappingError
from tests.hostile.inputs import (
    decode_csv,
    decode_soap,
    decode_vera,
    registration,
    soap_page,
    soap_units,
    vera_units,
)

SURROGATES: tuple[Literal["Cs"]] = ("Cs",)

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure here is reproducible, not flaky
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Text a spreadsheet or an ERP might hold, quotes, delimiters and line breaks included; no lone
# surrogates (a file cannot carry them).
CELL_TEXT = st.text(
    st.characters(exclude_categories=SURROGATES, max_codepoint=0x2FFF) | st.sampled_from(list(";,\"'\r\n\t")),
    max_size=12,
)
# Controls that are not whitespace: the adapters trim whitespace (0x1C-0x1F count) off a value's ends.
CONTROL = st.sampled_from([chr(c) for c in range(0x20) if not chr(c).isspace()])
TEXT_COLUMNS = ["Inschrijfnummer", "Voornaam", "Achternaam", "E-mail", "Tussenvoegsel"]


def located(error: MappingError) -> bool:
    return error.location != Location()


def row_lines(rows: list[list[str]]) -> list[int]:
    """The physical line each row starts on, as csv.writer writes them (the header is line 1); a line
    ends at CR LF, LF or a lone CR, as the reader counts them."""
    lines, line = [], 2
    for row in rows:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow(row)
        lines.append(line)
        line += len(re.findall("\r\n|\r|\n", buffer.getvalue()))
    return lines


def write_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(REGISTRATION_HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


# --- CSV ------------------------------------------------------------------------------------------------


@st.composite
def spoiled_registrations(draw: st.DrawFn) -> tuple[list[list[str]], dict[int, str]]:
    """Rows 1..n, some with a control character hidden in a text cell among quotes, delimiters and line
    breaks (csv.writer quotes them properly): {row number: the spoiled column}."""
    count = draw(st.integers(1, 10))
    rows, spoiled = [], {}
    for number in range(1, count + 1):
        if draw(st.booleans()):
            column = draw(st.sampled_from(TEXT_COLUMNS))
            value = draw(CELL_TEXT) + draw(CONTROL) + draw(CELL_TEXT)
            rows.append(registration(number, **{column: value}))
            spoiled[number] = column
        else:
            rows.append(registration(number))
    return rows, spoiled


@FUZZ
@given(spoiled_registrations())
def test_csv_each_spoiled_row_is_one_located_reject_and_every_good_row_is_kept(
    case: tuple[list[list[str]], dict[int, str]],
) -> None:
    rows, spoiled = case
    messages, errors = decode_csv(write_csv(rows))
    good = [f"I-{n:04d}" for n in range(1, len(rows) + 1) if n not in spoiled]
    assert [m.payload.id for m in messages] == good
    lines = row_lines(rows)
    assert [(e.location.row, e.location.line) for e in errors] == [(n, lines[n - 1]) for n in sorted(spoiled)]
    for error in errors:
        assert error.location.csv_column == spoiled[error.location.row or 0] or error.location.csv_column is None


@st.composite
def mangled_lines(draw: st.DrawFn) -> tuple[list[str], set[int]]:
    """Lines of a file: good rows as text, and in between junk lines full of quotes and delimiters."""
    lines, good = [], set()
    for number in range(1, draw(st.integers(1, 12)) + 1):
        if draw(st.integers(0, 3)) == 0:
            cells = registration(number)
            index = draw(st.integers(0, len(cells) - 1))
            cells[index] = draw(CELL_TEXT.filter(lambda t: '"' in t or "\n" in t or ";" in t))
            lines.append(";".join(cells))
        else:
            lines.append(";".join(registration(number)))
            good.add(number)
    return lines, good


@FUZZ
@given(mangled_lines())
def test_csv_broken_quoting_never_crashes_and_every_problem_is_located(case: tuple[list[str], set[int]]) -> None:
    lines, good = case
    data = ("\r\n".join([";".join(REGISTRATION_HEADER), *lines]) + "\r\n").encode("utf-8")
    messages, errors = decode_csv(data)
    total_lines = data.count(b"\n")
    for error in errors:
        assert error.location.line is not None
        assert 2 <= error.location.line <= total_lines + 1
    ids = [m.payload.id for m in messages]
    assert len(ids) == len(set(ids))  # no row twice (a junk line may well be a valid row of its own)
    # Junk lines that open quoted values never take the good rows after them along.
    assert {f"I-{n:04d}" for n in good} <= set(ids)


@FUZZ
@given(st.binary(max_size=600), st.sampled_from(["auto", "utf-8", "windows-1252", "utf-16"]))
def test_csv_arbitrary_bytes_never_crash(data: bytes, encoding: str) -> None:
    from tests.hostile.test_csv_reader import _with

    messages, errors = decode_csv(data, mapping=_with({"encoding": encoding}))
    assert messages == [] or all(m.payload.id for m in messages)
    for error in errors:
        assert isinstance(error, MappingError)


# --- SOAP -----------------------------------------------------------------------------------------------

SOAP_TEXT_FIELDS = ["Straat", "Plaats", "EenheidNummer", "GemeenteNaam"]


@st.composite
def spoiled_units(draw: st.DrawFn) -> tuple[list[dict[str, str | None]], set[int]]:
    count = draw(st.integers(1, 8))
    changes: dict[int, dict[str, str | None]] = {}
    for number in range(1, count + 1):
        if draw(st.booleans()):
            field = draw(st.sampled_from(SOAP_TEXT_FIELDS))
            text = st.text(
                st.characters(exclude_categories=SURROGATES, min_codepoint=0x20, max_codepoint=0x2FFF), max_size=8
            )
            changes[number] = {field: draw(text) + draw(CONTROL) + draw(text)}
    return soap_units(count, changes), set(changes)


@FUZZ
@given(spoiled_units())
def test_soap_each_spoiled_unit_is_one_located_reject_and_every_good_unit_is_kept(
    case: tuple[list[dict[str, str | None]], set[int]],
) -> None:
    units, spoiled = case
    messages, errors = decode_soap(soap_page(units))
    good = [units[n - 1]["EenheidNummer"] for n in range(1, len(units) + 1) if n not in spoiled]
    assert [m.payload.eenheid.id for m in messages] == good
    assert [e.location.record for e in errors] == sorted(spoiled)
    assert all(e.location.line is not None and e.location.field for e in errors)


@FUZZ
@given(st.data())
def test_soap_mangled_bytes_never_crash_and_units_before_the_damage_are_kept(data: st.DataObject) -> None:
    units = soap_units(6)
    original = soap_page(units)
    payload = bytearray(original)
    offset = data.draw(st.integers(0, len(payload) - 1))
    junk = data.draw(st.binary(min_size=1, max_size=4))
    if data.draw(st.booleans()):
        payload[offset : offset + len(junk)] = junk
    else:
        payload[offset:offset] = junk
    messages, errors = decode_soap(bytes(payload))
    for error in errors:
        assert located(error) or len(errors) == 1
    ids = [m.payload.eenheid.id for m in messages]
    assert len(ids) == len(set(ids))
    end_tag = b"</erp:VrijeEenheid>"
    intact = [
        unit["EenheidNummer"]
        for unit in units
        if original.index(end_tag, original.index(str(unit["EenheidNummer"]).encode())) + len(end_tag) <= offset
    ]
    assert set(intact) <= set(ids)


# --- VERA -----------------------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | CELL_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(CELL_TEXT, inner, max_size=3),
    max_leaves=6,
)
VERA_PATHS = [
    ("id",),
    ("soort",),
    ("adres",),
    ("adres", "straatnaam"),
    ("adres", "huisnummer"),
    ("adres", "postcode"),
    ("adres", "gemeente"),
    ("rekenhuur",),
    ("kamersAantal",),
    ("prijscomponenten",),
    ("energieprestaties",),
    ("onbekendVeld",),
]


@FUZZ
@given(st.data())
def test_vera_spoiled_records_are_located_and_untouched_records_are_kept(data: st.DataObject) -> None:
    records = vera_units(6)
    touched = set()
    for index, record in enumerate(records):
        if data.draw(st.integers(0, 2)) == 0:
            path = data.draw(st.sampled_from(VERA_PATHS))
            target: Any = record
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = data.draw(JSON_VALUES)
            touched.add(index)
    messages, errors = decode_vera(records)
    ids = [m.payload.eenheid.id for m in messages]
    assert {f"E-{i + 1}" for i in range(6) if i not in touched} <= set(ids)
    assert len(messages) + len(errors) == 6
    for error in errors:
        assert error.location.record is not None or error.location.field is not None


@FUZZ
@given(st.data())
def test_vera_mangled_bytes_never_crash_and_are_located(data: st.DataObject) -> None:
    payload = bytearray(json.dumps(vera_units(3)).encode())
    offset = data.draw(st.integers(0, len(payload) - 1))
    payload[offset : offset + 1] = data.draw(st.binary(min_size=0, max_size=3))
    from tests.hostile.inputs import split, vera_adapter

    messages, errors = split(vera_adapter().decode_all(bytes(payload)))
    assert len(messages) <= 3
    for error in errors:
        assert located(error) or len(errors) == 1
