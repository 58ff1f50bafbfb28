"""Regenerate the csv adapter's golden files: `python -m tests.adapters.csv.regenerate_golden`.

Rewrites the outputs only (`*.canonical.jsonl`, `*.errors.jsonl`, `*.rejects.csv`, the export `*.csv`);
the import inputs are hand-written. Review `git diff tests/adapters/csv/golden` before committing: a
golden file changes only when a mapping or converter was meant to change.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from tests.adapters.csv.cases import (
    EXPORTS,
    GOLDEN,
    IMPORTS,
    OCCURRED_AT,
    adapter,
    canonical_lines,
    decode_case,
    error_lines,
)


def write(path: Path, data: bytes) -> bool:
    """Write when different; True when the file changed."""
    if path.exists() and path.read_bytes() == data:
        return False
    path.write_bytes(data)
    return True


def regenerate() -> list[Path]:
    changed = []
    for name in IMPORTS:
        messages, errors = decode_case(name)
        outputs = {
            GOLDEN / f"{name}.canonical.jsonl": canonical_lines(messages).encode(),
            GOLDEN / f"{name}.errors.jsonl": error_lines(errors).encode(),
        }
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / f"{name}.csv"
            shutil.copyfile(GOLDEN / f"{name}.csv", copy)
            summary = adapter(name).import_file(copy, rejects_folder=Path(folder), occurred_at=OCCURRED_AT)
            if summary.rejects_file is not None:
                outputs[GOLDEN / f"{name}.rejects.csv"] = summary.rejects_file.read_bytes()
        changed += [path for path, data in outputs.items() if write(path, data)]
    export_adapter = adapter(None)
    for name, build in EXPORTS.items():
        messages = build()
        body = export_adapter.encode_many(messages).body
        path = GOLDEN / f"{name}.csv"
        if write(path, body):
            changed.append(path)
    return changed


if __name__ == "__main__":
    for path in regenerate():
        sys.stdout.write(f"wrote {path}\n")
