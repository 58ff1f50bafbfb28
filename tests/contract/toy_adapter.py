"""A small, honest adapter for testing the contract kit itself, and broken variants of it.

`ToyAdapter` speaks "ToyJSON": a flat Dutch envelope (`berichtType`, `berichtId`, ..., `gegevens`) around
the canonical payload. It is built the way the adapter authors' guide says (SDK helper for HTTP, located
MappingErrors, a simulator with a ledger, a JSON Schema), so the kit must pass it. Each broken variant
changes one thing the kit must catch: a 503 mapped to PermanentError, a field dropped on the round trip,
a BSN in an error text, a wrong model major, no simulator.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters import (
    Adapter,
    AdapterConfig,
    Capabilities,
    Decoded,
    DeliveryReceipt,
    Location,
    MappingError,
    PermanentError,
    PollResult,
    Transport,
    VendorPayload,
    vendor_boundary,
)
from adapters.sdk.simulator import Ledger, SimulatorServer
from schemas import BSN, INCLUDE_BSN, Message, parse_message

TYPES = frozenset({"inschrijving.geregistreerd", "toewijzing.gedaan"})

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["berichtType", "berichtId", "correlatie", "afzender", "tijdstip", "gegevens"],
    "properties": {
        "berichtType": {"enum": sorted(TYPES)},
        "berichtId": {"type": "string", "minLength": 1},
        "correlatie": {"type": "string", "minLength": 1},
        "oorzaak": {"type": ["string", "null"]},
        "afzender": {"type": "object", "required": ["tenant", "system"]},
        "tijdstip": {"type": "string"},
        "gegevens": {"type": "object"},
    },
    "additionalProperties": False,
}


REGISTRATION = Path(__file__).parent / "fixtures" / "toy" / "registration.vendor.json"


class ToyConfig(AdapterConfig):
    base_url: str = "http://127.0.0.1:9"
    page_size: int = 50


class ToySimulator:
    """The toy vendor system: POST /berichten, deduplicated by Idempotency-Key in a Ledger; GET /berichten
    serves what it holds, `?aantal=N` to a page, with the cursor of the next page in `volgende`."""

    def __init__(self) -> None:
        self.ledger = Ledger()
        self.outgoing: list[dict[str, Any]] = []
        self.app = Starlette(routes=[Route("/berichten", self._berichten, methods=["GET", "POST"])])

    def seed_pages(self, count: int) -> dict[str, Any]:
        """Hold `count` registrations, to be read two to a page (the kit's paging check)."""
        sample = json.loads(REGISTRATION.read_text(encoding="utf-8"))
        ids = [f"I-TOY-{number:03d}" for number in range(1, count + 1)]
        for number in ids:
            self.outgoing.append(
                {**sample, "berichtId": f"msg-{number}", "gegevens": {**sample["gegevens"], "id": number}}
            )
        return {"config": {"page_size": 2}, "keys": ids}

    async def _berichten(self, request: Request) -> Response:
        if request.method == "GET":
            start = int(request.query_params.get("cursor") or 0)
            size = int(request.query_params.get("aantal") or 50)
            page = self.outgoing[start : start + size]
            following = start + len(page) if start + len(page) < len(self.outgoing) else None
            return JSONResponse({"berichten": page, "volgende": None if following is None else str(following)})
        return await self._receive(request)

    async def _receive(self, request: Request) -> Response:
        key = request.headers.get("Idempotency-Key")
        if not key:
            return JSONResponse({"fout": "Idempotency-Key ontbreekt"}, status_code=400)
        body = await request.json()
        _, duplicate = self.ledger.record(key, str(body.get("berichtType")), body)
        return JSONResponse(
            {"ontvangen": key},
            status_code=200 if duplicate else 201,
            headers={"Idempotent-Replayed": "true" if duplicate else "false"},
        )

    @contextmanager
    def running(self) -> Iterator[SimulatorServer]:
        with SimulatorServer(self.app).running() as server:
            yield server


class ToyAdapter(Adapter[ToyConfig]):
    name: ClassVar[str] = "toy"
    version: ClassVar[str] = "1.0.0"
    capabilities: ClassVar[Capabilities] = Capabilities(
        decodes=TYPES, encodes=TYPES, transports=frozenset({Transport.PUSH, Transport.POLL})
    )
    config_model: ClassVar[type[AdapterConfig]] = ToyConfig
    json_schema: ClassVar[dict[str, Any]] = SCHEMA

    @classmethod
    def simulator(cls) -> ToySimulator:
        return ToySimulator()

    # --- translation ----------------------------------------------------------------------------------

    def encode(self, message: Message) -> VendorPayload:
        if message.type not in TYPES:
            return super().encode(message)
        data = message.model_dump(mode="json", context=INCLUDE_BSN)
        body = {
            "berichtType": data["type"],
            "berichtId": data["messageId"],
            "correlatie": data["correlationId"],
            "oorzaak": data.get("causationId"),
            "afzender": data["source"],
            "tijdstip": data["occurredAt"],
            "gegevens": self.outgoing(data["payload"]),
        }
        return VendorPayload(json.dumps(body, ensure_ascii=False).encode(), "application/json")

    def outgoing(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The canonical payload as it goes on the wire (variants change this)."""
        return payload

    def decode(self, payload: bytes) -> Iterator[Decoded]:
        with vendor_boundary(self.name):
            data = json.loads(payload.decode("utf-8"))
        records = data if isinstance(data, list) else [data]
        for index, record in enumerate(records):
            try:
                with vendor_boundary(self.name):
                    yield self._message(record, index)
            except MappingError as error:
                if error.location.record is None:
                    error.location = Location(**{**vars(error.location), "record": index})
                yield error

    def _message(self, record: Any, index: int) -> Message:
        if not isinstance(record, dict) or "gegevens" not in record:
            raise MappingError("a ToyJSON bericht is an object with gegevens", location=Location(record=index))
        gegevens = record["gegevens"]
        for role in ("aanvrager", "medeaanvrager"):
            person = gegevens.get(role) if isinstance(gegevens, dict) else None
            if isinstance(person, dict) and isinstance(person.get("bsn"), str):
                self.check_bsn(person["bsn"], f"gegevens.{role}.bsn", index)
        return parse_message(
            {
                "type": record.get("berichtType"),
                "messageId": record.get("berichtId"),
                "correlationId": record.get("correlatie"),
                "causationId": record.get("oorzaak"),
                "source": record.get("afzender"),
                "occurredAt": record.get("tijdstip"),
                "payload": gegevens,
            }
        )

    def check_bsn(self, value: str, field: str, index: int) -> None:
        try:
            BSN(value)
        except ValueError:
            raise MappingError("BSN fails the 11-check", location=Location(field=field, record=index)) from None

    # --- transport ------------------------------------------------------------------------------------

    async def poll(self, cursor: str | None) -> PollResult:
        """Every page from `cursor` on; the cursor returned is where the next poll starts."""
        messages: list[Message] = []
        rejects: list[MappingError] = []
        while True:
            page, following = await self.read_page(cursor)
            for item in self.decode(json.dumps(page).encode()):
                (rejects if isinstance(item, MappingError) else messages).append(item)  # type: ignore[arg-type]
            if following is None:
                return PollResult(messages, rejects, str(int(cursor or 0) + len(page)) if page else cursor)
            cursor = following

    async def read_page(self, cursor: str | None) -> tuple[list[Any], str | None]:
        params = {"aantal": str(self.config.page_size), **({"cursor": cursor} if cursor else {})}
        response = await self.request("GET", f"{self.config.base_url}/berichten", params=params)
        with vendor_boundary(self.name):
            data = json.loads(response.content)
            if not isinstance(data, dict) or not isinstance(data.get("berichten"), list):
                raise MappingError("a ToyJSON page is an object with berichten")
        following = data.get("volgende")
        return data["berichten"], following if isinstance(following, str) else None

    async def deliver(self, message: Message, *, idempotency_key: str) -> DeliveryReceipt:
        payload = self.encode(message)
        response = await self.request(
            "POST",
            f"{self.config.base_url}/berichten",
            content=payload.body,
            headers={"Content-Type": payload.content_type, "Idempotency-Key": idempotency_key},
        )
        return DeliveryReceipt(
            idempotency_key,
            status=response.status_code,
            duplicate=response.headers.get("Idempotent-Replayed") == "true",
        )


class ToyPermanent503(ToyAdapter):
    """Broken: every HTTP error status (503 included) is raised as PermanentError."""

    async def deliver(self, message: Message, *, idempotency_key: str) -> DeliveryReceipt:
        payload = self.encode(message)
        with vendor_boundary(self.name):
            response = await self.client.post(
                f"{self.config.base_url}/berichten",
                content=payload.body,
                headers={"Content-Type": payload.content_type, "Idempotency-Key": idempotency_key},
            )
        if response.status_code >= 400:
            raise PermanentError(f"vendor refused with HTTP {response.status_code}", adapter=self.name)
        return DeliveryReceipt(idempotency_key, status=response.status_code)


class ToyLossy(ToyAdapter):
    """Broken: the vendor format has no place for a toewijzing's doelgroep, and the adapter does not say so."""

    def outgoing(self, payload: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in payload.items() if key != "doelgroep"}


class ToyHonestLossy(ToyLossy):
    """The lossy variant that declares what it carries: the kit compares only those fields."""

    roundtrip_fields: ClassVar[dict[str, list[str]]] = {
        "toewijzing.gedaan": [
            "type",
            "payload.id",
            "payload.rekenhuur",
            "payload.rekeninkomen",
            "payload.passendheidsoort",
            "payload.eenheid",
        ],
        "inschrijving.geregistreerd": ["type", "payload"],
    }


class ToyLeaky(ToyAdapter):
    """Broken: a bad BSN is quoted in the error text."""

    def check_bsn(self, value: str, field: str, index: int) -> None:
        try:
            BSN(value)
        except ValueError:
            where = Location(field=field, record=index)
            raise MappingError(f"BSN {value} fails the 11-check", location=where) from None


class ToyOldModel(ToyAdapter):
    """Broken: built for another canonical model major."""

    model_major: ClassVar[int] = 0


class ToyWithoutSimulator(ToyAdapter):
    """Incomplete: no simulator, so idempotency cannot be checked."""

    simulator = None  # type: ignore[assignment]  # the kit treats a missing hook as None


class ToyOffSpec(ToyAdapter):
    """Broken: the vendor's schema demands a `versie` the adapter never writes."""

    json_schema: ClassVar[dict[str, Any]] = {
        **SCHEMA,
        "required": [*SCHEMA["required"], "versie"],
        "properties": {**SCHEMA["properties"], "versie": {"const": "2"}},
    }


class ToyRefusesGenerated(ToyAdapter):
    """Broken: requires an element the canonical model leaves optional, so it refuses nearly every message."""

    def encode(self, message: Message) -> VendorPayload:
        if not message.message_id.startswith("msg-"):  # the golden samples are; generated messages are not
            raise MappingError("the Toy format requires gegevens.dossier", location=Location(field="payload.dossier"))
        return super().encode(message)
