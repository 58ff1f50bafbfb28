"""Kit hooks the reference adapters do not ship themselves, given here as an integrator would.

- `vera`: its simulator starts empty, but half of VERA's message types change an existing record
  (PUT /aanbiedingen/{id}); `PreparedVeraSimulator.prepare` stores the record first, as the flow's
  earlier messages would have. `vera_schema` names the VERA WRV schema each message type travels as.
- `csv`: it moves files through a drop folder; `DropFolderSimulator` is a temporary one whose outbox is
  the ledger (one file per idempotency key), and `drop_folder_config` points the adapter at it. Its
  format is its YAML mappings: `csv_format` checks a file against the mapping it belongs to.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from adapters import VendorPayload
from adapters.csv.mapping import MAPPINGS_DIR, ExportMapping, ImportMapping, load_mapping
from adapters.csv.simulator import DropFolder
from adapters.vera import mapping
from adapters.vera.simulator import VeraSimulator
from contract_tests.vendor_formats import csv_problems
from schemas import Message


def vera_schema(message_type: str) -> str:
    return mapping.resource_for_type(message_type).vera_schema


class PreparedVeraSimulator(VeraSimulator):
    def prepare(self, message: Message) -> None:
        """Store the record an update message changes, so its PUT finds it (as in a real flow)."""
        resource = mapping.resource_for_type(message.type)
        if message.type in resource.updates:
            body = mapping.encode(message).body
            self.preload(resource.name, body if isinstance(body, list) else [body])


class DropFolderSimulator:
    """A corporation's drop folder in a temporary directory; its outbox files are the effects."""

    def __init__(self) -> None:
        self.folder: DropFolder | None = None
        self.url = ""

    @contextmanager
    def running(self) -> Iterator[DropFolderSimulator]:
        with tempfile.TemporaryDirectory(prefix="woonbrug-drop-") as root:
            self.folder = DropFolder(Path(root))
            self.url = root
            yield self

    @property
    def ledger(self) -> DropFolderSimulator:
        return self

    def effects(self) -> list[Any]:
        assert self.folder is not None
        outbox = self.folder.outbox
        return sorted(p.name for p in outbox.iterdir() if not p.name.startswith(".")) if outbox.is_dir() else []


def drop_folder_config(url: str) -> dict[str, Any]:
    return {"drop_folder": url}


def _mappings() -> dict[str, ImportMapping | ExportMapping]:
    return {path.stem: load_mapping(path) for path in sorted(MAPPINGS_DIR.glob("*.yaml"))}


def csv_format(payload: VendorPayload) -> list[str]:
    """Problems of a CSV file against the shipped mapping it belongs to (by export file prefix or sample name).

    An export must have exactly its mapping's columns; an import sample must have every required column
    (extra columns are allowed where the mapping only warns about them) and rows as wide as its header.
    """
    mappings = _mappings()
    filename = payload.metadata.get("filename") or payload.metadata.get("fixture", "")
    mapping = next(
        (
            m
            for m in mappings.values()
            if isinstance(m, ExportMapping) and m.file_prefix and filename.startswith(m.file_prefix + "-")
        ),
        mappings.get(filename.split(".", 1)[0]),
    )
    if mapping is None:
        return [f"no shipped CSV mapping matches {filename!r}"]
    encoding = "utf-8-sig" if mapping.encoding == "auto" else mapping.encoding
    text = payload.body.decode(encoding, errors="replace")
    first = text.splitlines()[0] if text else ""
    delimiter = mapping.delimiter if mapping.delimiter != "auto" else max((";", ",", "\t"), key=first.count)
    if isinstance(mapping, ExportMapping):
        return csv_problems(list(mapping.columns), payload.body, delimiter=delimiter, encoding=encoding)
    header = [name.strip() for name in first.lstrip("\ufeff").split(delimiter)]
    required = [name for name, spec in mapping.columns.items() if spec.required]
    problems = [f"row 1 (header): missing required column {name!r}" for name in required if name not in header]
    if mapping.extra_columns == "refuse":
        problems += [
            f"row 1 (header): column {name!r} is not in the mapping" for name in header if name not in mapping.columns
        ]
    return problems + csv_problems(header, payload.body, delimiter=delimiter, encoding=encoding)
