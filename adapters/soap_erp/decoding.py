"""The fast path: a Woonstee ERP response envelope streamed with an lxml pull parser into canonical messages.

zeep would first build its own object tree of the whole response and only then hand it over; this reader
walks the envelope once, turns each record (`VrijeEenheid`, `Huurcontract`) into a dict of element texts
as soon as it ends, validates it with the canonical model, and frees it. Memory stays flat for large
pages, and a bad record becomes one located `MappingError` (record number, XML line, ERP element) while
the rest of the page goes on.

Parsing is hardened (`adapters.sdk.xml`): a DOCTYPE or entity declaration is refused before parsing, and
the parser never resolves entities, loads DTDs or touches the network. A raw control byte (not even
well-formed XML) is carried through to the model, which refuses that one record, located, instead of
libxml2 stopping there and losing every record after it. The poll feeds the reader from the HTTP stream
(`feed`/`finish`) and gives it the page size it asked for: a record beyond it is refused. A SOAP fault
in the body is raised as `zeep.exceptions.Fault`, which the SDK boundary turns into a permanent (Client)
or transient (Server) error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Final

import pydantic
import zeep.exceptions
from lxml import etree

from adapters.sdk.adapter import Decoded
from adapters.sdk.errors import Location, MappingError
from adapters.sdk.xml import ControlMarker, iter_chunks, refuse_doctype, restore_controls, stream_elements
from adapters.soap_erp.mapping import FieldError, contract_message, element_for, q, unit_message
from schemas import Message

__all__ = ["SOAP_ENV", "EnvelopeReader"]

SOAP_ENV: Final = "http://schemas.xmlsoap.org/soap/envelope/"
_ENVELOPE: Final = f"{{{SOAP_ENV}}}Envelope"
_FAULT: Final = f"{{{SOAP_ENV}}}Fault"
_UNIT: Final = q("VrijeEenheid")
_CONTRACT: Final = q("Huurcontract")
_CURSOR: Final = q("Cursor")
_MORE: Final = q("Meer")
_Translate = Callable[[dict[str, str | None]], Message]
_RECORDS: Final[dict[str, tuple[str, _Translate]]] = {
    _UNIT: ("VrijeEenheid", unit_message),
    _CONTRACT: ("Huurcontract", contract_message),
}
_TAGS: Final = [_UNIT, _CONTRACT, _CURSOR, _MORE, _FAULT]


class EnvelopeReader:
    """Iterate the records of one ERP response envelope as canonical messages or located MappingErrors.

    After iterating, `cursor` and `more` hold the response's `Cursor` and `Meer` (None/False when the
    envelope had none, e.g. because it broke off). Whole-envelope problems (empty, not XML, a DOCTYPE,
    not a SOAP envelope) are one MappingError yielded where they were found; a SOAP fault is raised.

    `payload` is the whole envelope or an iterable of its byte chunks; a caller reading an HTTP stream
    passes none and pushes chunks with `feed`, then calls `finish`. With `page_size` (the MaxAantal that
    was asked) a record beyond the page is refused, located, and reading stops there: an ERP that ignores
    the page size could otherwise send a whole database. `stopped` then says reading ended early, and
    `cursor` stays None so the caller does not skip what was not read.
    """

    def __init__(
        self,
        payload: bytes | Iterable[bytes] | None = None,
        *,
        adapter: str | None = None,
        page_size: int | None = None,
    ) -> None:
        self.payload = payload
        self.adapter = adapter
        self.page_size = page_size
        self.cursor: str | None = None
        self.more = False
        self.records = 0
        self.stopped = False
        self._document = stream_elements(None, _TAGS)
        self._checked_root = False
        self._content = False  # any non-blank byte seen
        self._tail = b""  # the last bytes of the previous chunk: a DOCTYPE may straddle two chunks
        self._marker: ControlMarker | None = None  # decided on the first chunk (not for UTF-16)
        self._first = True

    def _error(self, reason: str, **where: Any) -> MappingError:
        return MappingError(reason, location=Location(**where), adapter=self.adapter)

    def __iter__(self) -> Iterator[Decoded]:
        for chunk in iter_chunks(self.payload or b""):
            yield from self.feed(bytes(chunk))
            if self.stopped:
                return
        yield from self.finish()

    def feed(self, chunk: bytes) -> Iterator[Decoded]:
        """Decode one more chunk of the envelope: the records it completed, or the error that stops it."""
        if self.stopped or not chunk:
            return
        if self._first:
            self._first = False
            self._marker = None if chunk[:2] in (b"\xff\xfe", b"\xfe\xff") else ControlMarker()
        if not self._content and chunk.strip():
            self._content = True
        # A DOCTYPE can only precede the root element, but it is looked for everywhere: a long comment
        # could push it past any prefix window, and a SOAP message has no business carrying one.
        window = self._tail + chunk
        if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
            self.stopped = True
            yield self._error("XML with a DOCTYPE or entity declarations is refused", line=1)
            return
        self._tail = chunk[-8:]
        if self._marker is not None:
            chunk = self._marker.mark(chunk)
        try:
            for element in self._document.feed(chunk):
                yield from self._handle(element)
                if self.stopped:
                    return
        except etree.XMLSyntaxError as exc:
            self.stopped = True
            yield self._syntax_error(exc)

    def finish(self) -> Iterator[Decoded]:
        """The end of the envelope: its last records and any problem of the whole."""
        if self.stopped:
            return
        if not self._content:
            self.stopped = True
            yield self._error("empty body: expected a SOAP envelope")
            return
        try:
            for element in self._document.close():
                yield from self._handle(element)
                if self.stopped:
                    return
        except etree.XMLSyntaxError as exc:
            self.stopped = True
            yield self._syntax_error(exc)
            return
        if not self._checked_root:
            root = self._document.root
            refusal = self._check_root(root) if root is not None else None
            if refusal is not None:
                yield refusal

    def _handle(self, element: Any) -> Iterator[Decoded]:
        if not self._checked_root:
            refusal = self._check_root(element)
            if refusal is not None:
                self.stopped = True
                yield refusal
                return
            self._checked_root = True
        tag = element.tag
        record = _RECORDS.get(tag)
        if record is not None:
            self.records += 1
            name, translate = record
            if self.page_size is not None and self.records > self.page_size:
                self.stopped = True
                self.cursor = None
                yield self._error(
                    f"the ERP sent more records than the {self.page_size} asked for (MaxAantal); this one and "
                    "any after it are refused and not read, and the cursor stays where it was",
                    record=self.records,
                    line=element.sourceline,
                    field=name,
                )
                return
            # One dict of texts per record, then one canonical validation: the hot path.
            texts = {child.tag: child.text for child in element}
            if self._marker is not None and self._marker.seen:
                texts = {tag: None if text is None else restore_controls(text) for tag, text in texts.items()}
            try:
                item: Decoded = translate(texts)
            except FieldError as error:
                item = self._located(element, name, error.element, error.reason)
            except pydantic.ValidationError as error:
                item = self._invalid(element, name, error)
            yield item
            # Free what was read: the record and the ones before it.
            element.clear()
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
        elif tag == _CURSOR:
            self.cursor = (element.text or "").strip() or None
        elif tag == _MORE:
            self.more = (element.text or "").strip() in {"true", "1"}
        else:  # a SOAP fault
            raise _fault(element)

    def _check_root(self, element: Any) -> MappingError | None:
        tree = element.getroottree()
        try:
            refuse_doctype(tree)
        except MappingError as refusal:
            refusal.adapter = self.adapter
            return refusal
        root = tree.getroot()
        if root.tag != _ENVELOPE:
            return self._error("not a SOAP 1.1 envelope (the root element must be soap:Envelope)", line=root.sourceline)
        return None

    def _syntax_error(self, exc: etree.XMLSyntaxError) -> MappingError:
        line, column = exc.position
        # libxml2's message quotes the offending bytes: keep only what kind of problem it was.
        message = str(exc.msg or "")
        if "encoding" in message or "UTF-8" in message or "Char 0x" in message:
            reason = "bytes are not valid in the document's declared encoding (UTF-8 unless declared)"
        elif "huge" in message or "too long" in message.lower():
            reason = "a text or element is larger than the parser allows (10 MB per text); parsing stopped"
        else:
            reason = "malformed XML; parsing stopped here"
        return self._error(reason, line=line, column=column)

    def _invalid(self, element: Any, name: str, error: pydantic.ValidationError) -> MappingError:
        """A canonical validation error, located at the ERP element it came from; no input values."""
        errors = error.errors(include_input=False, include_url=False)
        loc = errors[0]["loc"]
        path = ".".join(str(part) for part in loc)
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return self._located(element, name, element_for(name, loc), f"{errors[0]['msg']} (canonical {path}){more}")

    def _located(self, element: Any, name: str, local: str | None, reason: str) -> MappingError:
        line = element.sourceline
        if local is not None:
            tag = q(local)
            for child in element:
                if child.tag == tag:
                    line = child.sourceline
                    break
        return self._error(
            reason, record=self.records, line=line, field=f"{name}/{local}" if local is not None else name
        )


def _fault(element: Any) -> zeep.exceptions.Fault:
    """The zeep Fault for a SOAP 1.1 `soap:Fault` element, so the SDK boundary maps it like any other."""
    code = (element.findtext("faultcode") or "").strip()
    text = (element.findtext("faultstring") or "").strip()
    fault: zeep.exceptions.Fault = zeep.exceptions.Fault(  # type: ignore[no-untyped-call]  # zeep: unannotated
        message=text or "SOAP fault", code=code or None, detail=element.find("detail")
    )
    return fault
