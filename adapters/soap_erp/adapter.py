"""The Woonstee ERP adapter: a housing corporation's SOAP 1.1 ERP, connected to Woonbrug.

What it does:
- poll (`poll`, GetChangesSince): units vacated and leases signed since a cursor, as `eenheid.vrijgekomen`
  and `overeenkomst.getekend` messages; `vacant_units` (GetVacantUnits) and `contracts` (GetContracts)
  read the current vacancies and leases the same way;
- push (`deliver`, PutToewijzing): write a `toewijzing.gedaan` into the ERP. The WS-Addressing MessageID
  is the idempotency key, so a repeated delivery is answered with the first reference and has no second
  effect in the ERP;
- translate, pure: `decode(bytes)` reads any of the read operations' response envelopes, `encode(message)`
  writes the PutToewijzing request envelope.

Calls go through zeep (WSDL from the package, never the network; hardened XML settings) with its
`AsyncTransport` over the injected `httpx.AsyncClient`. zeep builds and posts every envelope; the large
read responses are decoded by `decoding.EnvelopeReader` instead of zeep's object mapping (see
`benchmarks/bench_soap.py` for why).

Authentication: WS-Security 1.0 UsernameToken with the password as text (PasswordText) in the SOAP
header, as the ERP's WSDL asks; use an https endpoint. HTTP basic is not sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final, Self

import zeep
import zeep.exceptions
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict
from zeep.proxy import AsyncServiceProxy
from zeep.wsdl import Document
from zeep.wsse.username import UsernameToken

from adapters.sdk.adapter import (
    Adapter,
    AdapterConfig,
    Capabilities,
    Decoded,
    DeliveryReceipt,
    PollResult,
    Transport,
    VendorPayload,
)
from adapters.sdk.boundary import vendor_boundary
from adapters.sdk.errors import MappingError, PermanentError, TransientError, UnsupportedOperation
from adapters.sdk.xml import STREAM_CHUNK_BYTES, ZEEP_SETTINGS
from adapters.soap_erp.decoding import EnvelopeReader
from adapters.soap_erp.mapping import toewijzing_request
from adapters.soap_erp.soap import (
    BINDING,
    WSDL_PATH,
    XSD_PATH,
    ErpTransport,
    action_for,
    addressing_headers,
    envelope_bytes,
    load_document,
    new_message_id,
    status_error,
)
from schemas import Message, ToewijzingGedaan


def _collect(items: Iterable[Decoded], messages: list[Message], rejects: list[MappingError]) -> None:
    for item in items:
        if isinstance(item, MappingError):
            rejects.append(item)
        else:
            messages.append(item)


if TYPE_CHECKING:
    from adapters.soap_erp.simulator import ErpSimulator

__all__ = ["CONTENT_TYPE", "SoapErpAdapter", "SoapErpConfig"]

CONTENT_TYPE: Final = "text/xml; charset=utf-8"


class SoapErpConfig(AdapterConfig):
    """How to reach one corporation's Woonstee ERP. Environment variables: `WOONBRUG_SOAP_ERP_<FIELD>`."""

    model_config = SettingsConfigDict(env_prefix="WOONBRUG_SOAP_ERP_")

    wsdl: Path = Field(default=WSDL_PATH, description="Local WSDL file (default: the one shipped with the adapter)")
    endpoint: str | None = Field(
        default=None,
        pattern=r"^https?://\S+$",
        description="SOAP endpoint URL, e.g. https://erp.example.nl/erp; needed to call, not to translate",
    )
    username: str | None = Field(default=None, min_length=1, max_length=200, description="WS-Security user")
    password: SecretStr | None = Field(default=None, description="WS-Security password (sent as PasswordText)")
    timeout: float = Field(default=30.0, gt=0, le=600, description="Seconds to wait for one SOAP call")
    page_size: int = Field(default=500, ge=1, le=10_000, description="MaxAantal asked per read")
    max_response_bytes: int = Field(
        default=64 * 1024 * 1024,
        ge=64 * 1024,
        le=2 * 1024 * 1024 * 1024,
        description="Largest read response taken from the ERP (bytes, after content decoding); a larger one is refused",
    )

    @model_validator(mode="after")
    def _credentials_come_in_pairs(self) -> Self:
        if (self.username is None) != (self.password is None):
            raise ValueError("username and password are given together or not at all")
        return self


