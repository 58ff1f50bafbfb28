"""A small vendor system for delivery tests and the delivery benchmark: an adapter and its simulator.

`SinkAdapter` posts each canonical message as JSON to `POST {base_url}/messages` with an
`Idempotency-Key` header, through the SDK's `request` (so HTTP errors become the SDK's error classes).
`Sink` is the receiving system: a Starlette app served on 127.0.0.1 by `SimulatorServer`, recording
each delivery in a `Ledger` (one effect per idempotency key) and taking faults from a `FaultPlan`
(also over HTTP, `/_sim/faults`). On top of the toolkit it can

- be down for a while in *simulated* time (`outage_until` against a `SimulatedClock`), answering 503
  with Retry-After, so minutes of outage cost no real time;
- refuse messages of chosen business keys with 422 until told otherwise (a permanent error whose cause
  is then fixed);
- answer slowly *after* recording the effect (`delay`), so a worker killed while waiting leaves an
  effect whose delivery it never recorded: the redelivery must be recognised as a duplicate;
- hold the answer to chosen business keys (`hold`) until the test calls `release`, and count the
  requests it is serving at once (`in_progress`, `most_in_progress`), so concurrency limits and "one
  slow request does not hold the others" are observed at the receiver, without timing.

`SinkResolver` is picklable, so worker processes can build the adapter themselves.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters import Adapter, AdapterConfig, Capabilities, DeliveryReceipt, Transport, VendorPayload
from adapters.sdk.simulator import FaultPlan, Ledger, SimulatorServer, control_routes
from gateway.core.clock import Clock
from gateway.delivery import Destination
from schemas import MESSAGE_TYPES, Message

__all__ = ["Sink", "SinkAdapter", "SinkConfig", "SinkResolver"]


class SinkConfig(AdapterConfig):
    base_url: str
    timeout_seconds: float = 10.0


class SinkAdapter(Adapter[SinkConfig]):
    name: ClassVar[str] = "test-sink"
    version: ClassVar[str] = "1.0.0"
    description: ClassVar[str] = "Posts canonical JSON to the delivery tests' simulator"
    capabilities: ClassVar[Capabilities] = Capabilities(
        encodes=frozenset(MESSAGE_TYPES), transports=frozenset({Transport.PUSH})
    )
    config_model: ClassVar[type[AdapterConfig]] = SinkConfig

    def encode(self, message: Message) -> VendorPayload:
        return VendorPayload(body=message.model_dump_json().encode(), content_type="application/json")

    async def deliver(self, message: Message, *, idempotency_key: str) -> DeliveryReceipt:
        payload = self.encode(message)
        response = await self.request(
            "POST",
            f"{self.config.base_url}/messages",
            content=payload.body,
            headers={"Content-Type": payload.content_type, "Idempotency-Key": idempotency_key},
        )
        body = response.json()
        return DeliveryReceipt(
            idempotency_key=idempotency_key,
            vendor_reference=str(body["reference"]),
            duplicate=bool(body["duplicate"]),
            status=response.status_code,
        )


@dataclass(frozen=True)
class SinkResolver:
    """Builds a `SinkAdapter` for any destination; picklable for worker processes."""

    base_url: str
    timeout_seconds: float = 10.0

    def __call__(self, destination: Destination) -> SinkAdapter:
        config = SinkConfig(base_url=self.base_url, timeout_seconds=self.timeout_seconds)
        client = httpx.AsyncClient(
            timeout=httpx.Timeout(self.timeout_seconds, connect=5.0),
            limits=httpx.Limits(max_connections=50, max_keepalive_connections=50),
        )
        return SinkAdapter(config, client=client)


class Sink:
    """The simulated receiving system."""

    def __init__(self, *, clock: Clock | None = None, delay: float = 0.0) -> None:
        self.ledger = Ledger()
        self.faults = FaultPlan()
        self.clock = clock
        self.delay = delay
        self.outage_until: datetime | None = None
        self.outage_retry_after = 30
        self.refused_keys: set[str] = set()
        self.requests = 0
        self.in_progress = 0
        self.most_in_progress = 0
        self.held_keys: set[str] = set()
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._references = itertools.count(1)
        self.app = Starlette(
            routes=[Route("/messages", self._receive, methods=["POST"]), *control_routes(self.faults, self.ledger)]
        )
        self.server = SimulatorServer(self.app)

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> Sink:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def down(self) -> bool:
        return self.outage_until is not None and self.clock is not None and self.clock.now() < self.outage_until

    def hold(self, *business_keys: str) -> None:
        """Answer nothing for these payload ids (or every one, with "*") until `release`."""
        self._released.clear()
        self.held_keys.update(business_keys)

    def release(self) -> None:
        self._released.set()

    async def _receive(self, request: Request) -> Response:
        with self._lock:
            self.requests += 1
            self.in_progress += 1
            self.most_in_progress = max(self.most_in_progress, self.in_progress)
        try:
            return await self._answer(request)
        finally:
            with self._lock:
                self.in_progress -= 1

    async def _answer(self, request: Request) -> Response:
        if self.down():
            return Response("maintenance", status_code=503, headers={"Retry-After": str(self.outage_retry_after)})
        fault = await self.faults.apply(b'{"reference":', "application/json")
        if fault is not None:
            return fault
        key = request.headers.get("Idempotency-Key")
        if not key:
            return JSONResponse({"error": "Idempotency-Key header missing"}, status_code=400)
        body: dict[str, Any] = await request.json()
        business_key = str(body.get("payload", {}).get("id"))
        if self.held_keys & {business_key, "*"}:
            # Wait on a thread, so the server's event loop keeps answering everything else.
            await asyncio.to_thread(self._released.wait, 60)
        if business_key in self.refused_keys:
            return JSONResponse({"error": "unknown unit for this corporation"}, status_code=422)
        _record, duplicate = self.ledger.record(key, body["type"], body)
        if self.delay:
            await asyncio.sleep(self.delay)  # the effect is in; the answer is late
        return JSONResponse({"reference": f"sim-{next(self._references)}", "duplicate": duplicate})

    def effects_per_key(self) -> dict[str, list[str]]:
        """Message ids that took effect, grouped by payload id (the business key), in arrival order."""
        grouped: dict[str, list[str]] = {}
        for record in self.ledger.effects():
            grouped.setdefault(str(record.body["payload"]["id"]), []).append(record.body["messageId"])
        return grouped


class EnvSinkResolver:
    """A resolver for `woonbrug worker --resolver tests.delivery.sink:env_resolver`: the simulator's URL
    comes from WOONBRUG_TEST_SINK_URL in the worker's environment."""

    def __call__(self, destination: Destination) -> SinkAdapter:
        import os

        return SinkResolver(os.environ["WOONBRUG_TEST_SINK_URL"])(destination)


env_resolver = EnvSinkResolver()
