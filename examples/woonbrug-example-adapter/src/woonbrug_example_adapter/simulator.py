"""A tiny simulated Huurhuis system: it takes allocations and applies each one once.

`POST /allocations` with an `Idempotency-Key` header records the allocation in a `Ledger` (the SDK's
memory of what arrived, deduplicated by key) and answers 201 with a Location; the same key again is
acknowledged (200) without a second effect. The contract kit starts it with `running()`, points the
adapter at its `url` and counts the ledger's effects.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.sdk.simulator import Ledger, SimulatorServer

__all__ = ["HuurhuisSimulator"]


class HuurhuisSimulator:
    def __init__(self) -> None:
        self.ledger = Ledger()
        self.app = Starlette(routes=[Route("/allocations", self._allocate, methods=["POST"])])

    async def _allocate(self, request: Request) -> Response:
        key = request.headers.get("Idempotency-Key")
        if not key:
            return JSONResponse({"error": "Idempotency-Key header required"}, status_code=400)
        try:
            body = json.loads(await request.body())
        except ValueError:
            return JSONResponse({"error": "body is not JSON"}, status_code=400)
        if not isinstance(body, dict) or not body.get("allocation"):
            return JSONResponse({"error": "allocation missing"}, status_code=422)
        _, duplicate = self.ledger.record(key, "allocation", body)
        location = f"/allocations/{body['allocation']}"
        return JSONResponse(
            {"allocation": body["allocation"]}, status_code=200 if duplicate else 201, headers={"Location": location}
        )

    @contextmanager
    def running(self) -> Iterator[SimulatorServer]:
        """Serve on a free port of 127.0.0.1; yields the server (its `url`)."""
        with SimulatorServer(self.app).running() as server:
            yield server
