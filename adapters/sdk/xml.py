"""Hardened XML: no entities, no DTDs, no network, no huge trees — for lxml and zeep alike.

XXE and billion-laughs payloads are refused with a MappingError rather than parsed with care: a vendor
message has no business carrying a DOCTYPE.
"""

from __future__ import annotations

from typing import IO, Any

from lxml import etree
from zeep import Settings

from adapters.sdk.errors import Location, MappingError

__all__ = ["ZEEP_SETTINGS", "iterparse", "parse", "refuse_doctype", "safe_parser"]

ZEEP_SETTINGS = Settings(
    strict=True,
    raw_response=False,
    forbid_dtd=True,
    forbid_entities=True,
    forbid_external=True,
    xml_huge_tree=False,
)


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=True,
    )


def refuse_doctype(tree: Any) -> None:
    """Raise when the document declared a DOCTYPE or entities (XXE, billion laughs)."""
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise MappingError("XML with a DOCTYPE or entity declarations is refused", location=Location(line=1))


def parse(data: bytes) -> etree._Element:
    """Parse a whole XML document safely; malformed XML becomes a MappingError with its line."""
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:65536]:
        raise MappingError("XML with a DOCTYPE or entity declarations is refused", location=Location(line=1))
    try:
        root = etree.fromstring(data, parser=safe_parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        raise MappingError("malformed XML", location=Location(line=line, column=column)) from exc
    refuse_doctype(root.getroottree())
    return root


def iterparse(source: IO[bytes], tag: str | None = None) -> Any:
    """lxml iterparse with the same protections, for streaming large responses."""
    return etree.iterparse(
        source,
        events=("end",),
        tag=tag,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_blank_text=True,
    )
