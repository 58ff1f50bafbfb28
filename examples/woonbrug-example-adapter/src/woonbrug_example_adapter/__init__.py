"""Huurhuis: a small out-of-tree adapter, the shape a vendor's own package takes.

Huurhuis sends a vacant unit as one flat JSON object and takes an allocation as one flat JSON object.
Translation is pure; delivery POSTs to `{base_url}/allocations` with an Idempotency-Key header; Huurhuis
pushes vacancies to Woonbrug's webhook.

For the contract kit (tests/test_contract.py) it offers `json_schema` (both flat formats) and
`simulator()` (a local Huurhuis, see `woonbrug_example_adapter.simulator`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import ValidationError

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
    translate,
)
from schemas import EenheidVrijgekomen, Message, MessageSource, ToewijzingGedaan

if TYPE_CHECKING:
    from woonbrug_example_adapter.simulator import HuurhuisSimulator

__all__ = ["HuurhuisAdapter", "HuurhuisConfig"]


_TEXT = {"type": "string", "minLength": 1}
_AMOUNT = {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$"}
VACANCY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [
        "unit",
        "owner",
        "street",
        "number",
        "zip",
        "city",
        "municipality",
        "municipality_name",
        "rooms",
        "rent",
        "service",
        "daeb",
        "free_from",
        "event_id",
    ],
    "properties": {
        "unit": _TEXT,
        "owner": _TEXT,
        "street": _TEXT,
        "number": _TEXT,
        "zip": _TEXT,
        "city": _TEXT,
        "municipality": {"type": "string", "pattern": "^GM[0-9]{4}$"},
        "municipality_name": _TEXT,
        "rooms": {"type": "integer", "minimum": 1},
        "rent": _AMOUNT,
        "service": _AMOUNT,
        "daeb": {"type": "boolean"},
        "free_from": {"type": "string", "format": "date"},
        "event_id": _TEXT,
    },
    "additionalProperties": False,
}
ALLOCATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["allocation", "unit", "registration", "household_size", "rent", "suitable", "date"],
    "properties": {
        "allocation": _TEXT,
        "unit": _TEXT,
        "registration": _TEXT,
        "household_size": {"type": "integer", "minimum": 1},
        "rent": _AMOUNT,
        "suitable": {"enum": ["PAS", "NIE", "NVT"]},
        "date": {"type": "string", "format": "date"},
    },
    "additionalProperties": False,
}
HUURHUIS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "oneOf": [ALLOCATION_SCHEMA, VACANCY_SCHEMA, {"type": "array", "items": VACANCY_SCHEMA}],
}
"""Huurhuis's flat JSON: an allocation it takes, or the vacancy (or list of them) it sends."""


class HuurhuisConfig(AdapterConfig):
    base_url: str = "http://127.0.0.1:8099"
    tenant: str = "corp-huurhuis"


class HuurhuisAdapter(Adapter[HuurhuisConfig]):
    name = "huurhuis"
    version = "0.1.0"
    description = "Flat JSON of the fictional Huurhuis rental system (example of an out-of-tree adapter)."
    capabilities = Capabilities(
        decodes=frozenset({"eenheid.vrijgekomen"}),
        encodes=frozenset({"toewijzing.gedaan"}),
        transports=frozenset({Transport.PUSH, Transport.WEBHOOK}),
    )
    config_model = HuurhuisConfig
    json_schema: ClassVar[dict[str, Any]] = HUURHUIS_SCHEMA

    @classmethod
    def simulator(cls) -> HuurhuisSimulator:
        """A local Huurhuis for the contract kit's idempotency check (imported here: it needs Starlette)."""
        from woonbrug_example_adapter.simulator import HuurhuisSimulator

        return HuurhuisSimulator()

    def decode(self, payload: bytes) -> Iterator[Decoded]:
        data = json.loads(payload)
        records = data if isinstance(data, list) else [data]
        # One bad record is one located MappingError; the others still come through. Records count from 1.
        for number, record in enumerate(records, start=1):
            try:
                yield self._vacancy(record)
            except (KeyError, TypeError, ArithmeticError) as error:
                yield MappingError(
                    f"missing or malformed field {error}", location=Location(record=number), adapter=self.name
                )
            except ValidationError as error:
                located = translate(error, self.name)  # names the canonical field, never the value
                field = located.location.field if isinstance(located, MappingError) else None
                yield MappingError(located.reason, location=Location(record=number, field=field), adapter=self.name)

    def _vacancy(self, record: dict[str, Any]) -> Message:
        eenheid = {
            "id": record["unit"],
            "idOrganisatie": record["owner"],
            "soort": {"code": "WOO"},
            "adres": {
                "straatnaam": record["street"],
                "huisnummer": record["number"],
                "postcode": record["zip"],
                "woonplaats": {"naam": record["city"]},
                "gemeente": {"code": record["municipality"], "naam": record["municipality_name"]},
            },
            "kamersAantal": record["rooms"],
            "prijscomponenten": [
                {"soort": {"code": "NET"}, "bedrag": Decimal(record["rent"])},
                {"soort": {"code": "SER"}, "bedrag": Decimal(record["service"])},
            ],
            "rekenhuur": Decimal(record["rent"]) + Decimal(record["service"]),
            "maatschappelijkLabel": {"code": "DAE" if record["daeb"] else "NDA"},
        }
        return EenheidVrijgekomen.model_validate(
            {
                "messageId": record["event_id"],
                "correlationId": record["event_id"],
                "source": MessageSource(tenant=self.config.tenant, system=self.name),
                "payload": {"eenheid": eenheid, "beschikbaarPer": record["free_from"]},
            }
        )

    def encode(self, message: Message) -> VendorPayload:
        if not isinstance(message, ToewijzingGedaan):
            return super().encode(message)
        toewijzing = message.payload
        body = {
            "allocation": toewijzing.id,
            "unit": toewijzing.eenheid.id,
            "registration": toewijzing.inschrijving.id,
            "household_size": toewijzing.huishoudgrootte,
            "rent": str(toewijzing.rekenhuur),
            "suitable": toewijzing.passendheidsoort.code,
            "date": toewijzing.datum.date().isoformat(),
        }
        return VendorPayload(json.dumps(body, sort_keys=True).encode(), "application/json")

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> list[Decoded]:
        """Huurhuis pushes vacancies to Woonbrug as the same flat JSON it exports."""
        return list(self.decode_all(body))

    async def deliver(self, message: Message, *, idempotency_key: str) -> DeliveryReceipt:
        payload = self.encode(message)
        response = await self.request(
            "POST",
            f"{self.config.base_url}/allocations",
            content=payload.body,
            headers={"Content-Type": payload.content_type, "Idempotency-Key": idempotency_key},
        )
        return DeliveryReceipt(idempotency_key, response.headers.get("Location"), status=response.status_code)
