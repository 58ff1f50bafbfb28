"""`woonbrug check-vera FILE...`: a vendor's check of its VERA documents against what Woonbrug accepts.

Each document is decoded as the VERA adapter would (recognised by its Woonbrug envelope, by its shape, or
as records of `--resource`), and every problem is printed per document and record, located by JSON
pointer; what Woonbrug derived or defaulted is printed as a notice, and for units what publication will
still need. A summary line ends the report. Exit 0 when every document decodes, 1 when some are
refused, 2 on a usage error (no file, an unreadable file). Texts carry names and places, never values.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from adapters import MappingError
from adapters.vera import mapping
from gateway.flow.publication import publication_problems
from schemas import EenheidVrijgekomen, Message, MessageSource

__all__ = ["check_vera"]

EXIT_REFUSED = 1
EXIT_USAGE = 2
_SOURCE = MessageSource(tenant="check-vera", system="vera")


@dataclass
class RecordReport:
    """One record of a document: its message type when it decoded, else its problems."""

    record: int | None
    message_type: str | None = None
    problems: list[dict[str, str]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    publication: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "record": self.record,
            "type": self.message_type,
            "decodes": self.message_type is not None,
            "problems": self.problems,
            "notices": self.notices,
            "publicationNeeds": self.publication,
        }


def _report_of(item: Message | MappingError) -> RecordReport:
    if isinstance(item, MappingError):
        problems = [{"pointer": p.pointer, "reason": p.reason} for p in item.problems] or [
            {"pointer": _pointer_of(item), "reason": item.reason}
        ]
        return RecordReport(item.location.record, problems=problems)
    report = RecordReport(None, message_type=item.type, notices=list(item.notices or []))
    if isinstance(item, EenheidVrijgekomen):
        report.publication = [
            {"pointer": p.pointer, "reason": p.reason} for p in publication_problems(item.payload.eenheid)
        ]
    return report


def _pointer_of(error: MappingError) -> str:
    location = error.location
    if location.line is not None:
        return f"line {location.line}" + (f", column {location.column}" if location.column is not None else "")
    return f"/{location.field}" if location.field else ""


def check_document(payload: bytes, resource: str | None, received_at: datetime) -> list[RecordReport]:
    """Every record of one VERA document, decoded purely (no gateway, no network)."""
    context = mapping.DecodeContext(_SOURCE, received_at)
    try:
        items = list(mapping.decode_payload(payload, resource=resource, context=context))
    except MappingError as error:  # the whole document is unreadable: one problem for it
        return [_report_of(error)]
    reports = [_report_of(item) for item in items]
    for index, report in enumerate(reports):
        if report.record is None and len(reports) > 1:
            report.record = index
    return reports


def _print_text(path: Path, reports: list[RecordReport]) -> None:
    refused = [r for r in reports if r.message_type is None]
    verdict = f"refused ({sum(len(r.problems) for r in refused)} problem(s))" if refused else "decodes"
    click.echo(f"{path}: {verdict}")
    for report in reports:
        where = f"  record {report.record}" if report.record is not None else " "
        if report.message_type is None:
            for problem in report.problems:
                click.echo(f"{where} {problem['pointer'] or '(document)'}: {problem['reason']}")
            continue
        for notice in report.notices:
            click.echo(f"{where} notice: {notice}")
        for need in report.publication:
            click.echo(f"{where} publication needs {need['pointer']}: {need['reason']}")


@click.command("check-vera")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--resource",
    help="The VERA resource the documents were read from (eenheden, publicaties, ...), for documents "
    "without a Woonbrug envelope whose shape does not tell.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def check_vera(files: tuple[Path, ...], resource: str | None, as_json: bool) -> None:
    """Check VERA documents (FILE...) the way Woonbrug decodes them: every problem per document, each
    located by JSON pointer, then a summary. Exit 0 when all decode, 1 when some are refused, 2 on a
    usage error."""
    if not files:
        raise click.UsageError("give one or more VERA JSON files")
    if resource is not None and resource.strip("/").split("/")[0] not in mapping.RESOURCES:
        known = ", ".join(sorted(mapping.RESOURCES))
        raise click.UsageError(f"unknown VERA resource {resource[:40]!r}; known: {known}")
    received_at = datetime.now(UTC)
    results: list[tuple[Path, list[RecordReport]]] = []
    for path in files:
        try:
            payload = path.read_bytes()
        except OSError as error:
            click.echo(f"Error: {path}: cannot read it ({error.strerror or type(error).__name__})", err=True)
            sys.exit(EXIT_USAGE)
        results.append((path, check_document(payload, resource, received_at)))
    refused = [path for path, reports in results if any(r.message_type is None for r in reports)]
    problems = sum(len(r.problems) for _, reports in results for r in reports if r.message_type is None)
    summary = (
        f"{len(results)} document(s): {len(results) - len(refused)} decode, {len(refused)} refused "
        f"({problems} problem(s))"
    )
    if as_json:
        out = {
            "documents": [
                {
                    "file": str(path),
                    "decodes": path not in refused,
                    "records": [report.as_json() for report in reports],
                }
                for path, reports in results
            ],
            "summary": {
                "documents": len(results),
                "decode": len(results) - len(refused),
                "refused": len(refused),
                "problems": problems,
            },
        }
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for path, reports in results:
            _print_text(path, reports)
        click.echo(summary)
    sys.exit(EXIT_REFUSED if refused else 0)
