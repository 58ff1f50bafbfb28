"""A local Skeleton API: `POST /allocations`, applied once per Idempotency-Key.

It stands in for the vendor system in tests, in demos and in the contract kit's idempotency check: a
first delivery is recorded in its `Ledger` and answered 201, the same key again is answered 200 without
a second effect. Replace it with a closer imitation of your system as your adapter grows.
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

__all__ = ["SkeletonSimulator"]


class SkeletonSimulator:
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
        if not isinstance(body, dict) or not body.get("allocationId"):
            return JSONResponse({"error": "allocationId missing"}, status_code=422)
        _, duplicate = self.ledger.record(key, "allocation", body)
        return JSONResponse(
            {"allocationId": body["allocationId"]},
            status_code=200 if duplicate else 201,
            headers={"Location": f"/allocations/{body['allocationId']}"},
        )

    @contextmanager
    def running(self) -> Iterator[SimulatorServer]:
        """Serve on a free port of 127.0.0.1; yields the server (its `url`)."""
        with SimulatorServer(self.app).running() as server:
            yield server
