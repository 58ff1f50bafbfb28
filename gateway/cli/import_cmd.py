"""`woonbrug import`: load units or registrations in bulk through any adapter.

A corporation's first migration is typically a CSV of tens of thousands of registrations. Every record
goes through the inbound pipeline (`gateway.inbound.pipeline`) on the channel of the corporation named by
`--corporatie` (else the tenant the adapter's records carry): ownership check, inbox (keyed by its
source and message id, which the adapters derive from the file's content, so re-running the same file
changes nothing), apply. Registrations are stored in batches with their inbox rows; a batch the store
refuses is taken again row by row, so only the bad row is lost. A record the adapter cannot translate
goes to the rejects file with where and why, and the rest of the file goes on.
"""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

import click

from adapters import Decoded, MappingError
from gateway.cli.adapters_cmd import build_adapter
from gateway.cli.common import open_flow
from gateway.cli.progress import Progress
from gateway.inbound.ownership import Channel, Via
from gateway.inbound.pipeline import InboundPipeline, InboundResult, Refusal
from schemas import MessageSource


@dataclass
class ImportCounts:
    read: int = 0
    new: int = 0
    already_imported: int = 0
    rejected: int = 0
    refused_by_flow: int = 0
    not_owner: int = 0  # records about another corporation's units or allocations

    def add(self, result: InboundResult) -> None:
        self.new += result.received
        self.already_imported += result.duplicates
        self.refused_by_flow += result.refused_by_flow
        self.not_owner += result.not_owner


class RejectsFile:
    """Rejected records, one row each: where (record, row, column, line, field) and why; no values. A
    record refused after it was read (another corporation's, or refused by the flow) has its JSON pointer
    (or nothing) under `field`."""

    COLUMNS = ("record", "row", "column", "line", "field", "reason")

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: TextIO | None = None
        self._writer: Any = None

    def add(self, error: MappingError, record: int) -> None:
        where = error.location
        self._row([record, where.row or "", where.csv_column or "", where.line or "", where.field or "", error.reason])

    def add_refusal(self, refusal: Refusal, record: int | str) -> None:
        """A record that was read but refused by the pipeline (another corporation's, or by the flow)."""
        self._row([record, "", "", "", refusal.where or "", refusal.reason])

    def _row(self, values: list[object]) -> None:
        if self._writer is None:
            self._handle = self.path.open("w", encoding="utf-8", newline="")
            self._writer = csv.writer(self._handle, delimiter=";")
            self._writer.writerow(self.COLUMNS)
        self._writer.writerow(values)

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
    pipeline = InboundPipeline(flow)
    with file.open("rb") as stream:
        progress = Progress(stream, size)  # a bar on a terminal, plain lines when piped

        # One channel per tenant the file speaks for: `--corporatie`, else the tenant on the records.
        by_tenant: dict[str, list[Decoded]] = {}
        record_of: dict[str, int] = {}  # message id -> record number, for the rejects file

        def flush() -> None:
            for tenant, items in by_tenant.items():
                channel = Channel(tenant, Via.IMPORT)
                result = pipeline.take(channel, items, adapter=adapter_name, batch_size=batch_size)
                counts.add(result)
                for refusal in result.refusals:
                    if refusal.message_id is None:
                        continue  # an unreadable record: in the rejects file already, with its location
                    record = record_of.get(refusal.message_id, "")
                    rejects.add_refusal(refusal, record)
                    progress.echo(f"record {record}: refused: {refusal}")
            by_tenant.clear()
            record_of.clear()

        pending = 0
        for item in adapter.decode_all(stream):
            progress.tick()
            counts.read += 1
            if isinstance(item, MappingError):
                counts.rejected += 1
                rejects.add(item, counts.read)
                tenant = corporatie or "import"
            else:
                if corporatie:
                    source = MessageSource(tenant=corporatie, system=item.source.system)
                    item = item.model_copy(update={"source": source})
                tenant = item.source.tenant
                record_of[item.message_id] = counts.read
            by_tenant.setdefault(tenant, []).append(item)
            pending += 1
            if pending >= batch_size:
                flush()
                pending = 0
        flush()
        progress.close()
    written = rejects.close()
    summary: dict[str, Any] = {**asdict(counts), "rejects_file": str(written) if written else None}
    if as_json:
        click.echo(json.dumps(summary, indent=2))
    else:
        for key, value in summary.items():
            click.echo(f"{key:<18} {value}")
    if counts.rejected or counts.refused_by_flow or counts.not_owner:
        sys.exit(2)
