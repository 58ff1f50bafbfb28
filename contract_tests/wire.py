"""Vendor payloads as fields, and their differences field by field: how the kit compares what an adapter writes.

An outbound golden sample (canonical in, vendor payload out) and what `deliver()` puts on the wire are
compared here, not byte for byte: a payload becomes a flat map of named fields, and each difference names
its field, so a vendor reads "Rekenhuur: expected 675.25, written 675.26" rather than a diff of bytes.

- XML: every element's text and attributes by its path of local names (`/Envelope/Body/PutToewijzing/...`,
  `[2]` for a repeated sibling), and each element's namespace (`.../Envelope@xmlns`: a SOAP 1.2 envelope
  is a difference). Whitespace between elements does not count.
- JSON: every leaf by its JSON pointer; numbers are compared as decimals (675.25 and 675.250 are one
  amount, 675.25 and 675.26 are not), strings exactly (a time without its zone differs).
- CSV: the text encoding (a UTF-8 byte order mark counts), the delimiter, the header in order, and every
  cell by row and column name (`row 2/Huur`).
- anything else: the bytes as one field.

`differences(expected, actual, subset=...)`: with `subset`, fields `actual` has beyond `expected` are
allowed (a wire request carries headers an `encode()` leaves out: wsa:To, credentials).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lxml import etree

from adapters.sdk.xml import parse

__all__ = ["FieldDifference", "differences", "payload_fields", "render"]

_MAX_SHOWN = 25


@dataclass(frozen=True)
class FieldDifference:
    """One field that differs: `expected` or `actual` is None when the field is missing on that side."""

    field: str
    expected: str | None
    actual: str | None

    def describe(self, written: str = "written") -> str:
        if self.actual is None:
            return f"{self.field}: missing (expected {self.expected})"
        if self.expected is None:
            return f"{self.field}: unexpected ({written} {self.actual})"
        return f"{self.field}: expected {self.expected}, {written} {self.actual}"


def payload_fields(body: bytes, content_type: str = "") -> dict[str, str]:
    """The fields of a vendor payload, by the format its content type or first bytes say."""
    kind = content_type.lower()
    start = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if "xml" in kind or start == b"<":
        return _xml_fields(body)
    if "json" in kind or start in (b"{", b"["):
        return _json_fields(body)
    if "csv" in kind or "text/plain" in kind:
        return _csv_fields(body)
    return {"(bytes)": body.hex()}


def _xml_fields(body: bytes) -> dict[str, str]:
    try:
        root = parse(body)
    except Exception as error:
        return {"(xml)": f"not well-formed XML ({type(error).__name__})"}
    fields: dict[str, str] = {}

    def walk(element: Any, path: str) -> None:
        qname = etree.QName(element)
        fields[f"{path}@xmlns"] = qname.namespace or ""
        for name, value in sorted(element.attrib.items()):
            fields[f"{path}@{etree.QName(name).localname}"] = value
        children = [child for child in element if isinstance(child.tag, str)]
        text = (element.text or "").strip()
        if text or not children:
            fields[path] = text
        seen: dict[str, int] = {}
        for child in children:
            local = etree.QName(child).localname
            seen[local] = seen.get(local, 0) + 1
        counts: dict[str, int] = {}
        for child in children:
            local = etree.QName(child).localname
            counts[local] = counts.get(local, 0) + 1
            suffix = f"[{counts[local]}]" if seen[local] > 1 else ""
            walk(child, f"{path}/{local}{suffix}")

    walk(root, "/" + etree.QName(root).localname)
    return fields


def _json_fields(body: bytes) -> dict[str, str]:
    try:
        document = json.loads(body, parse_float=Decimal)
    except ValueError as error:
        return {"(json)": f"not valid JSON ({type(error).__name__})"}
    fields: dict[str, str] = {}

    def walk(value: Any, pointer: str) -> None:
        if isinstance(value, Mapping):
            if not value:
                fields[pointer or "/"] = "{}"
            for key, item in value.items():
                walk(item, f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}")
        elif isinstance(value, list):
            if not value:
                fields[pointer or "/"] = "[]"
            for index, item in enumerate(value):
                walk(item, f"{pointer}/{index}")
        elif isinstance(value, bool) or value is None:
            fields[pointer or "/"] = json.dumps(value)
        elif isinstance(value, int | Decimal):
            fields[pointer or "/"] = _number(Decimal(value))
        else:
            fields[pointer or "/"] = json.dumps(value, ensure_ascii=False)

    walk(document, "")
    return fields


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _encoding(body: bytes) -> str:
    if body.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "windows-1252"
    return "utf-8 without byte order mark"


def _csv_fields(body: bytes) -> dict[str, str]:
    encoding = _encoding(body)
    text = body.decode(encoding.split(" ", 1)[0], errors="replace")
    first = text.splitlines()[0] if text else ""
    delimiter = max((";", ",", "\t", "|"), key=first.count)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    fields = {"(encoding)": encoding, "(delimiter)": repr(delimiter)}
    if not rows:
        return fields
    header = rows[0]
    fields["(columns)"] = " | ".join(header)
    for number, row in enumerate(rows[1:], start=2):
        for index, value in enumerate(row):
            column = header[index] if index < len(header) else f"column {index + 1}"
            fields[f"row {number}/{column}"] = value
    return fields


def differences(
    expected: Mapping[str, str], actual: Mapping[str, str], *, subset: bool = False
) -> list[FieldDifference]:
    """The fields that differ, in the expected payload's order; with `subset`, extra actual fields are allowed."""
    found = [
        FieldDifference(name, value, actual.get(name)) for name, value in expected.items() if actual.get(name) != value
    ]
    if not subset:
        found += [FieldDifference(name, None, value) for name, value in actual.items() if name not in expected]
    return found


def render(found: list[FieldDifference], written: str = "written") -> str:
    lines = [f"  - {difference.describe(written)}" for difference in found[:_MAX_SHOWN]]
    if len(found) > _MAX_SHOWN:
        lines.append(f"  ... and {len(found) - _MAX_SHOWN} more")
    return "\n".join(lines)
