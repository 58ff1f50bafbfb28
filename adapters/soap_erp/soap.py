"""zeep plumbing for the Woonstee ERP: the WSDL from the package, the transport, WS-Addressing headers.

- The WSDL and its XSD are read from local files only; a transport that refuses every remote load makes
  sure an `import`/`include` can never reach the network.
- `ErpTransport` is zeep's `AsyncTransport` over the injected `httpx.AsyncClient`. It applies the
  configured timeout per request and checks the HTTP status *before* zeep reads the body, so a 503 or
  429 keeps its Retry-After (zeep would turn it into a bare TransportError); a SOAP fault is left to zeep,
  which raises `zeep.exceptions.Fault` for the SDK boundary to classify. Its own `post` also replaces
  zeep's, which logs whole envelopes at DEBUG: those carry the rekeninkomen and the WS-Security password.
- `ErpTransport.stream_post` hands a read response over unread, so the adapter streams it through the
  decoder under a size cap instead of holding a vendor's whole answer in memory.
- `addressing_headers` builds the WS-Addressing headers ourselves instead of using zeep's
  `WsAddressingPlugin`, which invents a random MessageID: here the MessageID *is* the idempotency key.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Final

import httpx
import zeep
import zeep.exceptions
from lxml import etree
from zeep.transports import AsyncTransport, Transport
from zeep.wsdl import Document

from adapters.sdk.boundary import error_for_response
from adapters.sdk.errors import AdapterError, MappingError, PermanentError
from adapters.sdk.xml import ZEEP_SETTINGS, parse
from adapters.soap_erp.mapping import NS

__all__ = [
    "BINDING",
    "OPERATIONS",
    "WSA_NS",
    "WSDL_PATH",
    "XSD_PATH",
    "ErpTransport",
    "LocalOnlyTransport",
    "action_for",
    "addressing_headers",
    "envelope_bytes",
    "load_document",
    "new_message_id",
    "status_error",
]

WSDL_PATH: Final = Path(__file__).resolve().parent / "wsdl" / "erp.wsdl"
XSD_PATH: Final = WSDL_PATH.with_name("erp.xsd")
BINDING: Final = f"{{{NS}}}VerhuurBinding"
OPERATIONS: Final = ("GetVacantUnits", "GetChangesSince", "PutToewijzing", "GetContracts")
WSA_NS: Final = "http://www.w3.org/2005/08/addressing"
_SOAP_ENV: Final = "{http://schemas.xmlsoap.org/soap/envelope/}"


def action_for(operation: str) -> str:
    """The SOAPAction (and wsa:Action) of an operation, as the WSDL binding declares it."""
    return f"{NS}/{operation}"


def new_message_id() -> str:
    """A fresh MessageID for a read, which needs no idempotency key of its own."""
    return f"urn:uuid:{uuid.uuid4()}"


def addressing_headers(operation: str, message_id: str, to: str | None = None) -> list[etree._Element]:
    """wsa:Action, wsa:MessageID (the idempotency key, verbatim) and, when known, wsa:To."""
    values = [("Action", action_for(operation)), ("MessageID", message_id)]
    if to:
        values.append(("To", to))
    headers = []
    for local, text in values:
        element = etree.Element(f"{{{WSA_NS}}}{local}", nsmap={"wsa": WSA_NS})
        element.text = text
        headers.append(element)
    return headers


class LocalOnlyTransport(Transport):
    """zeep's transport for loading the WSDL, with every remote (http, https, file URL) load refused."""

    def _load_remote_data(self, url: str) -> bytes:
        raise PermanentError(
            "the ERP WSDL refers to a remote document; only local files are loaded", adapter="soap_erp"
        )


