"""`CsvAdapter`: a corporation's CSV exports in, CSV files for the corporation out, through a drop folder.

Translation is pure and streams: `decode(payload)` and `decode_stream(file)` turn rows into canonical
messages as the configured import mapping says, one row at a time; `encode(message)` and
`encode_many(messages)` write CSV as an export mapping says. `import_file(path)` is the whole import of
one file: messages to a sink, every rejected row to a rejects CSV for the corporation, and a summary.
`poll` and `deliver` move files through a `DropFolder` (the corporation's SFTP-like inbox and outbox).
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from adapters.csv.mapping import (
    DECODABLE,
    ENCODABLE,
    ExportMapping,
    ImportMapping,
    ImportPlan,
    MappingDefinitionError,
    compile_import,
    load_mapping,
)
from adapters.csv.reader import CsvReader, Rejected
from adapters.csv.simulator import DropFolder
from adapters.csv.writer import CsvWriter
from adapters.sdk.adapter import (
    Adapter,
    AdapterConfig,
    Capabilities,
    Decoded,
    DeliveryReceipt,
    PollResult,
    Transport,
    VendorPayload,
)
from adapters.sdk.errors import MappingError, PermanentError, UnsupportedOperation
from adapters.sdk.spreadsheet import neutralise
from schemas import Message

__all__ = ["CsvAdapter", "CsvConfig", "ImportSummary", "MappingSource"]

logger = logging.getLogger("adapters.csv")

MappingSource = Path | str | dict[str, Any]
"""A mapping: a YAML file, the stem of a shipped mapping (`inschrijvingen`), or the mapping inline."""

CONTENT_TYPE = "text/csv; charset=utf-8"
REJECTS_HEADER = ("rij", "regel", "kolom", "reden")  # row, line, column, reason: for the corporation's staff
MAX_REJECTS_PER_POLL = 1_000  # errors kept in a PollResult per file; the rejects file has them all


class CsvConfig(AdapterConfig):
    """Configuration of one corporation's CSV exchange."""

    model_config = SettingsConfigDict(env_prefix="WOONBRUG_CSV_")

    tenant: str = Field(pattern=r"^[A-Za-z0-9._:\-]+$", max_length=100, description="the corporation (envelope tenant)")
    system: str = Field(default="csv", pattern=r"^[A-Za-z0-9._:\-]+$", max_length=100)
    mapping: MappingSource | None = Field(default=None, description="import mapping: rows -> messages")
    exports: list[MappingSource] = Field(
        default_factory=lambda: list[MappingSource](["toewijzingen", "kandidatenlijst"]),
        description="export mappings, one per type",
    )
    drop_folder: Path | None = Field(default=None, description="root of the inbox/outbox/processed folders")
    rejects_folder: Path | None = Field(default=None, description="where rejects files go (default: drop/rejects)")
    poll_limit: int = Field(default=20, ge=1, le=1_000, description="files per poll")


@dataclass
class ImportSummary:
    """The outcome of importing one file. `refused` is set when the whole file was refused."""

    source: str
    accepted: int = 0
    rejected: int = 0
    warnings: list[str] = field(default_factory=list)
    refused: str | None = None
    rejects_file: Path | None = None
    encoding: str | None = None
    delimiter: str | None = None
    errors: list[MappingError] = field(default_factory=list)  # the first MAX_REJECTS_PER_POLL, located

    @property
    def rows(self) -> int:
        return self.accepted + self.rejected


