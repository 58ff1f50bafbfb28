"""The Skeleton adapter: allocations to and from the Skeleton ERP's SOAP 1.1 service.

Woonbrug calls the `RegisterAllocation` operation for each `toewijzing.gedaan`, with the message's
idempotency key in the `IdempotencyKey` SOAP header, so a redelivery has no second effect. The same
envelope decodes back into the canonical message. XML is parsed with entities, DTDs and network access
off (`adapters.sdk.xml`).

SOAP reports every fault as HTTP 500, so the adapter reads the fault code: a `Client` fault means the
request is wrong (PermanentError, do not retry), a `Server` fault means the ERP failed (TransientError).

Everything a vendor changes lives here, in `mapping.py` and in `skeleton.xsd`; the contract kit's hooks
are the class attributes at the top (`xsd_path`, `roundtrip_fields`) and the `simulator()` classmethod.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from lxml import etree
from pydantic import Field, SecretStr

from adapters import (
    Adapter,
    AdapterConfig,
    Capabilities,
    Decoded,
    DeliveryReceipt,
    Location,
    MappingError,
    PermanentError,
    TransientError,
    Transport,
    VendorPayload,
    vendor_boundary,
)
from adapters.sdk.boundary import error_for_response
from adapters.sdk.xml import parse
from schemas import Message, MessageSource, ToewijzingGedaan

from .mapping import FIELDS, ROUNDTRIP_FIELDS, from_record, to_record
from .simulator import NS, SOAP_ENV, SkeletonSimulator

__all__ = ["SkeletonAdapter", "SkeletonConfig"]

CONTENT_TYPE = "text/xml; charset=utf-8"
SOAP_ACTION = f"{NS}#RegisterAllocation"


class SkeletonConfig(AdapterConfig):
    """Where the Skeleton ERP's SOAP service lives (WOONBRUG_SKELETON_* environment variables work too)."""

    base_url: str = Field(default="http://127.0.0.1:8080/soap", pattern=r"^https?://")
    username: str | None = None
    password: SecretStr | None = None
    tenant: str = Field(default="corp-skeleton", pattern=r"^[A-Za-z0-9._:\-]+$")


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def envelope(record: dict[str, str | None], idempotency_key: str | None = None) -> bytes:
    """A SOAP 1.1 RegisterAllocation request; the key travels in the header when given."""
    root = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV, "sk": NS})
    if idempotency_key is not None:
        header = etree.SubElement(root, f"{{{SOAP_ENV}}}Header")
        etree.SubElement(header, _q("IdempotencyKey")).text = idempotency_key
    body = etree.SubElement(root, f"{{{SOAP_ENV}}}Body")
    request = etree.SubElement(body, _q("RegisterAllocation"))
    for name in FIELDS:
        value = record.get(name)
        if value is not None:
            etree.SubElement(request, _q(name)).text = value
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _line(element: Any) -> int | None:
    """The source line of an element (lxml knows it for parsed documents)."""
    line = getattr(element, "sourceline", None)
    return line if isinstance(line, int) else None


def soap_fault(body: bytes) -> str | None:
    """The local fault code (`Client`, `Server`, ...) of a SOAP Fault response, or None when it is none."""
    try:
        root = parse(body)
    except MappingError:
        return None
    code = root.findtext(f"{{{SOAP_ENV}}}Body/{{{SOAP_ENV}}}Fault/faultcode")
    return code.rsplit(":", 1)[-1].strip() if code else None


