"""Shared parts of the simulated vendor systems: a loopback server, a memory of what arrived, and faults.

Each reference adapter ships a simulator of its vendor system (a real HTTP server on 127.0.0.1, or a
drop folder). They share three things, kept here so that every simulator behaves the same way:

- `Ledger`: what the vendor system received, deduplicated by idempotency key; a duplicate is
  acknowledged again but has no second effect (what "exactly once" means at the receiver).
- `FaultPlan`: faults to inject into the next requests (timeout, 503 with Retry-After, 400, malformed
  body, connection reset) or an outage until a moment; tests and benchmarks steer it directly or over
  HTTP (`/_sim/faults`), so a simulator in another process can be told to fail too.
- `SimulatorServer`: runs an ASGI app with uvicorn in a background thread on a free loopback port.
"""

from __future__ import annotations

import asyncio
import enum
import socket
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

__all__ = ["Fault", "FaultPlan", "Ledger", "SimulatorServer", "control_routes", "free_port"]


class Fault(enum.StrEnum):
    TIMEOUT = "timeout"  # answer only after the client gave up
    UNAVAILABLE = "unavailable"  # 503 with Retry-After
    RATE_LIMITED = "rate_limited"  # 429 with Retry-After
    SERVER_ERROR = "server_error"  # 500
    BAD_REQUEST = "bad_request"  # 400
    MALFORMED = "malformed"  # 200 with a body that is not what the protocol promises
    RESET = "reset"  # fail and close the connection (as near to a reset as an ASGI app gets)


@dataclass
class FaultPlan:
    """Faults for the next requests, in order; plus an optional outage (503) until a monotonic moment."""

    queue: deque[Fault] = field(default_factory=deque)
    down_until: float = 0.0
    retry_after: int = 1
    timeout_seconds: float = 30.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def fail_next(self, fault: Fault | str, count: int = 1) -> None:
        with self.lock:
            self.queue.extend([Fault(fault)] * count)

    def outage(self, seconds: float) -> None:
        with self.lock:
            self.down_until = time.monotonic() + seconds

    def clear(self) -> None:
        with self.lock:
            self.queue.clear()
            self.down_until = 0.0

    def take(self) -> Fault | None:
        """The fault for the request now being served, if any."""
        with self.lock:
            if time.monotonic() < self.down_until:
                return Fault.UNAVAILABLE
            return self.queue.popleft() if self.queue else None

    async def apply(self, malformed_body: bytes, content_type: str) -> Response | None:
        """The response a fault dictates for this request, or None to serve it normally."""
        fault = self.take()
        if fault is None:
            return None
        if fault is Fault.TIMEOUT:
            await asyncio.sleep(self.timeout_seconds)
            return Response(status_code=504)
        if fault is Fault.UNAVAILABLE:
            return Response("unavailable", status_code=503, headers={"Retry-After": str(self.retry_after)})
        if fault is Fault.RATE_LIMITED:
            return Response("slow down", status_code=429, headers={"Retry-After": str(self.retry_after)})
        if fault is Fault.SERVER_ERROR:
            return Response("internal error", status_code=500)
        if fault is Fault.BAD_REQUEST:
            return Response("bad request", status_code=400)
        if fault is Fault.MALFORMED:
            return Response(malformed_body, status_code=200, media_type=content_type)
        # An ASGI app cannot reset its TCP connection: the nearest it can do is fail and close it. (Raising
        # here made uvicorn close the socket after a 500 while the client could still reuse it — a race.)
        # Real resets are tested with httpx.MockTransport raising httpx.ReadError.
        return Response("connection reset", status_code=500, headers={"Connection": "close"})


@dataclass
class Received:
    idempotency_key: str
    kind: str
    body: Any
    times_seen: int = 1


class Ledger:
    """What a vendor system received, once per idempotency key, in arrival order. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_key: dict[str, Received] = {}
        self._order: list[str] = []

    def record(self, idempotency_key: str, kind: str, body: Any) -> tuple[Received, bool]:
        """Store a delivery; returns (the record, whether it was a duplicate)."""
        with self._lock:
            existing = self._by_key.get(idempotency_key)
            if existing is not None:
                existing.times_seen += 1
                return existing, True
            record = Received(idempotency_key, kind, body)
            self._by_key[idempotency_key] = record
            self._order.append(idempotency_key)
            return record, False

    def effects(self, kind: str | None = None) -> list[Received]:
        """Each distinct delivery once, in arrival order (optionally only one kind)."""
        with self._lock:
            records = [self._by_key[key] for key in self._order]
        return [r for r in records if kind is None or r.kind == kind]

    def duplicates(self) -> int:
        with self._lock:
            return sum(r.times_seen - 1 for r in self._by_key.values())

    def clear(self) -> None:
        with self._lock:
            self._by_key.clear()
            self._order.clear()


def control_routes(faults: FaultPlan, ledger: Ledger) -> list[Route]:
    """`/_sim/faults` (POST {"fault": "unavailable", "count": 3} or {"outage_seconds": 5} or {"clear": true})
    and `/_sim/received` (GET: the effects, duplicates count) for steering a simulator from outside."""

    async def set_faults(request: Request) -> Response:
        body = await request.json()
        if body.get("clear"):
            faults.clear()
        if "outage_seconds" in body:
            faults.outage(float(body["outage_seconds"]))
        if "fault" in body:
            faults.fail_next(body["fault"], int(body.get("count", 1)))
        if "retry_after" in body:
            faults.retry_after = int(body["retry_after"])
        return JSONResponse({"queued": [f.value for f in faults.queue]})

    async def received(request: Request) -> Response:
        kind = request.query_params.get("kind")
        effects = ledger.effects(kind)
        return JSONResponse(
            {
                "count": len(effects),
                "duplicates": ledger.duplicates(),
                "keys": [r.idempotency_key for r in effects],
                "kinds": [r.kind for r in effects],
            }
        )

    return [Route("/_sim/faults", set_faults, methods=["POST"]), Route("/_sim/received", received)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class SimulatorServer:
    """Serve an ASGI app on 127.0.0.1 in a daemon thread; `url` is its base URL once started."""

    def __init__(self, app: Callable[..., Awaitable[None]] | Starlette, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name=f"simulator:{self.port}", daemon=True)

    def start(self) -> SimulatorServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"simulator on port {self.port} did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    @contextmanager
    def running(self) -> Iterator[SimulatorServer]:
        self.start()
        try:
            yield self
        finally:
            self.stop()
