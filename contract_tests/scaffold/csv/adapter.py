"""The Skeleton adapter: allocations as CSV files for the Skeleton system, through a drop folder.

Woonbrug writes each `toewijzing.gedaan` as a CSV file into the corporation's drop folder (an SFTP-like
directory the Skeleton system imports from). The file is named after the idempotency key and written
atomically, so a redelivery finds it there and has no second effect. The same CSV decodes back into
canonical messages, one per row; a bad row is one MappingError with its row and column, and the rest of
the file goes on.

Dutch conventions: `;` between columns, UTF-8 with a BOM (a spreadsheet opens it by double-click),
amounts with a decimal comma (`675,25`), `ja`/`nee`. Cells that a spreadsheet would run as a formula
(`=`, `+`, `-`, `@` first) are written with a leading `'` and read back without it.

Everything a vendor changes lives here and in `mapping.py`; the contract kit's hooks are the class
attributes at the top (`csv_columns`, `roundtrip_fields`), `simulator()` and `endpoint_config()`.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field

from adapters import (
    Adapter,
    AdapterConfig,
    Capabilities,
    Decoded,
    DeliveryReceipt,
    Location,
    MappingError,
    PermanentError,
    Transport,
    VendorPayload,
    vendor_boundary,
)
from schemas import Message, MessageSource, ToewijzingGedaan

from .mapping import FIELDS, REQUIRED, ROUNDTRIP_FIELDS, from_record, to_record
from .simulator import SkeletonDropFolder

__all__ = ["COLUMNS", "SkeletonAdapter", "SkeletonConfig"]

CONTENT_TYPE = "text/csv; charset=utf-8"
DELIMITER = ";"

# Vendor field (mapping.py) -> the column header in the Skeleton system's CSV.
COLUMNS: dict[str, str] = {
    "messageId": "Berichtnummer",
    "correlationId": "Correlatie",
    "sentAt": "Verzonden",
    "allocationId": "Toewijzingnummer",
    "corporation": "Corporatie",
    "allocatedAt": "Datum toewijzing",
    "listing": "Publicatie",
    "unit": "Eenheidnummer",
    "candidate": "Kandidaat",
    "registration": "Inschrijfnummer",
    "householdSize": "Huishoudgrootte",
    "householdIncome": "Rekeninkomen",
    "rent": "Rekenhuur",
    "senior": "Ouderenhuishouden",
    "suitability": "Passendheid",
    "exception": "Uitzondering",
    "targetGroup": "Doelgroep",
}
assert list(COLUMNS) == list(FIELDS)  # one column per carried field, in the record's order

_MOMENT = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z"
_AMOUNT = r"[0-9]{1,9},[0-9]{2}"
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


# Vendor field -> the regular expression each non-empty cell of its column matches (None: any text).
PATTERNS: dict[str, str] = {
    "sentAt": _MOMENT,
    "allocatedAt": _MOMENT,
    "householdSize": r"[0-9]{1,2}",
    "householdIncome": _AMOUNT,
    "rent": _AMOUNT,
    "senior": "ja|nee",
    "suitability": "PAS|NIE|NVT",
    "exception": "[A-Z]{3}",
    "targetGroup": "[A-Z]{3}",
}


def _neutralise(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA) else value


def _restore(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA) else value


class SkeletonConfig(AdapterConfig):
    """The corporation's drop folder (WOONBRUG_SKELETON_* environment variables work too)."""

    drop_dir: Path | None = Field(default=None, description="folder the Skeleton system imports CSV files from")
    tenant: str = Field(default="corp-skeleton", pattern=r"^[A-Za-z0-9._:\-]+$")