class SoapErpAdapter(Adapter[SoapErpConfig]):
    """Woonstee ERP (SOAP 1.1): vacancies and leases in, allocations out."""

    name: ClassVar[str] = "soap_erp"
    version: ClassVar[str] = "1.0.0"
    description: ClassVar[str] = (
        "Woonstee ERP over SOAP 1.1 (document/literal, WS-Addressing, WS-Security UsernameToken): "
        "vacancies and signed leases in, allocations out"
    )
    capabilities: ClassVar[Capabilities] = Capabilities(
        decodes=frozenset({"eenheid.vrijgekomen", "overeenkomst.getekend"}),
        encodes=frozenset({"toewijzing.gedaan"}),
        transports=frozenset({Transport.PUSH, Transport.POLL}),
    )
    config_model: ClassVar[type[AdapterConfig]] = SoapErpConfig

    # Hooks of the contract-test kit (contract_tests.kit.HOOKS): the vendor format's schema, where the
    # simulator listens, and the simulator itself.
    xsd_path: ClassVar[Path] = XSD_PATH

    @classmethod
    def endpoint_config(cls, url: str) -> dict[str, Any]:
        """Config values that point the adapter at an ERP (or a fault injector) served at `url`."""
        return {"endpoint": f"{url.rstrip('/')}/erp"}

    @classmethod
    def simulator(cls) -> ErpSimulator:
        """A simulated Woonstee ERP that takes allocations of any unit (the kit's messages are made up)."""
        # Imported here: the simulator pulls in Starlette and uvicorn, which a gateway need not load.
        from adapters.soap_erp.simulator import ErpSimulator

        return ErpSimulator(check_units=False)

    _zeep: Any = None
    _service: Any = None

    # --- translation (pure) ---------------------------------------------------------------------------

    def decode(self, payload: bytes) -> Iterator[Decoded]:
        """A GetVacantUnits, GetChangesSince or GetContracts response envelope -> canonical messages."""
        return iter(EnvelopeReader(payload, adapter=self.name))

    def encode(self, message: Message) -> VendorPayload:
        """A `toewijzing.gedaan` message -> the PutToewijzing request envelope.

        wsa:MessageID is the message id (the idempotency key); wsa:To is the endpoint when one is
        configured. No WS-Security header: a translation never carries the password (`deliver` adds it).
        """
        if not isinstance(message, ToewijzingGedaan):
            raise UnsupportedOperation(f"{self.name} does not encode {message.type}", adapter=self.name)
        with vendor_boundary(self.name):
            operation = self._document().bindings[BINDING].get("PutToewijzing")  # type: ignore[no-untyped-call]
            serialized = operation.create(
                **toewijzing_request(message),
                _soapheaders=addressing_headers("PutToewijzing", message.message_id, self.config.endpoint),
            )
            body = envelope_bytes(serialized.content)
        return VendorPayload(
            body,
            CONTENT_TYPE,
            {"SOAPAction": f'"{action_for("PutToewijzing")}"', "operation": "PutToewijzing"},
        )

    # --- transport ------------------------------------------------------------------------------------

    async def deliver(self, message: Message, *, idempotency_key: str) -> DeliveryReceipt:
        """PutToewijzing with wsa:MessageID = `idempotency_key`; `duplicate` when the ERP had it already."""
        if not isinstance(message, ToewijzingGedaan):
            raise UnsupportedOperation(f"{self.name} does not deliver {message.type}", adapter=self.name)
        with vendor_boundary(self.name):
            service = self._proxy()
            headers = addressing_headers("PutToewijzing", idempotency_key, self._endpoint())
            try:
                result = await service.PutToewijzing(**toewijzing_request(message), _soapheaders=headers)
            except (zeep.exceptions.TransportError, zeep.exceptions.XMLParseError) as exc:
                if isinstance(exc, zeep.exceptions.TransportError) and exc.status_code != 200:
                    raise
                # The ERP answered 200 but unreadably: the allocation may or may not be stored. Sending it
                # again is safe (same MessageID, no second effect), so this is worth a retry.
                raise TransientError(
                    "the ERP's acknowledgement could not be read; repeating is safe (same MessageID)",
                    adapter=self.name,
                ) from exc
        return DeliveryReceipt(
            idempotency_key=idempotency_key,
            vendor_reference=str(result.Referentie),
            duplicate=bool(result.Dubbel),
            status=200,
        )

    async def poll(self, cursor: str | None) -> PollResult:
        """GetChangesSince `cursor`: vacated units and signed leases, and the cursor to ask from next."""
        return await self._read("GetChangesSince", cursor, Sinds=cursor, MaxAantal=self.config.page_size)

    async def vacant_units(self, since: str | None = None) -> PollResult:
        """GetVacantUnits: the units vacant now (only those vacated after `since`, when given)."""
        return await self._read("GetVacantUnits", since, Sinds=since, MaxAantal=self.config.page_size)

    async def contracts(self, *, toewijzing_referentie: str | None = None, since: str | None = None) -> PollResult:
        """GetContracts: signed leases, of one allocation (the ERP's reference) or after a cursor."""
        return await self._read(
            "GetContracts",
            since,
            ToewijzingReferentie=toewijzing_referentie,
            Sinds=since,
            MaxAantal=self.config.page_size,
        )

    async def aclose(self) -> None:
        if self._zeep is not None:
            await self._zeep.transport.aclose()
        await super().aclose()

    # --- internals ------------------------------------------------------------------------------------

    async def _read(self, operation: str, cursor: str | None, **arguments: Any) -> PollResult:
        """One read operation: zeep builds the envelope, the reply is streamed through `EnvelopeReader`.

        The reply is read chunk by chunk under `max_response_bytes`, and no record beyond the MaxAantal
        asked is taken (`EnvelopeReader.page_size`): memory follows one chunk and one record, not what the
        ERP chose to send.
        """
        messages: list[Message] = []
        rejects: list[MappingError] = []
        cap = self.config.max_response_bytes
        with vendor_boundary(self.name):
            service = self._proxy()
            headers = addressing_headers(operation, new_message_id(), self._endpoint())
            # zeep's binding builds the envelope (WS-Security applied) exactly as a service call would;
            # only the reply skips zeep's object mapping.
            envelope, http_headers = service._binding._create(
                operation, (), {**arguments, "_soapheaders": headers}, client=self._zeep
            )
            transport: ErpTransport = self._zeep.transport
            address = service._binding_options["address"]
            reader = EnvelopeReader(adapter=self.name, page_size=arguments.get("MaxAantal"))
            async with transport.stream_post(address, envelope_bytes(envelope), http_headers) as response:
                received = 0
                async for chunk in response.aiter_bytes(STREAM_CHUNK_BYTES):
                    received += len(chunk)
                    if received > cap:
                        raise PermanentError(
                            f"the ERP's {operation} response is larger than the cap of {cap:,} bytes "
                            "(max_response_bytes); reading stopped and nothing of it was taken",
                            adapter=self.name,
                        )
                    _collect(reader.feed(chunk), messages, rejects)
                    if reader.stopped:
                        break
                else:
                    _collect(reader.finish(), messages, rejects)
                if not response.is_success:  # XML, but no SOAP fault in it
                    raise status_error(response, self.name)
        # A reply that broke off before its Cursor leaves the cursor where it was: the next poll asks
        # again, and the messages already read come again with the same ids (the inbox drops them).
        return PollResult(messages, rejects, reader.cursor or cursor)

    def _document(self) -> Document:
        return load_document(str(self.config.wsdl))

    def _endpoint(self) -> str:
        if self.config.endpoint is None:
            raise PermanentError("no ERP endpoint configured (endpoint)", adapter=self.name)
        return self.config.endpoint

    def _proxy(self) -> Any:
        """The zeep service proxy on the configured endpoint, built on first use (no I/O before)."""
        if self._service is None:
            endpoint = self._endpoint()
            wsse = None
            if self.config.username is not None and self.config.password is not None:
                wsse = UsernameToken(  # type: ignore[no-untyped-call]  # zeep: unannotated
                    self.config.username, self.config.password.get_secret_value()
                )
            self._zeep = zeep.AsyncClient(  # type: ignore[no-untyped-call]  # zeep: unannotated
                wsdl=self._document(),
                transport=ErpTransport(self.client, timeout=self.config.timeout, adapter=self.name),
                settings=ZEEP_SETTINGS,
                wsse=wsse,
            )
            # AsyncClient.create_service would give a synchronous proxy; bind the async one to our binding.
            binding = self._zeep.wsdl.bindings[BINDING]
            self._service = AsyncServiceProxy(self._zeep, binding, address=endpoint)  # type: ignore[no-untyped-call]
        return self._service