class CsvAdapter(Adapter[CsvConfig]):
    """Declarative CSV mappings with Dutch conventions; streams in constant memory; file drop transport."""

    name = "csv"
    version = "1.0.0"
    description = "CSV exports of corporation systems via YAML column mappings (Dutch dates, decimal comma, ;)"
    capabilities = Capabilities(
        decodes=DECODABLE,
        encodes=ENCODABLE,
        transports=frozenset({Transport.FILE_DROP}),
    )
    config_model = CsvConfig

    def __init__(self, config: CsvConfig, **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self.plan: ImportPlan | None = None
        if config.mapping is not None:
            mapping = load_mapping(config.mapping)
            if not isinstance(mapping, ImportMapping):
                raise MappingDefinitionError("the import mapping must have direction: import", source="mapping")
            self.plan = compile_import(mapping)
        self.writers: dict[str, CsvWriter] = {}
        for source in config.exports:
            export = load_mapping(source)
            if not isinstance(export, ExportMapping):
                raise MappingDefinitionError("an export mapping must have direction: export", source="exports")
            self.writers[export.message_type] = CsvWriter(export)
        self._drop: DropFolder | None = None

    # --- decoding ---------------------------------------------------------------------------------------

    def reader(self, *, source: str = "", occurred_at: datetime | None = None) -> CsvReader:
        """A reader for one file; `source` names the file (part of message ids when rows have no key)."""
        if self.plan is None:
            raise UnsupportedOperation("no import mapping configured (config.mapping)", adapter=self.name)
        return CsvReader(
            self.plan, tenant=self.config.tenant, system=self.config.system, source=source, occurred_at=occurred_at
        )

    def decode(self, payload: bytes) -> Iterator[Decoded]:
        """A whole CSV file in memory -> messages and located errors. The file's digest is its identity."""
        identity = "sha256:" + hashlib.sha256(payload).hexdigest()[:32]
        yield from self.decode_stream(io.BytesIO(payload), source=identity)

    def decode_stream(
        self, stream: BinaryIO, *, source: str = "", occurred_at: datetime | None = None
    ) -> Iterator[Decoded]:
        """Row by row from a binary file object, in constant memory: a Message or a MappingError per row."""
        reader = self.reader(source=source, occurred_at=occurred_at)
        for item in reader.read(stream):
            if isinstance(item, Rejected):
                yield item.error
            else:
                yield item

    # --- importing a file -------------------------------------------------------------------------------

    def import_file(
        self,
        path: Path | str,
        sink: Callable[[Message], object] | None = None,
        *,
        rejects_folder: Path | None = None,
        occurred_at: datetime | None = None,
    ) -> ImportSummary:
        """Import one file: each accepted message goes to `sink` (None: validate only), each rejected row
        to `<rejects folder>/<file>.rejects.csv` with row, line, column and reason (plus the row's own
        values: the corporation's data, kept on its side). The file's mtime is the messages' occurred_at.
        """
        path = Path(path)
        folder = (
            rejects_folder
            or self.config.rejects_folder
            or (self.config.drop_folder / "rejects" if self.config.drop_folder else path.parent / "rejects")
        )
        moment = occurred_at or datetime.fromtimestamp(path.stat().st_mtime, UTC)
        reader = self.reader(source=path.name, occurred_at=moment)
        summary = ImportSummary(source=path.name)
        rejects = _RejectsFile(folder / f"{path.name}.rejects.csv")
        try:
            with path.open("rb") as stream:
                for item in reader.read(stream):
                    if isinstance(item, Rejected):
                        if item.whole_file:
                            summary.refused = item.problems[0].reason
                        else:
                            summary.rejected += 1
                        if len(summary.errors) < MAX_REJECTS_PER_POLL:
                            summary.errors.append(item.error)
                        rejects.add(item, reader.header)
                    else:
                        summary.accepted += 1
                        if sink is not None:
                            sink(item)
            summary.rejects_file = rejects.finish()
        except BaseException:
            rejects.abandon()
            raise
        summary.warnings = list(reader.warnings)
        summary.encoding, summary.delimiter = reader.encoding, reader.delimiter
        logger.info(
            "csv import %s: %d accepted, %d rejected%s",
            path.name,
            summary.accepted,
            summary.rejected,
            " (file refused)" if summary.refused else "",
        )
        return summary

    # --- encoding ---------------------------------------------------------------------------------------

    def writer_for(self, message_type: str) -> CsvWriter:
        writer = self.writers.get(message_type)
        if writer is None:
            raise UnsupportedOperation(f"no export mapping for {message_type}", adapter=self.name)
        return writer

    def encode(self, message: Message) -> VendorPayload:
        """One message as a CSV file (header and its rows)."""
        return self.encode_many([message])

    def encode_many(self, messages: Iterable[Message]) -> VendorPayload:
        """Messages of one type as one CSV file: one header, their rows in order."""
        batch = list(messages)
        if not batch:
            raise UnsupportedOperation("nothing to encode", adapter=self.name)
        kinds = {message.type for message in batch}
        if len(kinds) > 1:
            raise PermanentError(f"one CSV file holds one message type, got {sorted(kinds)}", adapter=self.name)
        writer = self.writer_for(batch[0].type)
        body = writer.to_bytes(batch)
        digest = hashlib.sha256("\x1f".join(m.message_id for m in batch).encode()).hexdigest()[:16]
        return VendorPayload(body, CONTENT_TYPE, {"filename": _file_name(writer, batch[0], digest)})

    # --- transport: the drop folder ---------------------------------------------------------------------

    @property
    def drop_folder(self) -> DropFolder:
        if self._drop is None:
            if self.config.drop_folder is None:
                raise PermanentError("no drop folder configured (config.drop_folder)", adapter=self.name)
            self._drop = DropFolder(self.config.drop_folder)
        return self._drop

    async def poll(self, cursor: str | None) -> PollResult:
        """Import the files the drop folder holds past `cursor`, in name order; the new cursor covers them.

        The files leave the inbox only when a later poll presents that cursor: a crash before the
        gateway stored it means they come again, and their deterministic message ids make that harmless.
        """
        return await asyncio.to_thread(self._poll, cursor)

    def _poll(self, cursor: str | None) -> PollResult:
        batch = self.drop_folder.poll(cursor, limit=self.config.poll_limit)
        messages: list[Message] = []
        rejects: list[MappingError] = []
        for dropped in batch.files:
            summary = self.import_file(dropped.path, messages.append, occurred_at=dropped.modified)
            rejects.extend(summary.errors)
        return PollResult(messages, rejects, batch.cursor)

    async def deliver(self, message: Message, *, idempotency_key: str) -> DeliveryReceipt:
        """Write the message as an export file into the outbox, once per idempotency key."""
        writer = self.writer_for(message.type)
        body = writer.to_bytes([message])
        digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:16]
        name = _file_name(writer, message, digest)
        return await asyncio.to_thread(self.drop_folder.deliver, body, idempotency_key=idempotency_key, name=name)


