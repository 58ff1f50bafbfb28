"""The one place where third-party exceptions become Woonbrug's adapter errors.

A table maps each exception class of httpx, zeep, lxml, csv, json, pydantic and the codecs to the error
class that says what the caller should do; the original stays chained as `__cause__`. The lookup walks
the raised exception's MRO, so a subclass that a library adds later still lands somewhere sensible, and
`tests/adapters/test_boundary.py` fails when a public exception class is missing from the table.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.utils import parsedate_to_datetime

import httpx
import pydantic
import zeep.exceptions
from lxml import etree

from adapters.sdk.errors import AdapterError, Location, MappingError, PermanentError, TransientError, cap_text
from schemas.scrubbing import scrub_personal_text

__all__ = [
    "TRANSLATIONS",
    "error_for_response",
    "parse_retry_after",
    "scrubbed_fault_text",
    "translate",
    "vendor_boundary",
]

Translator = Callable[[BaseException, str | None], AdapterError]

# HTTP statuses that mean "not now" rather than "never".
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date; None when absent/garbled."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # str.isdigit() also says yes to "²", which float() refuses
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


def error_for_status(
    status: int, retry_after: str | None, adapter: str | None, what: str = "vendor system"
) -> AdapterError | None:
    """The error an HTTP status means, or None for success."""
    if 200 <= status < 300:
        return None
    if status in TRANSIENT_STATUSES or status >= 500:
        return TransientError(
            f"{what} answered HTTP {status}",
            adapter=adapter,
            retry_after=parse_retry_after(retry_after),
            status=status,
        )
    return PermanentError(f"{what} refused the request with HTTP {status}", adapter=adapter, status=status)


def error_for_response(response: httpx.Response, adapter: str | None) -> AdapterError | None:
    return error_for_status(response.status_code, response.headers.get("Retry-After"), adapter)


def _transient(reason: str) -> Translator:
    return lambda exc, adapter: TransientError(f"{reason} ({type(exc).__name__})", adapter=adapter)


def _permanent(reason: str) -> Translator:
    return lambda exc, adapter: PermanentError(f"{reason} ({type(exc).__name__})", adapter=adapter)


def _mapping(reason: str) -> Translator:
    return lambda exc, adapter: MappingError(f"{reason} ({type(exc).__name__})", adapter=adapter)


def _http_status(exc: BaseException, adapter: str | None) -> AdapterError:
    assert isinstance(exc, httpx.HTTPStatusError)
    error = error_for_response(exc.response, adapter)
    return error or PermanentError("unexpected HTTP status error on a success status", adapter=adapter)


def _zeep_transport(exc: BaseException, adapter: str | None) -> AdapterError:
    assert isinstance(exc, zeep.exceptions.TransportError)
    error = error_for_status(exc.status_code or 500, None, adapter, "SOAP endpoint")
    return error or PermanentError("SOAP transport error", adapter=adapter)


_MAX_FAULT_TEXT = 300


def _soap_fault(exc: BaseException, adapter: str | None) -> AdapterError:
    """SOAP 1.1 `Client` / 1.2 `Sender` faults are the caller's fault: permanent. Server faults: transient.

    The vendor's faultstring says what went wrong, and sometimes whose data it was (an IBAN, a name, a
    birth date, an income appeared in one): it is scrubbed by value type and kept short before it goes
    into the reason, and the chained Fault is scrubbed too (its detail dropped), so neither a stored
    error nor a logged traceback carries it verbatim.
    """
    assert isinstance(exc, zeep.exceptions.Fault)
    code = str(exc.code or "")
    local = code.rsplit("}", 1)[-1].rsplit(":", 1)[-1]
    text = scrubbed_fault_text(exc)
    said = f": {text}" if text else ""
    if local in {"Client", "Sender"} or local.startswith("Client."):
        return PermanentError(f"SOAP client fault {local}{said}", adapter=adapter)
    return TransientError(f"SOAP server fault {local or 'unknown'}{said}", adapter=adapter)


def scrubbed_fault_text(fault: zeep.exceptions.Fault) -> str:
    """The fault's text with personal data scrubbed and cut short; the Fault itself is scrubbed in place
    (message, args, detail dropped), because it stays chained to the adapter error as its cause."""
    raw = " ".join(str(fault.message or "").split())
    text = cap_text(scrub_personal_text(raw), _MAX_FAULT_TEXT) if raw and raw != "SOAP fault" else ""
    fault.message = text or "SOAP fault"
    fault.args = (fault.message,)
    fault.detail = None
    return text


def _xml_syntax(exc: BaseException, adapter: str | None) -> AdapterError:
    line, column = getattr(exc, "position", (None, None)) or (getattr(exc, "lineno", None), None)
    kind = "malformed XML"
    return MappingError(kind, location=Location(line=line, column=column), adapter=adapter)


def _json_syntax(exc: BaseException, adapter: str | None) -> AdapterError:
    assert isinstance(exc, json.JSONDecodeError)
    return MappingError(
        f"malformed JSON: {exc.msg}", location=Location(line=exc.lineno, column=exc.colno), adapter=adapter
    )


def _unicode(exc: BaseException, adapter: str | None) -> AdapterError:
    assert isinstance(exc, UnicodeError)
    start = getattr(exc, "start", None)
    encoding = getattr(exc, "encoding", "the declared encoding")
    return MappingError(f"bytes are not valid {encoding} at offset {start}", adapter=adapter)


def validation_location(error: pydantic.ValidationError) -> str:
    first = error.errors()[0]
    return ".".join(str(part) for part in first["loc"])


def _validation(exc: BaseException, adapter: str | None) -> AdapterError:
    """Pydantic errors name the field; their messages never carry the input (model hides it)."""
    assert isinstance(exc, pydantic.ValidationError)
    errors = exc.errors(include_input=False, include_url=False)
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return MappingError(f"{first['msg']}{more}", location=Location(field=validation_location(exc)), adapter=adapter)


TRANSLATIONS: dict[type[BaseException], Translator] = {
    # httpx: the request never got an answer -> try again.
    httpx.TimeoutException: _transient("vendor system timed out"),
    httpx.ConnectTimeout: _transient("connecting to the vendor system timed out"),
    httpx.ReadTimeout: _transient("vendor system did not answer in time"),
    httpx.WriteTimeout: _transient("sending to the vendor system timed out"),
    httpx.PoolTimeout: _transient("no free connection to the vendor system"),
    httpx.NetworkError: _transient("network error talking to the vendor system"),
    httpx.ConnectError: _transient("cannot connect to the vendor system"),
    httpx.ReadError: _transient("connection to the vendor system broke while reading"),
    httpx.WriteError: _transient("connection to the vendor system broke while writing"),
    httpx.CloseError: _transient("connection to the vendor system broke while closing"),
    httpx.RemoteProtocolError: _transient("vendor system broke the HTTP protocol (connection reset?)"),
    httpx.ProxyError: _transient("proxy error"),
    httpx.ProtocolError: _transient("HTTP protocol error"),
    httpx.TransportError: _transient("transport error"),
    httpx.RequestError: _transient("request failed"),
    # httpx: the request itself is wrong -> a person must fix it.
    httpx.HTTPStatusError: _http_status,
    httpx.LocalProtocolError: _permanent("request could not be sent as valid HTTP"),
    httpx.UnsupportedProtocol: _permanent("endpoint URL has an unsupported scheme"),
    httpx.InvalidURL: _permanent("endpoint URL is invalid"),
    httpx.TooManyRedirects: _permanent("vendor system redirects in a loop"),
    httpx.CookieConflict: _permanent("conflicting cookies"),
    httpx.StreamError: _permanent("response stream misused"),
    httpx.StreamConsumed: _permanent("response stream misused"),
    httpx.StreamClosed: _permanent("response stream misused"),
    httpx.ResponseNotRead: _permanent("response stream misused"),
    httpx.RequestNotRead: _permanent("request stream misused"),
    httpx.HTTPError: _permanent("HTTP error"),
    # httpx: the answer cannot be read -> the vendor's data is bad.
    httpx.DecodingError: _mapping("response body could not be decoded"),
    # zeep / SOAP.
    zeep.exceptions.Fault: _soap_fault,
    zeep.exceptions.TransportError: _zeep_transport,
    zeep.exceptions.XMLSyntaxError: _xml_syntax,
    zeep.exceptions.XMLParseError: _mapping("SOAP message does not match the WSDL"),
    zeep.exceptions.UnexpectedElementError: _mapping("SOAP message has an unexpected element"),
    zeep.exceptions.ValidationError: _mapping("SOAP message fails XSD validation"),
    zeep.exceptions.IncompleteMessage: _mapping("SOAP message is incomplete"),
    zeep.exceptions.DTDForbidden: _mapping("XML with a DTD is refused"),
    zeep.exceptions.EntitiesForbidden: _mapping("XML with entity declarations is refused"),
    zeep.exceptions.ExternalReferenceForbidden: _mapping("XML referring to external resources is refused"),
    zeep.exceptions.WsdlSyntaxError: _permanent("the WSDL is invalid"),
    zeep.exceptions.LookupError: _permanent("the WSDL has no such element or operation"),
    zeep.exceptions.NamespaceError: _permanent("the WSDL refers to an unknown namespace"),
    zeep.exceptions.IncompleteOperation: _permanent("the WSDL operation is incomplete"),
    zeep.exceptions.SignatureVerificationFailed: _permanent("the SOAP signature does not verify"),
    zeep.exceptions.Error: _permanent("SOAP error"),
    # XML, JSON, CSV, text encodings, canonical validation.
    etree.XMLSyntaxError: _xml_syntax,
    etree.ParseError: _xml_syntax,
    etree.DocumentInvalid: _mapping("XML does not match its schema"),
    etree.LxmlError: _mapping("XML could not be processed"),
    json.JSONDecodeError: _json_syntax,
    csv.Error: _mapping("malformed CSV"),
    UnicodeDecodeError: _unicode,
    UnicodeError: _unicode,
    pydantic.ValidationError: _validation,
    # Plain sockets and OS-level timeouts, for adapters that do their own I/O.
    TimeoutError: _transient("timed out"),
    ConnectionError: _transient("connection error"),
}


def translate(exc: BaseException, adapter: str | None = None) -> AdapterError:
    """The adapter error for `exc`. Unknown exceptions are permanent: a bug to fix, not to retry forever."""
    if isinstance(exc, AdapterError):
        if exc.adapter is None:
            exc.adapter = adapter
        return exc
    for cls in type(exc).__mro__:
        translator = TRANSLATIONS.get(cls)
        if translator is not None:
            error = translator(exc, adapter)
            break
    else:
        error = PermanentError(f"unexpected {type(exc).__name__} in adapter", adapter=adapter)
    error.__cause__ = exc
    return error


@contextmanager
def vendor_boundary(adapter: str | None) -> Iterator[None]:
    """Run vendor I/O or parsing; anything raised leaves as an `AdapterError` with the original chained."""
    try:
        yield
    except AdapterError as error:
        if error.adapter is None:
            error.adapter = adapter
        raise
    except Exception as exc:
        raise translate(exc, adapter) from exc