class SkeletonAdapter(Adapter[SkeletonConfig]):
    name: ClassVar[str] = "skeleton"
    version: ClassVar[str] = "0.1.0"
    description: ClassVar[str] = "Allocations to the Skeleton ERP (SOAP 1.1)."
    capabilities: ClassVar[Capabilities] = Capabilities(
        decodes=frozenset({"toewijzing.gedaan"}),
        encodes=frozenset({"toewijzing.gedaan"}),
        transports=frozenset({Transport.PUSH}),
    )
    config_model: ClassVar[type[AdapterConfig]] = SkeletonConfig

    # Contract-kit hooks: the vendor format, and which canonical fields the format carries.
    xsd_path: ClassVar[Path] = Path(__file__).parent / "skeleton.xsd"
    roundtrip_fields: ClassVar[dict[str, list[str]]] = ROUNDTRIP_FIELDS

    @classmethod
    def simulator(cls) -> SkeletonSimulator:
        """A local Skeleton SOAP service for tests and the contract kit."""
        return SkeletonSimulator()

    @classmethod
    def endpoint_config(cls, url: str) -> dict[str, Any]:
        """Config that points the adapter at a service (the simulator, the kit's fault injector) at `url`."""
        return {"base_url": f"{url.rstrip('/')}/soap"}

    # --- translation (pure) ---------------------------------------------------------------------------

    def encode(self, message: Message) -> VendorPayload:
        if not isinstance(message, ToewijzingGedaan):
            return super().encode(message)  # UnsupportedOperation: not declared in capabilities.encodes
        return VendorPayload(envelope(to_record(message)), CONTENT_TYPE, {"SOAPAction": SOAP_ACTION})

    def decode(self, payload: bytes) -> Iterator[Decoded]:
        """Every RegisterAllocation in the envelope's Body; each bad one is one located MappingError."""
        root = parse(payload)  # MappingError with the line for malformed XML, DOCTYPEs and entities
        requests = root.findall(f"{{{SOAP_ENV}}}Body/{_q('RegisterAllocation')}")
        if not requests:
            raise MappingError("no RegisterAllocation in a SOAP Body", location=Location(line=_line(root)))
        source = MessageSource(tenant=self.config.tenant, system=self.name)
        for index, request in enumerate(requests):
            children = [child for child in request if isinstance(child.tag, str)]
            values: dict[str, str | None] = {
                str(etree.QName(child).localname): (child.text or "").strip() for child in children
            }
            lines: dict[str, int | None] = {str(etree.QName(child).localname): _line(child) for child in children}

            def where(
                field: str, index: int = index, lines: dict[str, int | None] = lines, at: Any = request
            ) -> Location:
                return Location(record=index, field=field, line=lines.get(field, _line(at)))

            try:
                yield from_record(values, source=source, where=where)
            except MappingError as error:
                error.adapter = self.name
                yield error

    # --- transport ------------------------------------------------------------------------------------

    async def deliver(self, message: Message, *, idempotency_key: str) -> DeliveryReceipt:
        if not isinstance(message, ToewijzingGedaan):
            raise PermanentError(f"{self.name} does not deliver {message.type}", adapter=self.name)
        body = envelope(to_record(message), idempotency_key)
        headers = {"Content-Type": CONTENT_TYPE, "SOAPAction": SOAP_ACTION}
        if self.config.username and self.config.password:
            credentials = f"{self.config.username}:{self.config.password.get_secret_value()}"
            headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode()
        with vendor_boundary(self.name):  # timeouts and broken connections become TransientError
            response = await self.client.post(self.config.base_url, content=body, headers=headers)
        if response.status_code == 500:
            code = soap_fault(response.content)
            if code is not None and code.startswith("Client"):
                raise PermanentError(f"the ERP refused the allocation (SOAP fault {code})", adapter=self.name)
            if code is not None:
                raise TransientError(f"the ERP failed (SOAP fault {code})", adapter=self.name, status=500)
        error = error_for_response(response, self.name)
        if error is not None:
            raise error
        answer = parse(response.content)
        reference = answer.findtext(f"{{{SOAP_ENV}}}Body/{_q('RegisterAllocationResponse')}/{_q('reference')}")
        duplicate = answer.findtext(f"{{{SOAP_ENV}}}Body/{_q('RegisterAllocationResponse')}/{_q('duplicate')}")
        return DeliveryReceipt(idempotency_key, reference, duplicate == "true", response.status_code)
