"""Faults the kit injects into an adapter's HTTP client, and what the adapter must make of each.

Every fault is an `httpx.MockTransport` handler: it raises the exception httpx raises for a timeout or
a broken connection, or answers with the status a vendor system answers when it is down, overloaded or
refusing the request. Error bodies echo the request, as many real servers do, so that an adapter which
copies a response body into its exception text is caught carrying the request's personal data.

The contract (see `adapters.sdk.errors`): a caller must know from the exception class alone what to do.
`TransientError` means retry later (keeping the vendor's Retry-After), `PermanentError` means do not
retry, `MappingError` means the vendor's data cannot be translated. Nothing else may leave an adapter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from adapters import AdapterError, MappingError, PermanentError, TransientError

__all__ = ["FAULTS", "Fault", "RecordingTransport", "fix_hint", "soap_faults"]

Responder = Callable[[httpx.Request], httpx.Response]

_SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
_SOAP12 = "http://www.w3.org/2003/05/soap-envelope"


@dataclass(frozen=True)
class Fault:
    """One injected fault: its id (in the test name), what it is, and the error class it must become."""

    id: str
    description: str
    respond: Responder
    expect: type[AdapterError]
    retry_after: float | None = None  # the Retry-After the TransientError must keep
    success_allowed: bool = False  # a malformed answer to a delivery may still count as delivered


def _raise(exception: type[httpx.TransportError], text: str) -> Responder:
    def respond(request: httpx.Request) -> httpx.Response:
        raise exception(text, request=request)

    return respond


def _status(status: int, headers: dict[str, str] | None = None) -> Responder:
    def respond(request: httpx.Request) -> httpx.Response:
        # Echo the request like many servers' error pages do: the adapter must not pass it on.
        body = b"error: " + request.content[:4096] if request.content else f"error {status}".encode()
        return httpx.Response(status, headers={"Content-Type": "text/plain", **(headers or {})}, content=body)

    return respond


def _malformed(request: httpx.Request) -> httpx.Response:
    content_type = request.headers.get("Content-Type", "application/json")
    body = b"\x00\xff<not{what[the protocol promises"
    return httpx.Response(200, headers={"Content-Type": content_type}, content=body)


FAULTS: tuple[Fault, ...] = (
    Fault(
        "read-timeout",
        "the vendor does not answer in time (httpx.ReadTimeout)",
        _raise(httpx.ReadTimeout, "timed out"),
        TransientError,
    ),
    Fault(
        "connect-timeout",
        "connecting times out (httpx.ConnectTimeout)",
        _raise(httpx.ConnectTimeout, "timed out"),
        TransientError,
    ),
    Fault(
        "connection-refused",
        "the vendor's host refuses the connection (httpx.ConnectError)",
        _raise(httpx.ConnectError, "[Errno 111] Connection refused"),
        TransientError,
    ),
    Fault(
        "connection-reset",
        "the connection is reset while reading (httpx.ReadError)",
        _raise(httpx.ReadError, "[Errno 104] Connection reset by peer"),
        TransientError,
    ),
    Fault(
        "server-disconnected",
        "the server closes the connection without an answer (httpx.RemoteProtocolError)",
        _raise(httpx.RemoteProtocolError, "Server disconnected without sending a response."),
        TransientError,
    ),
    Fault("http-500", "HTTP 500 Internal Server Error", _status(500), TransientError),
    Fault("http-502", "HTTP 502 Bad Gateway", _status(502), TransientError),
    Fault(
        "http-503",
        "HTTP 503 Service Unavailable with Retry-After: 7",
        _status(503, {"Retry-After": "7"}),
        TransientError,
    ),
    Fault("http-504", "HTTP 504 Gateway Timeout", _status(504), TransientError),
    Fault(
        "http-429",
        "HTTP 429 Too Many Requests with Retry-After: 17",
        _status(429, {"Retry-After": "17"}),
        TransientError,
        retry_after=17.0,
    ),
    Fault("http-400", "HTTP 400 Bad Request", _status(400), PermanentError),
    Fault("http-401", "HTTP 401 Unauthorized", _status(401), PermanentError),
    Fault("http-403", "HTTP 403 Forbidden", _status(403), PermanentError),
    Fault("http-404", "HTTP 404 Not Found", _status(404), PermanentError),
    Fault("http-422", "HTTP 422 Unprocessable Content", _status(422), PermanentError),
    Fault(
        "malformed-200",
        "HTTP 200 whose body is not what the protocol promises",
        _malformed,
        MappingError,
        success_allowed=True,
    ),
)
"""The faults every HTTP-speaking adapter is tested against."""


def _soap_fault(namespace: str, code: str) -> Responder:
    def respond(request: httpx.Request) -> httpx.Response:
        if namespace == _SOAP12:
            fault = (
                f"<env:Fault><env:Code><env:Value>env:{code}</env:Value></env:Code>"
                '<env:Reason><env:Text xml:lang="en">refused</env:Text></env:Reason></env:Fault>'
            )
            content_type = "application/soap+xml; charset=utf-8"
        else:
            fault = f"<env:Fault><faultcode>env:{code}</faultcode><faultstring>refused</faultstring></env:Fault>"
            content_type = "text/xml; charset=utf-8"
        body = f'<?xml version="1.0"?><env:Envelope xmlns:env="{namespace}"><env:Body>{fault}</env:Body></env:Envelope>'
        return httpx.Response(500, headers={"Content-Type": content_type}, content=body.encode())

    return respond


def soap_faults(namespace: str) -> tuple[Fault, ...]:
    """SOAP faults (HTTP 500 with a Fault body): a client fault is permanent even though the status is 500."""
    client, server = ("Sender", "Receiver") if namespace == _SOAP12 else ("Client", "Server")
    return (
        Fault(
            "soap-client-fault",
            f"a SOAP {client} fault (the request is wrong; HTTP 500)",
            _soap_fault(namespace, client),
            PermanentError,
        ),
        Fault(
            "soap-server-fault",
            f"a SOAP {server} fault (the vendor failed; HTTP 500)",
            _soap_fault(namespace, server),
            TransientError,
        ),
    )


SOAP_NAMESPACES = (_SOAP11, _SOAP12)


@dataclass
class RecordingTransport:
    """An `httpx.MockTransport` around a responder that remembers every request the adapter made."""

    respond: Responder
    requests: list[httpx.Request] = field(default_factory=list)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.respond(request)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handler), timeout=5.0)


_HINTS: dict[type[AdapterError], str] = {
    TransientError: (
        "raise adapters.TransientError (the gateway retries later). `self.request(...)`, the SDK's HTTP "
        "helper, does this for timeouts, resets, 5xx and 429; so does wrapping your own I/O in "
        "`with adapters.vendor_boundary(self.name):`"
    ),
    PermanentError: (
        "raise adapters.PermanentError (the gateway does not retry; a person fixes the request, credentials "
        "or configuration). `self.request(...)` maps 4xx statuses this way; a SOAP Client/Sender fault is "
        "permanent even though it arrives as HTTP 500"
    ),
    MappingError: (
        "raise adapters.MappingError with a Location saying where the data is bad (field path, XML line, "
        "CSV row and column); parsing inside `adapters.vendor_boundary(self.name)` does this for JSON, XML "
        "and CSV errors"
    ),
}


def fix_hint(expected: type[AdapterError]) -> str:
    return _HINTS[expected]
