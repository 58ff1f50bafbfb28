"""A local Skeleton SOAP service: `RegisterAllocation`, applied once per IdempotencyKey header.

It stands in for the vendor's ERP in tests, in demos and in the contract kit's idempotency check. A
request without its IdempotencyKey header, or without a RegisterAllocation, gets a SOAP Client fault.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from xml.sax.saxutils import escape

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters import MappingError
from adapters.sdk.simulator import Ledger, SimulatorServer
from adapters.sdk.xml import parse

__all__ = ["NS", "SOAP_ENV", "SkeletonSimulator"]

NS = "urn:skeleton:allocations:1"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
_XML = "text/xml; charset=utf-8"


def _fault(code: str, text: str) -> Response:
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{SOAP_ENV}"><soap:Body><soap:Fault>'
        f"<faultcode>soap:{code}</faultcode><faultstring>{escape(text)}</faultstring></soap:Fault></soap:Body>"
        "</soap:Envelope>"
    )
    return Response(body, status_code=500, media_type=_XML)


class SkeletonSimulator:
    def __init__(self) -> None:
        self.ledger = Ledger()
        self.app = Starlette(routes=[Route("/soap", self._call, methods=["POST"])])

    async def _call(self, request: Request) -> Response:
        try:
            root = parse(await request.body())
        except MappingError:
            return _fault("Client", "the request is not well-formed XML")
        key = root.findtext(f"{{{SOAP_ENV}}}Header/{{{NS}}}IdempotencyKey")
        allocation = root.find(f"{{{SOAP_ENV}}}Body/{{{NS}}}RegisterAllocation")
        if not key or allocation is None:
            return _fault("Client", "RegisterAllocation with an IdempotencyKey header expected")
        reference = escape(allocation.findtext(f"{{{NS}}}allocationId") or "")
        _, duplicate = self.ledger.record(key, "allocation", reference)
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{SOAP_ENV}" xmlns:sk="{NS}">'
            f"<soap:Body><sk:RegisterAllocationResponse><sk:reference>{reference}</sk:reference>"
            f"<sk:duplicate>{'true' if duplicate else 'false'}</sk:duplicate></sk:RegisterAllocationResponse>"
            "</soap:Body></soap:Envelope>"
        )
        return Response(body, media_type=_XML)

    @contextmanager
    def running(self) -> Iterator[SimulatorServer]:
        """Serve on a free port of 127.0.0.1; yields the server (its `url`)."""
        with SimulatorServer(self.app).running() as server:
            yield server