class SkeletonAdapter(Adapter[SkeletonConfig]):
    name: ClassVar[str] = "skeleton"
    version: ClassVar[str] = "0.1.0"
    description: ClassVar[str] = "Allocations to the Skeleton system as CSV files in a drop folder."
    capabilities: ClassVar[Capabilities] = Capabilities(
        decodes=frozenset({"toewijzing.gedaan"}),
        encodes=frozenset({"toewijzing.gedaan"}),
        transports=frozenset({Transport.FILE_DROP}),
    )
    config_model: ClassVar[type[AdapterConfig]] = SkeletonConfig

    # Contract-kit hooks: the column spec (header in order, a pattern per column), and the carried fields.
    csv_columns: ClassVar[dict[str, str | None]] = {COLUMNS[name]: PATTERNS.get(name) for name in FIELDS}
    roundtrip_fields: ClassVar[dict[str, list[str]]] = ROUNDTRIP_FIELDS

    @classmethod
    def simulator(cls) -> SkeletonDropFolder:
        """A temporary drop folder standing in for the Skeleton system's import directory."""
        return SkeletonDropFolder()

    @classmethod
    def endpoint_config(cls, url: str) -> dict[str, Any]:
        """Config that points the adapter at a drop folder (the simulator's `url` is its path)."""
        return {"drop_dir": url}

    # --- translation (pure) ---------------------------------------------------------------------------

    def _row(self, message: Message) -> list[str]:
        if not isinstance(message, ToewijzingGedaan):
            raise PermanentError(f"{self.name} does not encode {message.type}", adapter=self.name)
        record = to_record(message)
        record["householdIncome"] = str(record["householdIncome"]).replace(".", ",")
        record["rent"] = str(record["rent"]).replace(".", ",")
        record["senior"] = "ja" if record["senior"] == "true" else "nee"
        return [_neutralise(record[name] or "") for name in FIELDS]

    def encode(self, message: Message) -> VendorPayload:
        if not isinstance(message, ToewijzingGedaan):
            return super().encode(message)  # UnsupportedOperation: not declared in capabilities.encodes
        return self.encode_many([message])

    def encode_many(self, messages: Iterable[Message]) -> VendorPayload:
        """One CSV file: the header, then a row per allocation."""
        out = io.StringIO()
        writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
        writer.writerow(COLUMNS.values())
        for message in messages:
            writer.writerow(self._row(message))
        return VendorPayload(out.getvalue().encode("utf-8-sig"), CONTENT_TYPE)

    def decode(self, payload: bytes) -> Iterator[Decoded]:
        with vendor_boundary(self.name):  # bytes that are not UTF-8 become a MappingError
            text = payload.decode("utf-8-sig")
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITER, strict=True)
        try:
            header = next(reader, None)
        except csv.Error:
            raise MappingError("the header row is not valid CSV", location=Location(row=1, line=1)) from None
        if header is None:
            raise MappingError("the file is empty: no header row", location=Location(row=1, line=1))
        by_label = {label: name for name, label in COLUMNS.items()}
        missing = [COLUMNS[name] for name in REQUIRED if COLUMNS[name] not in header]
        if missing:
            raise MappingError(f"the header lacks the columns {missing}", location=Location(row=1, line=1))
        source = MessageSource(tenant=self.config.tenant, system=self.name)
        row = 1
        while True:
            row += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error:
                where_broken = Location(row=row, line=reader.line_num)
                yield MappingError("malformed CSV (an unclosed quote?)", location=where_broken, adapter=self.name)
                return  # the csv module cannot find the next row after this
            if not any(cells):
                continue
            line = reader.line_num

            def where(field: str, row: int = row, line: int = line) -> Location:
                return Location(row=row, line=line, csv_column=COLUMNS.get(field, field))

            if len(cells) != len(header):
                yield MappingError(
                    f"{len(cells)} cells, the header has {len(header)}",
                    location=Location(row=row, line=line),
                    adapter=self.name,
                )
                continue
            try:
                yield from_record(self._record(header, cells, by_label, where), source=source, where=where)
            except MappingError as error:
                error.adapter = self.name
                yield error

    def _record(
        self, header: list[str], cells: list[str], by_label: dict[str, str], where: Any
    ) -> dict[str, str | None]:
        record: dict[str, str | None] = {}
        for label, cell in zip(header, cells, strict=True):
            name = by_label.get(label)
            if name is not None:
                record[name] = _restore(cell) or None
        for name in ("householdIncome", "rent"):
            value = record.get(name)
            if value is not None:
                if not re.fullmatch(_AMOUNT, value):
                    raise MappingError("an amount is written like 675,25", location=where(name))
                record[name] = value.replace(",", ".")
        senior = record.get("senior")
        if senior is not None:
            if senior not in ("ja", "nee"):
                raise MappingError("Ouderenhuishouden is ja or nee", location=where("senior"))
            record["senior"] = "true" if senior == "ja" else "false"
        return record

    # --- transport: the drop folder -------------------------------------------------------------------

    async def deliver(self, message: Message, *, idempotency_key: str) -> DeliveryReceipt:
        """Write the allocation as `allocation-<key digest>.csv`, once per idempotency key."""
        payload = self.encode(message)
        folder = self.config.drop_dir
        if folder is None:
            raise PermanentError("no drop folder configured (drop_dir)", adapter=self.name)
        name = f"allocation-{hashlib.sha256(idempotency_key.encode()).hexdigest()[:20]}.csv"
        with vendor_boundary(self.name):  # a full disk or a missing folder becomes an adapter error
            written = await asyncio.to_thread(_write_once, folder / name, payload.body)
        return DeliveryReceipt(idempotency_key, vendor_reference=name, duplicate=not written)


def _write_once(target: Path, body: bytes) -> bool:
    """Write `target` atomically unless it exists; whether it was written now."""
    if target.exists():
        return False
    partial = target.with_name(f".{target.name}.part")
    partial.write_bytes(body)
    os.replace(partial, target)
    return True
