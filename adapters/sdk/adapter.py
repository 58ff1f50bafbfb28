"""The adapter SDK: what a vendor subclasses to connect one system to Woonbrug.

An adapter declares itself (name, version, the canonical model major it was built for, capabilities and
a config model) and overrides the hooks it supports:

- translation, pure and callable on its own: `decode(payload)` yields canonical messages (or located
  `MappingError`s for records it could not translate, so one bad record never sinks a file);
  `encode(message)` gives the vendor payload;
- transport, with the httpx client injected: `deliver` (push), `poll` (pull since a cursor, or read a
  file drop), `parse_webhook`.

A hook the adapter does not support raises `UnsupportedOperation`. Every hook runs behind the one
`vendor_boundary`, so callers only ever see `TransientError`, `PermanentError` or `MappingError`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO, ClassVar, Generic, TypeVar

import httpx
from pydantic_settings import BaseSettings, SettingsConfigDict

from adapters.sdk.boundary import error_for_response, vendor_boundary
from adapters.sdk.errors import MappingError, UnsupportedOperation
from schemas import MODEL_MAJOR, Message

__all__ = [
    "Adapter",
    "AdapterConfig",
    "Capabilities",
    "Decoded",
    "DeliveryReceipt",
    "PollResult",
    "Transport",
    "VendorPayload",
]


class Transport(enum.StrEnum):
    """How an adapter moves messages."""

    PUSH = "push"  # Woonbrug calls the vendor (REST POST, SOAP operation)
    POLL = "poll"  # Woonbrug asks the vendor for changes since a cursor
    WEBHOOK = "webhook"  # the vendor calls Woonbrug
    FILE_DROP = "file_drop"  # files land in (or are written to) a folder


@dataclass(frozen=True)
class Capabilities:
    """Which message types (by `type` string) an adapter decodes and encodes, and how it moves them."""

    decodes: frozenset[str] = frozenset()
    encodes: frozenset[str] = frozenset()
    transports: frozenset[Transport] = frozenset()

    def as_dict(self) -> dict[str, list[str]]:
        return {
            "decodes": sorted(self.decodes),
            "encodes": sorted(self.encodes),
            "transports": sorted(t.value for t in self.transports),
        }


class AdapterConfig(BaseSettings):
    """Base of every adapter's configuration. Secrets are `SecretStr` and may come from the environment.

    Values given explicitly (the region file) win over environment variables, which win over defaults.
    """

    model_config = SettingsConfigDict(extra="forbid", env_nested_delimiter="__", hide_input_in_errors=True)


@dataclass(frozen=True)
class VendorPayload:
    """What an adapter sends to (or got from) a vendor system, ready for the wire."""

    body: bytes
    content_type: str
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DeliveryReceipt:
    """The vendor's acknowledgement of one delivery. `duplicate` when it had seen the key before."""

    idempotency_key: str
    vendor_reference: str | None = None
    duplicate: bool = False
    status: int | None = None


@dataclass
class PollResult:
    """What one poll brought: messages, records that could not be translated, and the next cursor.

    `skipped` counts records read and deliberately passed over (e.g. a unit that is not a vacancy):
    not rejects, nothing to warn about. `notices` are what the adapter assumed while decoding, once per
    poll (e.g. "units without a status read as vacancies"), for the poll's log.
    """

    messages: list[Message]
    rejects: list[MappingError]
    cursor: str | None
    skipped: int = 0
    notices: list[str] = field(default_factory=list)


Decoded = Message | MappingError
"""One decoded record: a canonical message, or the located reason it could not be translated."""

ConfigT = TypeVar("ConfigT", bound=AdapterConfig)


