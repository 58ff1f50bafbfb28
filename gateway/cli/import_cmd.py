"""`woonbrug import`: load units or registrations in bulk through any adapter.

A corporation's first migration is typically a CSV of tens of thousands of registrations. Every record
goes through the inbox (keyed by its source and message id, which the adapters derive from the file's
content), so re-running the same file changes nothing. A registration is stored in the same transaction
as its inbox row; a record the adapter cannot translate goes to the rejects file with where and why, and
the rest of the file goes on.
"""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

import click

from adapters import MappingError
from gateway.cli.adapters_cmd import build_adapter
from gateway.cli.common import open_flow
from gateway.cli.progress import Progress
from gateway.delivery import inbox
from gateway.flow.service import FlowError, FlowService
from schemas import InschrijvingGeregistreerd, InschrijvingGewijzigd, Message, MessageSource

REGISTRATION_TYPES = (InschrijvingGeregistreerd, InschrijvingGewijzigd)


@dataclass
class ImportCounts:
    read: int = 0
    new: int = 0
    already_imported: int = 0
    rejected: int = 0
    refused_by_flow: int = 0


class RejectsFile:
    """Rejected records, one row each: where (record, row, column, line, field) and why; no values."""

    COLUMNS = ("record", "row", "column", "line", "field", "reason")

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: TextIO | None = None
        self._writer: Any = None

    def add(self, error: MappingError, record: int) -> None:
        if self._writer is None:
            self._handle = self.path.open("w", encoding="utf-8", newline="")
            self._writer = csv.writer(self._handle, delimiter=";")
            self._writer.writerow(self.COLUMNS)
        where = error.location
        self._writer.writerow(
            [record, where.row or "", where.csv_column or "", where.line or "", where.field or "", error.reason]
        )

    def close(self) -> Path | None:
        if self._handle is None:
            return None
        self._handle.close()
        return self.path


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--adapter", "adapter_name", required=True, help="The adapter that reads FILE (e.g. csv).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--corporatie", help="The tenant the records come from (default: what the adapter says).")
@click.option("--region", "region_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--rejects", "rejects_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def import_file(
    file: Path,
    adapter_name: str,
    config_path: Path | None,
    corporatie: str | None,
    region_file: Path | None,
    rejects_path: Path | None,
    batch_size: int,
    as_json: bool,
) -> None:
    """Load units or registrations from FILE through an adapter into the region's store."""
    flow = open_flow(region_file=region_file)
    adapter = build_adapter(adapter_name, config_path)
    counts = ImportCounts()
    rejects = RejectsFile(rejects_path or file.with_name(file.name + ".rejects.csv"))
    size = file.stat().st_size
    batch: list[Message] = []
    with file.open("rb") as stream:
        progress = Progress(stream, size)  # a bar on a terminal, plain lines when piped
        for item in adapter.decode_all(stream):
            progress.tick()
            counts.read += 1
            if isinstance(item, MappingError):
                counts.rejected += 1
                rejects.add(item, counts.read)
                continue
            if corporatie:
                item = item.model_copy(update={"source": MessageSource(tenant=corporatie, system=item.source.system)})
            batch.append(item)
            if len(batch) >= batch_size:
                _apply(flow, batch, counts)
                batch = []
        _apply(flow, batch, counts)
        progress.close()
    written = rejects.close()
    summary: dict[str, Any] = {**asdict(counts), "rejects_file": str(written) if written else None}
    if as_json:
        click.echo(json.dumps(summary, indent=2))
    else:
        for key, value in summary.items():
            click.echo(f"{key:<18} {value}")
    if counts.rejected or counts.refused_by_flow:
        sys.exit(2)


def _apply(flow: FlowService, batch: list[Message], counts: ImportCounts) -> None:
    """Store a batch in the inbox and apply what is new (or stored but not yet applied) to the flow."""
    if not batch:
        return
    later: list[tuple[int, Message]] = []
    now = flow.clock.now()
    with flow.db.transaction() as session:
        for message in batch:
            receipt = inbox.receive(session, message, clock=flow.clock, actor="import")
            if receipt.stored.processed_at is not None:
                counts.already_imported += 1
                continue
            counts.new += 1
            if isinstance(message, REGISTRATION_TYPES):
                flow.register_in(session, message.payload, message.source.tenant, now)
                inbox.mark_processed(session, receipt.stored.id, clock=flow.clock)
            else:
                later.append((receipt.stored.id, message))
    for inbox_id, message in later:
        try:
            flow.handle(message, tenant=message.source.tenant)
        except (FlowError, LookupError) as error:
            counts.refused_by_flow += 1
            click.echo(f"record {message.message_id}: refused: {error}", err=True)
        with flow.db.transaction() as session:
            inbox.mark_processed(session, inbox_id, clock=flow.clock)