@functools.lru_cache(maxsize=8)
def load_document(path: str) -> Document:
    """The parsed WSDL at `path` (a local file), shared by every adapter that uses it."""
    if not Path(path).is_file():
        raise PermanentError(f"the ERP WSDL {path!r} is not a readable file", adapter="soap_erp")
    # zeep annotates `transport` as a class, but uses (and documents) an instance.
    transport: Any = LocalOnlyTransport()  # type: ignore[no-untyped-call]  # zeep's __init__ is unannotated
    try:
        return Document(path, transport, settings=ZEEP_SETTINGS)
    except PermanentError:
        raise
    except (zeep.exceptions.Error, etree.LxmlError, OSError, ValueError) as exc:
        # A WSDL that cannot be read is a configuration problem, not bad vendor data: fix, do not retry.
        raise PermanentError(
            f"the ERP WSDL {path!r} cannot be loaded ({type(exc).__name__})", adapter="soap_erp"
        ) from exc


def _refuse(request: httpx.Request) -> httpx.Response:
    raise PermanentError("the ERP transport loads no WSDL over the network", adapter="soap_erp")


class ErpTransport(AsyncTransport):
    """zeep's AsyncTransport over the injected client; statuses are checked before zeep reads a reply."""

    def __init__(self, client: httpx.AsyncClient, *, timeout: float, adapter: str) -> None:
        # AsyncTransport replaces the client's headers with its User-Agent; keep what the caller set.
        kept = httpx.Headers(client.headers)
        super().__init__(  # type: ignore[no-untyped-call]  # zeep's __init__ is unannotated
            client=client,
            wsdl_client=httpx.Client(transport=httpx.MockTransport(_refuse)),
        )
        kept.setdefault("User-Agent", f"woonbrug-soap-erp zeep/{zeep.__version__}")
        client.headers = kept
        self.adapter = adapter
        self.timeout = timeout

    def _load_remote_data(self, url: str) -> bytes:
        raise PermanentError("the ERP transport loads no WSDL over the network", adapter=self.adapter)

    async def post(self, address: str, message: bytes, headers: dict[str, str]) -> httpx.Response:
        response = await self.client.post(address, content=message, headers=headers, timeout=self.timeout)
        if response.is_success or _carries_soap_fault(response):
            return response
        raise status_error(response, self.adapter)

    @asynccontextmanager
    async def stream_post(self, address: str, message: bytes, headers: dict[str, str]) -> AsyncIterator[httpx.Response]:
        """POST and hand over the response unread, to be streamed; a bare HTTP error is raised first.

        A reply that may be a SOAP fault (XML content) is handed over too: the caller decodes it and
        raises the fault, or the status when there was none.
        """
        request = self.client.build_request("POST", address, content=message, headers=headers, timeout=self.timeout)
        response = await self.client.send(request, stream=True)
        try:
            if not response.is_success and "xml" not in response.headers.get("Content-Type", ""):
                raise status_error(response, self.adapter)
            yield response
        finally:
            await response.aclose()

    async def aclose(self) -> None:
        # The adapter owns (and closes) the injected client; only the WSDL client is ours.
        self.wsdl_client.close()


def status_error(response: httpx.Response, adapter: str) -> AdapterError:
    """The error a non-success HTTP status of the SOAP endpoint means."""
    error = error_for_response(response, adapter)
    if error is None:  # 1xx/3xx: httpx follows no redirects here, so an unexpected answer
        return PermanentError(f"SOAP endpoint answered HTTP {response.status_code}", adapter=adapter)
    return error


def _carries_soap_fault(response: httpx.Response) -> bool:
    """Whether a non-2xx reply is a SOAP fault (zeep should read it) rather than a bare HTTP error."""
    if "xml" not in response.headers.get("Content-Type", ""):
        return False
    try:
        root = parse(response.content)
    except MappingError:
        return False
    return root.find(f"{_SOAP_ENV}Body/{_SOAP_ENV}Fault") is not None


def envelope_bytes(envelope: Any) -> bytes:
    """An lxml envelope as the UTF-8 bytes that go on the wire."""
    data: bytes = etree.tostring(envelope, xml_declaration=True, encoding="utf-8")
    return data