class Adapter(Generic[ConfigT]):
    """Base class of every adapter. Subclass, declare the class attributes, override what you support."""

    name: ClassVar[str]
    version: ClassVar[str]
    model_major: ClassVar[int] = MODEL_MAJOR
    description: ClassVar[str] = ""
    capabilities: ClassVar[Capabilities]
    config_model: ClassVar[type[AdapterConfig]]

    def __init__(self, config: ConfigT, *, client: httpx.AsyncClient | None = None) -> None:
        self.config = config
        self._client = client

    @classmethod
    def from_settings(cls, values: Mapping[str, Any] | None = None, **kwargs: Any) -> Adapter[ConfigT]:
        """Build the adapter from config values (e.g. a region file); secrets may come from the environment."""
        config = cls.config_model.model_validate(dict(values or {}))
        return cls(config, **kwargs)  # type: ignore[arg-type]  # config_model is ConfigT by declaration

    @property
    def client(self) -> httpx.AsyncClient:
        """The injected HTTP client (tests inject MockTransport/respx or point it at a simulator)."""
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0))
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    # --- translation (pure) ---------------------------------------------------------------------------

    def decode(self, payload: bytes) -> Iterator[Decoded]:
        """Vendor payload -> canonical messages. Yield a `MappingError` for a record that fails."""
        raise UnsupportedOperation(f"{self.name} does not decode", adapter=self.name)

    def encode(self, message: Message) -> VendorPayload:
        """Canonical message -> vendor payload."""
        raise UnsupportedOperation(f"{self.name} does not encode {message.type}", adapter=self.name)

    def decode_stream(self, stream: BinaryIO) -> Iterator[Decoded]:
        """Decode from a file object. Formats that stream (CSV) override this to run in constant memory."""
        return self.decode(stream.read())

    def encode_many(self, messages: Iterable[Message]) -> VendorPayload:
        """Several messages as one vendor payload. Default: one payload per line, for line-based formats;
        file formats (CSV) override this to write one header and many rows."""
        payloads = [self.encode(message) for message in messages]
        if not payloads:
            raise UnsupportedOperation("nothing to encode", adapter=self.name)
        return VendorPayload(b"\n".join(p.body for p in payloads), payloads[0].content_type)

    def decode_all(self, payload: bytes | BinaryIO) -> Iterator[Decoded]:
        """`decode` (or `decode_stream` for a file object) behind the boundary, never raising: a failure of
        the whole payload becomes one located MappingError at the end of what could be read."""
        try:
            with vendor_boundary(self.name):
                if isinstance(payload, bytes | bytearray):
                    yield from self.decode(bytes(payload))
                else:
                    yield from self.decode_stream(payload)
        except MappingError as error:
            yield error

    # --- transport ------------------------------------------------------------------------------------

    async def deliver(self, message: Message, *, idempotency_key: str) -> DeliveryReceipt:
        """Send one canonical message to the vendor system, carrying `idempotency_key`."""
        raise UnsupportedOperation(f"{self.name} does not deliver {message.type}", adapter=self.name)

    async def poll(self, cursor: str | None) -> PollResult:
        """Fetch what changed since `cursor` (None: from the beginning)."""
        raise UnsupportedOperation(f"{self.name} does not poll", adapter=self.name)

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> list[Decoded]:
        """Translate a webhook call the vendor made to Woonbrug."""
        raise UnsupportedOperation(f"{self.name} does not take webhooks", adapter=self.name)

    # --- helpers for subclasses -----------------------------------------------------------------------

    def can_encode(self, message_type: str) -> bool:
        return message_type in self.capabilities.encodes

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """An HTTP call behind the boundary: network failures and non-2xx statuses become adapter errors."""
        with vendor_boundary(self.name):
            response = await self.client.request(method, url, **kwargs)
            error = error_for_response(response, self.name)
            if error is not None:
                raise error
            return response

    @classmethod
    def describe(cls) -> dict[str, Any]:
        """The declaration, as `woonbrug adapters list --json` shows it."""
        return {
            "name": cls.name,
            "version": cls.version,
            "model_major": cls.model_major,
            "description": cls.description,
            "capabilities": cls.capabilities.as_dict(),
            "config_schema": cls.config_model.model_json_schema(),
        }


def messages_only(decoded: Iterable[Decoded]) -> list[Message]:
    """The messages of a decode, raising the first MappingError (for single-message payloads)."""
    out = []
    for item in decoded:
        if isinstance(item, MappingError):
            raise item
        out.append(item)
    return out
