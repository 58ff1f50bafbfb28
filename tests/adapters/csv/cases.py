"""The golden cases of the csv adapter, both directions.

Import: `golden/<case>.csv` is a corporation's export written by hand (Dutch conventions, accents, a few
rows with the mistakes real exports have); decoding it with the shipped mapping of the same name gives
`<case>.canonical.jsonl` (one accepted message per line, BSN included) and `<case>.errors.jsonl` (one
rejected row per line: where and why), and importing it gives `<case>.rejects.csv`.
Export: messages built in code (`EXPORTS`) written with the shipped export mapping give `<case>.csv`.
Regenerate with `python -m tests.adapters.csv.regenerate_golden` and review the diff.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adapters.csv import CsvAdapter, CsvConfig, Rejected
from adapters.sdk.errors import MappingError
from schemas import (
    INCLUDE_BSN,
    Kandidatenlijst,
    KandidatenlijstVrijgegeven,
    Message,
    MessageSource,
    ToewijzingGedaan,
)
from tests import factories as f

GOLDEN = Path(__file__).resolve().parent / "golden"
OCCURRED_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TENANT = "corp-a"

IMPORTS = ("inschrijvingen", "eenheden")
"""Import cases: the input file and the shipped import mapping share the name."""


def adapter(mapping: str | dict[str, Any] | None = None, **config: Any) -> CsvAdapter:
    return CsvAdapter(CsvConfig(tenant=TENANT, mapping=mapping, **config))


def decode_case(name: str) -> tuple[list[Message], list[MappingError]]:
    payload = (GOLDEN / f"{name}.csv").read_bytes()
    messages: list[Message] = []
    errors: list[MappingError] = []
    import io

    for item in adapter(name).decode_stream(io.BytesIO(payload), source=f"{name}.csv", occurred_at=OCCURRED_AT):
        if isinstance(item, MappingError):
            errors.append(item)
        else:
            messages.append(item)
    return messages, errors


def canonical_lines(messages: list[Message]) -> str:
    return "".join(m.model_dump_json(context=INCLUDE_BSN) + "\n" for m in messages)


def error_record(error: MappingError) -> dict[str, Any]:
    where = error.location
    return {
        "row": where.row,
        "line": where.line,
        "column": where.csv_column,
        "field": where.field,
        "reason": error.reason,
    }


def error_lines(errors: list[MappingError]) -> str:
    return "".join(json.dumps(error_record(e), ensure_ascii=False) + "\n" for e in errors)


_SOURCE = MessageSource(tenant="woonbrug", system="flow")


def _toewijzingen() -> list[Message]:
    first = ToewijzingGedaan(
        message_id="msg-t-6001",
        correlation_id="flow-p-2001",
        source=_SOURCE,
        occurred_at=OCCURRED_AT,
        payload=f.toewijzing(),
    )
    # An exception to passend toewijzen, an elderly household, and a vendor id that tries a formula.
    second = ToewijzingGedaan(
        message_id="msg-t-6002",
        correlation_id="flow-p-2002",
        source=_SOURCE,
        occurred_at=OCCURRED_AT,
        payload=f.toewijzing(
            id='=HYPERLINK("http://example.org")',
            publicatie={"id": "P-2002"},
            datum="2026-07-01T22:30:00Z",
            huishoudgrootte=1,
            rekeninkomen=24750.5,
            rekenhuur=712.0,
            isOuderenhuishouden=True,
            passendheidsoort={"code": "NIE"},
            passendheiddetailsoort={"code": "HHV"},
            doelgroep={"code": "SEN"},
        ),
    )
    return [first, second]


def _kandidatenlijst() -> list[Message]:
    kandidaten = [
        f.kandidaat(
            id=f"K-40{n:02d}",
            inschrijving={"id": f"I-30{n:02d}"},
            status={"code": "SEL"},
            positie=n,
            rangschikking=[{"criterium": "inschrijfduur", "waarde": str(100 - n), "omschrijving": "maanden"}],
            aantalVolwassenen=1,
            aantalKinderen=n - 1,
            passendheidsoort={"code": "PAS"},
        ).model_dump(mode="json")
        for n in (1, 2, 3)
    ]
    lijst = Kandidatenlijst.model_validate(
        {
            "publicatie": {"id": "P-2001"},
            "idOrganisatie": "corp-a",
            "vastgesteldOp": "2026-03-10T08:00:00Z",
            "kandidaten": kandidaten,
        }
    )
    return [
        KandidatenlijstVrijgegeven(
            message_id="msg-kl-2001",
            correlation_id="flow-p-2001",
            source=_SOURCE,
            occurred_at=OCCURRED_AT,
            payload=lijst,
        )
    ]


EXPORTS: dict[str, Callable[[], list[Message]]] = {
    "toewijzingen": _toewijzingen,
    "kandidatenlijst": _kandidatenlijst,
}
"""Export cases: the messages, and the shipped export mapping of the same name writes them."""

__all__ = ["EXPORTS", "GOLDEN", "IMPORTS", "OCCURRED_AT", "Rejected"]
