"""The Skeleton adapter: allocations to and from the Skeleton system's REST/JSON API.

Woonbrug pushes each `toewijzing.gedaan` as one JSON object to `POST {base_url}/allocations`, with the
message's idempotency key in the `Idempotency-Key` header, so a redelivery has no second effect. The
same JSON decodes back into the canonical message (for webhooks, files and tests).

Everything a vendor changes lives here and in `mapping.py`; the contract kit's hooks are the class
attributes at the top (`json_schema`, `roundtrip_fields`) and the `simulator()` classmethod.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field, SecretStr

from adapters import (
    Adapter,
    AdapterConfig,
    Capabilities,
    Decoded,
    DeliveryReceipt,
    Location,
    MappingError,
    Transport,
    VendorPayload,
    vendor_boundary,
)
from schemas import Message, MessageSource, ToewijzingGedaan

from .mapping import ROUNDTRIP_FIELDS, from_record, to_record
from .simulator import SkeletonSimulator

__all__ = ["SkeletonAdapter", "SkeletonConfig"]

CONTENT_TYPE = "application/json"


class SkeletonConfig(AdapterConfig):
    """Where the Skeleton API lives and how to sign in (WOONBRUG_SKELETON_* environment variables work too)."""

    base_url: str = Field(default="http://127.0.0.1:8080", pattern=r"^https?://")
    api_key: SecretStr | None = None
    tenant: str = Field(default="corp-skeleton", pattern=r"^[A-Za-z0-9._:\-]+$")


class SkeletonAdapter(Adapter[SkeletonConfig]):
    name: ClassVar[str] = "skeleton"
    version: ClassVar[str] = "0.1.0"
    description: ClassVar[str] = "Allocations to the Skeleton system (REST/JSON)."
    capabilities: ClassVar[Capabilities] = Capabilities(
        decodes=frozenset({"toewijzing.gedaan"}),
        encodes=frozenset({"toewijzing.gedaan"}),
        transports=frozenset({Transport.PUSH}),
    )
    config_model: ClassVar[type[AdapterConfig]] = SkeletonConfig

    # Contract-kit hooks: the vendor format, and which canonical fields the format carries.
    json_schema: ClassVar[Path] = Path(__file__).parent / "skeleton.schema.json"
    roundtrip_fields: ClassVar[dict[str, list[str]]] = ROUNDTRIP_FIELDS

    @classmethod
    def simulator(cls) -> SkeletonSimulator:
        """A local Skeleton API for tests and the contract kit."""
        return SkeletonSimulator()

    # --- translation (pure) ---------------------------------------------------------------------------

    def encode(self, message: Message) -> VendorPayload:
        if not isinstance(message, ToewijzingGedaan):
            return super().encode(message)  # UnsupportedOperation: not declared in capabilities.encodes
        record = {key: value for key, value in to_record(message).items() if value is not None}
        return VendorPayload(json.dumps(record, ensure_ascii=False).encode(), CONTENT_TYPE)

    def decode(self, payload: bytes) -> Iterator[Decoded]:
        """One allocation object, or a JSON array of them; each bad one is one located MappingError."""
        with vendor_boundary(self.name):  # malformed JSON becomes a MappingError with line and column
            data: Any = json.loads(payload.decode("utf-8"))
        records = data if isinstance(data, list) else [data]
        source = MessageSource(tenant=self.config.tenant, system=self.name)
        for index, record in enumerate(records):

            def where(field: str, index: int = index) -> Location:
                return Location(record=index, field=field)

            if not isinstance(record, dict):
                yield MappingError("an allocation is a JSON object", location=Location(record=index), adapter=self.name)
                continue
            text = {key: None if value is None else str(value) for key, value in record.items()}
            try:
                yield from_record(text, source=source, where=where)
            except MappingError as error:
                error.adapter = self.name
                yield error

    # --- transport ------------------------------------------------------------------------------------

    async def deliver(self, message: Message, *, idempotency_key: str) -> DeliveryReceipt:
        payload = self.encode(message)
        headers = {"Content-Type": payload.content_type, "Idempotency-Key": idempotency_key}
        if self.config.api_key is not None:
            headers["X-API-Key"] = self.config.api_key.get_secret_value()
        # The SDK helper maps timeouts, resets, 5xx and 429 (keeping Retry-After) to TransientError and
        # other 4xx to PermanentError, so the gateway knows whether to retry.
        response = await self.request(
            "POST", f"{self.config.base_url.rstrip('/')}/allocations", content=payload.body, headers=headers
        )
        return DeliveryReceipt(
            idempotency_key,
            vendor_reference=response.headers.get("Location"),
            duplicate=response.status_code == 200,
            status=response.status_code,
        )
