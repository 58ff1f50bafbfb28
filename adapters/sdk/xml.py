"""Hardened XML: no entities, no DTDs, no network, no huge trees — for lxml and zeep alike.

XXE and billion-laughs payloads are refused with a MappingError rather than parsed with care: a vendor
message has no business carrying a DOCTYPE.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, Final

from lxml import etree
from zeep import Settings

from adapters.sdk.errors import Location, MappingError

__all__ = [
    "STREAM_CHUNK_BYTES",
    "ZEEP_SETTINGS",
    "ControlMarker",
    "StreamedDocument",
    "iter_chunks",
    "parse",
    "refuse_doctype",
    "restore_controls",
    "safe_parser",
    "stream_elements",
]

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


# Big enough that libxml2's per-call overhead vanishes, small enough that a page is never held twice.
STREAM_CHUNK_BYTES: Final = 64 * 1024


class StreamedDocument:
    """The elements of one XML document, streamed: every element that ended before a syntax error.

    Iterating yields each element named in `tags` when it ends. The bytes are fed to an lxml pull
    parser chunk by chunk and the finished elements are handed out after each chunk, so memory follows
    the consumer (which clears what it read), not the document. On malformed input the elements that
    ended before the bad spot are yielded first and the `XMLSyntaxError` (with its line and column) is
    raised after them. That order is ours, not libxml2's: iterparse's recovery of earlier events
    differs between lxml releases (6.2 raises before handing them out), the pull parser's queue of
    finished events does not. After iteration `root` holds the document's root element, if any.

    A caller whose bytes arrive asynchronously (an HTTP response stream) pushes them instead: `feed`
    each chunk and `close` at the end, iterating what each returns.
    """

    def __init__(self, source: bytes | Iterable[bytes] | None, tags: Iterable[str]) -> None:
        self._source = source
        self._parser: Any = etree.XMLPullParser(
            events=("end",),
            tag=list(tags),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_blank_text=True,
        )
        self.root: Any = None

    def __iter__(self) -> Iterator[Any]:
        for chunk in iter_chunks(self._source or b""):
            yield from self.feed(chunk)
        yield from self.close()

    def feed(self, chunk: bytes) -> Iterator[Any]:
        """Parse one more chunk: the elements it finished, then its `XMLSyntaxError` if it had one."""
        try:
            self._parser.feed(chunk)
        except etree.XMLSyntaxError:
            yield from self._drain()
            raise
        yield from self._drain()

    def close(self) -> Iterator[Any]:
        """End of the document: the last elements, then an `XMLSyntaxError` if it broke off."""
        try:
            self.root = self._parser.close()
        except etree.XMLSyntaxError:
            yield from self._drain()
            raise
        yield from self._drain()

    def _drain(self) -> Iterator[Any]:
        for _event, element in self._parser.read_events():
            if self.root is None:
                self.root = element.getroottree().getroot()
            yield element


# XML 1.0 allows no C0 control but tab, LF and CR, not even as a character reference: libxml2 stops at
# the first one and every record after it would be lost. In an ASCII-compatible encoding (UTF-8, the
# ERP's) such a byte is always that control character, so it is swapped for a private-use character
# the parser accepts, and `restore_controls` puts it back in the text for the model to refuse, located.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MARK_BASE: Final = 0xF780  # U+F780..U+F79F, private use
_RESTORE = {_MARK_BASE + code: code for code in range(0x20)}


def _marked(match: re.Match[bytes]) -> bytes:
    return chr(_MARK_BASE + match.group()[0]).encode("utf-8")


class ControlMarker:
    """Swap control bytes in UTF-8 chunks for private-use marks; `seen` says whether any were swapped."""

    __slots__ = ("seen",)

    def __init__(self) -> None:
        self.seen = False

    def mark(self, chunk: bytes) -> bytes:
        if _CONTROL_BYTES.search(chunk) is None:
            return chunk
        self.seen = True
        return _CONTROL_BYTES.sub(_marked, chunk)


def restore_controls(text: str) -> str:
    """The text with the control characters `ControlMarker` swapped out put back."""
    return text.translate(_RESTORE)


def stream_elements(source: bytes | Iterable[bytes] | None, tags: Iterable[str]) -> StreamedDocument:
    """Stream the elements named in `tags` out of `source` with the hardened parser (see StreamedDocument)."""
    return StreamedDocument(source, tags)


def iter_chunks(source: bytes | Iterable[bytes]) -> Iterator[bytes]:
    """`source` in chunks of at most STREAM_CHUNK_BYTES (bytes), or as its own chunks (an iterable)."""
    if isinstance(source, bytes | bytearray | memoryview):
        view = memoryview(source)
        for start in range(0, len(view), STREAM_CHUNK_BYTES):
            yield bytes(view[start : start + STREAM_CHUNK_BYTES])
        return
    yield from source
