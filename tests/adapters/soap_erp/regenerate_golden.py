"""Regenerate the SOAP ERP adapter's golden outputs: `python -m tests.adapters.soap_erp.regenerate_golden`.

Writes `golden/decode/<case>.canonical.json` from each hand-written `<case>.vendor.xml`, and
`golden/encode/<case>.canonical.json` + `<case>.vendor.xml` (indented) for each case in `cases.ENCODE_CASES`. The
vendor inputs of the decode direction are never rewritten. Review the diff
(`git diff tests/adapters/soap_erp/golden`) before committing: a golden file changes only when the
mapping was meant to change.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from lxml import etree

from adapters.sdk.errors import MappingError
from adapters.sdk.xml import safe_parser
from adapters.soap_erp import SoapErpAdapter, SoapErpConfig
from tests.adapters.soap_erp.cases import DECODE, ENCODE, ENCODE_CASES, decode_cases


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write(path: Path, data: str | bytes) -> bool:
    """Write when different; True when the file changed."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if path.exists() and path.read_bytes() == raw:
        return False
    path.write_bytes(raw)
    return True


def pretty(xml: bytes) -> bytes:
    """Indented for review; the golden test compares canonical XML (C14N) without blank text."""
    root = etree.fromstring(xml, parser=safe_parser())
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


def regenerate() -> list[Path]:
    adapter = SoapErpAdapter(SoapErpConfig())
    changed = []
    for name in decode_cases():
        decoded = list(adapter.decode((DECODE / f"{name}.vendor.xml").read_bytes()))
        failures = [item for item in decoded if isinstance(item, MappingError)]
        if failures:
            raise SystemExit(f"{name}: the vendor envelope does not decode: {failures[0]}")
        canonical = DECODE / f"{name}.canonical.json"
        if write(canonical, dumps([m.model_dump(mode="json") for m in decoded if not isinstance(m, MappingError)])):
            changed.append(canonical)
    ENCODE.mkdir(exist_ok=True)
    for name, build in ENCODE_CASES.items():
        message = build()
        canonical = ENCODE / f"{name}.canonical.json"
        vendor = ENCODE / f"{name}.vendor.xml"
        if write(canonical, dumps(message.model_dump(mode="json"))):
            changed.append(canonical)
        if write(vendor, pretty(adapter.encode(message).body)):
            changed.append(vendor)
    return changed


if __name__ == "__main__":
    for path in regenerate():
        sys.stdout.write(f"wrote {path}\n")
