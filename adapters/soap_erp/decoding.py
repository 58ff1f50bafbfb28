"""The fast path: a Woonstee ERP response envelope streamed with an lxml pull parser into canonical messages.

zeep would first build its own object tree of the whole response and only then hand it over; this reader
walks the envelope once, turns each record (`VrijeEenheid`, `Huurcontract`) into a dict of element texts
as soon as it ends, validates it with the canonical model, and frees it. Memory stays flat for large
pages, and a bad record becomes one located `MappingError` (record number, XML line, ERP element) while
the rest of the page goes on.

Parsing is hardened (`adapters.sdk.xml`): a DOCTYPE or entity declaration is refused before parsing, and
the parser never resolves entities, loads DTDs or touches the network. A SOAP fault in the body is raised
as `zeep.exceptions.Fault`, which the SDK boundary turns into a permanent (Client) or transient (Server)
error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Final

import pydantic
import zeep.exceptions
from lxml import etree

from adapters.sdk.adapter import Decoded
from adapters.sdk.errors import Location, MappingError
from adapters.sdk.xml import refuse_doctype, stream_elements
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
    """

    def __init__(self, payload: bytes, *, adapter: str | None = None) -> None:
        self.payload = payload
        self.adapter = adapter
        self.cursor: str | None = None
        self.more = False
        self.records = 0

    def _error(self, reason: str, **where: Any) -> MappingError:
        return MappingError(reason, location=Location(**where), adapter=self.adapter)

    def __iter__(self) -> Iterator[Decoded]:
        payload = self.payload
        if not payload.strip():
            yield self._error("empty body: expected a SOAP envelope")
            return
        # A DOCTYPE can only precede the root element, but it is looked for everywhere: a long comment
        # could push it past any prefix window, and a SOAP message has no business carrying one.
        if b"<!DOCTYPE" in payload or b"<!ENTITY" in payload:
            yield self._error("XML with a DOCTYPE or entity declarations is refused", line=1)
            return
        checked_root = False
        document = stream_elements(payload, _TAGS)
        try:
            for element in document:
                if not checked_root:
                    refusal = self._check_root(element)
                    if refusal is not None:
                        yield refusal
                        return
                    checked_root = True
                tag = element.tag
                record = _RECORDS.get(tag)
                if record is not None:
                    self.records += 1
                    name, translate = record
                    # One dict of texts per record, then one canonical validation: the hot path.
                    texts = {child.tag: child.text for child in element}
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
        except etree.XMLSyntaxError as exc:
            yield self._syntax_error(exc)
            return
        if not checked_root:
            root = document.root
            refusal = self._check_root(root) if root is not None else None
            if refusal is not None:
                yield refusal

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