def _file_name(writer: CsvWriter, first: Message, digest: str) -> str:
    """An export file's name: the mapping's prefix, the day of the (first) message, and a digest."""
    return f"{writer.file_prefix}-{first.occurred_at.strftime('%Y%m%d')}-{digest}.csv"


class _RejectsFile:
    """The rejects CSV of one import, written as rows are refused and put in place when the import ends.

    Opened only when there is something to write; an import without rejects removes an old rejects file
    of the same name, so the folder never shows rejects that no longer apply.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        self._partial = target.with_name(f".{target.name}.part")
        self._handle: io.TextIOWrapper | None = None
        self._writer: Any = None

    def add(self, rejected: Rejected, header: tuple[str, ...]) -> None:
        if self._handle is None:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            # UTF-8 with BOM and ";": what a Dutch spreadsheet opens correctly by double-click.
            self._handle = self._partial.open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._handle, delimiter=";", lineterminator="\r\n")
            self._writer.writerow([*REJECTS_HEADER, *(neutralise(name) for name in header)])
        values = [neutralise(cell) for cell in (rejected.fields or [])]
        for problem in rejected.problems:
            self._writer.writerow(
                [
                    rejected.row or "",
                    rejected.line or "",
                    problem.column or problem.field or "",
                    problem.reason,
                    *values,
                ]
            )

    def finish(self) -> Path | None:
        if self._handle is None:
            self.target.unlink(missing_ok=True)
            return None
        self._handle.close()
        self._partial.replace(self.target)
        return self.target

    def abandon(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._partial.unlink(missing_ok=True)
