"""Builders of hostile payloads for the three reference adapters, shared by the hostile tests."""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from adapters.csv import CsvAdapter, CsvConfig
from adapters.csv.simulator import REGISTRATION_HEADER
from adapters.sdk.adapter import Decoded
from adapters.sdk.errors import MappingError
from adapters.soap_erp import SoapErpAdapter, SoapErpConfig
from adapters.soap_erp.simulator import generate_units, vacant_units_response
from adapters.vera import VeraAdapter, VeraConfig
from schemas import Message
from tests.adapters.csv.test_decode import GOOD as CSV_GOOD_REGISTRATION

MOMENT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

# The csv decode tests' good registration, with a plain surname (the hostile tests grep for it).
GOOD_REGISTRATION: dict[str, str] = {**CSV_GOOD_REGISTRATION, "Achternaam": "Testpersoon"}


def registration(number: int, **changes: str) -> list[str]:
    """One registration row of the `inschrijvingen` mapping; `changes` by column name."""
    values = {**GOOD_REGISTRATION, "Inschrijfnummer": f"I-{number:04d}", **changes}
    return [values[name] for name in REGISTRATION_HEADER]


def csv_file(rows: Iterable[list[str]], *, header: Iterable[str] = REGISTRATION_HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(list(header))
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def split(items: Iterable[Decoded]) -> tuple[list[Message], list[MappingError]]:
    messages: list[Message] = []
    errors: list[MappingError] = []
    for item in items:
        (errors if isinstance(item, MappingError) else messages).append(item)  # type: ignore[arg-type]
    return messages, errors


@functools.lru_cache(maxsize=32)
def _csv_adapter(settings: str) -> CsvAdapter:
    # Built once per mapping: the fuzzing decodes hundreds of small files with the same one.
    return CsvAdapter(CsvConfig(tenant="corp-a", **json.loads(settings)))


def decode_csv(data: bytes, mapping: Any = "inschrijvingen", **config: Any) -> tuple[list[Message], list[MappingError]]:
    adapter = _csv_adapter(json.dumps({"mapping": mapping, **config}, sort_keys=True, default=str))
    return split(adapter.decode_stream(io.BytesIO(data), source="hostile.csv", occurred_at=MOMENT))


def soap_units(
    count: int, changes: Mapping[int, Mapping[str, str | None]] | None = None
) -> list[dict[str, str | None]]:
    """Generated ERP units; `changes={2: {...}}` alters unit 2 (1-based)."""
    units = generate_units(count, seed=11)
    for number, fields in (changes or {}).items():
        units[number - 1].update(fields)
    return units


def decode_soap(payload: bytes) -> tuple[list[Message], list[MappingError]]:
    return split(SoapErpAdapter(SoapErpConfig()).decode_all(payload))


def soap_page(units: list[dict[str, str | None]]) -> bytes:
    return vacant_units_response(units, str(len(units)))


def vera_adapter() -> VeraAdapter:
    return VeraAdapter(VeraConfig(resource="eenheden"))


def vera_units(count: int) -> list[dict[str, Any]]:
    """`count` VERA Eenheid records (as a corporation's system would list them), ids E-1..E-count."""
    from tests.adapters.vera.cases import eenheid_vrijgekomen

    (record,) = json.loads(vera_adapter().encode_many([eenheid_vrijgekomen()]).body)
    out = []
    for number in range(1, count + 1):
        copy = json.loads(json.dumps(record))
        copy["id"] = f"E-{number}"
        out.append(copy)
    return out


def decode_vera(records: Any) -> tuple[list[Message], list[MappingError]]:
    return split(vera_adapter().decode_all(json.dumps(records).encode()))
