"""The contract kit's hooks for the `csv` adapter, shipped with it: `woonbrug contract-test csv` needs no others.

The kit finds this module by convention (`<adapter package>.contract`); every name here is a default for
an argument of `contract_tests.contract_test_class`, and a caller's own argument wins.

- `config`: a corporation reading vacancies with the shipped `eenheden` import mapping. The
  `inschrijvingen` sample carries `inschrijvingen.config.json`, so it is read with that mapping instead.
- `fixtures_dir`: golden pairs `<name>.vendor.csv` / `<name>.canonical.jsonl`, with the located errors
  their bad rows give (`<name>.errors.jsonl`).
- `golden_ignore`: `occurredAt` is the file's time of arrival (its mtime), which a sample cannot fix.
- `simulator` / `endpoint_config`: a temporary drop folder whose outbox is the ledger (one file per
  idempotency key) and what was delivered (`delivered_payloads`), and the setting that points the adapter at it.
- `fixtures_dir/encode`: outbound golden pairs, the messages in `<name>.canonical.jsonl` and the export file
  the shipped export mapping writes for them in `<name>.vendor.csv`.
- `validate_vendor_payload`: the format is the YAML mappings; a file is checked against the one it belongs to.

This module imports the adapter's own modules relatively and nothing of the kit: adapters never depend on
contract_tests.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from adapters.sdk.adapter import VendorPayload

from ..mapping import MAPPINGS_DIR, ExportMapping, ImportMapping, load_mapping
from ..simulator import DropFolder

__all__ = [
    "DropFolderSimulator",
    "config",
    "endpoint_config",
    "fixtures_dir",
    "golden_ignore",
    "simulator",
    "validate_vendor_payload",
]

config = {"tenant": "corp-a", "mapping": "eenheden"}
fixtures_dir = Path(__file__).parent / "samples"
golden_ignore = ("occurredAt",)
_MAX_PROBLEMS = 20


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
        """The files written to the outbox, one per delivered idempotency key."""
        if self.folder is None:
            return []
        outbox = self.folder.outbox
        return sorted(p.name for p in outbox.iterdir() if not p.name.startswith(".")) if outbox.is_dir() else []

    def delivered_payloads(self) -> list[bytes]:
        """The bytes of each file written to the outbox, oldest first: what deliver() put on the wire."""
        if self.folder is None or not self.folder.outbox.is_dir():
            return []
        files = [p for p in self.folder.outbox.iterdir() if p.is_file() and not p.name.startswith(".")]
        return [p.read_bytes() for p in sorted(files, key=lambda p: (p.stat().st_mtime_ns, p.name))]


def simulator() -> DropFolderSimulator:
    return DropFolderSimulator()


def endpoint_config(url: str) -> dict[str, Any]:
    return {"drop_folder": url}


def _mapping_for(filename: str) -> ImportMapping | ExportMapping | None:
    mappings = {path.stem: load_mapping(path) for path in sorted(MAPPINGS_DIR.glob("*.yaml"))}
    for found in mappings.values():
        if isinstance(found, ExportMapping) and found.file_prefix and filename.startswith(found.file_prefix + "-"):
            return found
    return mappings.get(filename.split(".", 1)[0])


def validate_vendor_payload(payload: VendorPayload) -> list[str]:
    """Problems of a CSV file against the shipped mapping it belongs to (by export file prefix or sample name).

    An export must have exactly its mapping's columns, in order, in its encoding; an import sample must
    have every required column (extra ones only where the mapping merely warns) and rows as wide as its
    header. Problems name the row and column, never a value.
    """
    filename = payload.metadata.get("filename") or payload.metadata.get("fixture", "")
    mapping = _mapping_for(filename)
    if mapping is None:
        return [f"no shipped CSV mapping matches {filename!r}"]
    encoding = "utf-8-sig" if mapping.encoding == "auto" else mapping.encoding
    try:
        text = payload.body.decode(encoding)
    except UnicodeDecodeError as error:
        return [f"not {encoding} text (the mapping's encoding) at byte {error.start}"]
    if isinstance(mapping, ExportMapping) and encoding == "utf-8-sig" and not payload.body.startswith(b"\xef\xbb\xbf"):
        return ["the file does not start with the UTF-8 byte order mark its mapping (utf-8-sig) writes"]
    text = text.lstrip("\ufeff")
    first = text.splitlines()[0] if text else ""
    delimiter = mapping.delimiter if mapping.delimiter != "auto" else max((";", ",", "\t"), key=first.count)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip() for name in next(rows, [])]
    problems: list[str] = []
    if isinstance(mapping, ExportMapping):
        expected = list(mapping.columns)
        if header != expected:
            missing = [name for name in expected if name not in header]
            unexpected = [name for name in header if name not in expected]
            detail = [f"missing {missing}"] * bool(missing) + [f"unexpected {unexpected}"] * bool(unexpected)
            problems.append(f"row 1 (header): {'; '.join(detail) or f'column order differs: expected {expected}'}")
    else:
        required = [name for name, spec in mapping.columns.items() if spec.required]
        problems += [f"row 1 (header): missing required column {name!r}" for name in required if name not in header]
        if mapping.extra_columns == "refuse":
            unknown = [name for name in header if name not in mapping.columns]
            problems += [f"row 1 (header): column {name!r} is not in the mapping" for name in unknown]
    for row in rows:
        if row and len(row) != len(header):
            problems.append(f"row {rows.line_num}: {len(row)} fields, the header has {len(header)}")
        if len(problems) >= _MAX_PROBLEMS:
            break
    return problems
