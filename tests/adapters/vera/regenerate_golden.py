"""Regenerate the VERA adapter's golden files from the current code: `python -m tests.adapters.vera.regenerate_golden`.

Writes `golden/<case>.canonical.json` and `golden/<case>.vera.json` for every case in `cases.CASES`, and
`golden/<case>.canonical.json` for every hand-written vendor body in `cases.VENDOR_CASES`. Review the diff
(`git diff tests/adapters/vera/golden`) before committing: a golden file changes only when the mapping
was meant to change.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from adapters.sdk.errors import MappingError
from adapters.vera import mapping
from tests.adapters.vera.cases import CASES, GOLDEN, VENDOR_CASES, VENDOR_CONTEXT


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write(path: Path, text: str) -> bool:
    """Write when different; True when the file changed."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def regenerate() -> list[Path]:
    GOLDEN.mkdir(exist_ok=True)
    changed = []
    for name, build in CASES.items():
        message = build()
        canonical = GOLDEN / f"{name}.canonical.json"
        vera = GOLDEN / f"{name}.vera.json"
        if write(canonical, dumps(message.model_dump(mode="json"))):
            changed.append(canonical)
        if write(vera, dumps(mapping.encode(message).body)):
            changed.append(vera)
    for name, resource in VENDOR_CASES.items():
        payload = (GOLDEN / f"{name}.vera.json").read_bytes()
        decoded = list(mapping.decode_payload(payload, resource=resource, context=VENDOR_CONTEXT))
        failures = [item for item in decoded if isinstance(item, MappingError)]
        if failures:
            raise SystemExit(f"{name}: the vendor body does not decode: {failures[0]}")
        out = [m.model_dump(mode="json") for m in decoded if not isinstance(m, MappingError)]
        canonical = GOLDEN / f"{name}.canonical.json"
        if write(canonical, dumps(out[0] if len(out) == 1 else out)):
            changed.append(canonical)
    return changed


if __name__ == "__main__":
    for path in regenerate():
        sys.stdout.write(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}\n")
