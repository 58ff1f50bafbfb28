"""API hot path: authenticated `GET /api/v1/publicaties/{id}` against a bare FastAPI endpoint.

Both servers run the same way: uvicorn, one worker, on loopback, each in its own process (started here,
stopped after). The bare one returns the same listing JSON from a dict in memory, as a plain FastAPI
endpoint would; ours authenticates the key (cached lookup, hash compare), takes a rate-limit token,
reads the listing from SQLite with the tenant filter, sends the stored JSON, counts the request for
Prometheus and logs it (at WARNING here, so the access line is not written, for both alike).

The load is bounded: a warm-up, then a fixed number of requests from an httpx client with keep-alive
over a few concurrent connections, in one run for both. Figures: requests per second; p50/p99 latency
in the details. Target: ours at least 0.6 of the bare endpoint's rate.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx

from benchmarks.harness import Result

REQUESTS = 3000
WARMUP = 300
CONCURRENCY = 4
TARGET = 0.6
PATH = "/api/v1/publicaties/{id}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _prepare(directory: Path) -> tuple[str, str, str, dict[str, Any]]:
    """A migrated store with one listing and one portal key: (url, key, listing id, listing JSON)."""
    from adapters import Capabilities
    from gateway.flow.parameters import default_parameter_table
    from gateway.flow.policy import DEMO_REGION, load_region
    from gateway.flow.service import FlowService
    from gateway.store import migrate
    from gateway.store.engine import Database
    from gateway.tenants.service import create_key
    from schemas import EenheidVrijgekomen, MessageSource, Vrijkomen
    from schemas.eenheid import Eenheid

    url = f"sqlite:///{directory / 'bench.sqlite'}"
    database = Database(url)
    migrate.upgrade(database)
    region = load_region(DEMO_REGION)
    flow = FlowService(database, region, parameters=default_parameter_table(), capabilities=lambda _a: Capabilities())
    eenheid = Eenheid.model_validate(
        {
            "id": "E-BENCH",
            "idOrganisatie": "corp-b",
            "soort": {"code": "WOO"},
            "adres": {
                "straatnaam": "Molenstraat",
                "huisnummer": "12",
                "postcode": "6511 AB",
                "woonplaats": {"naam": "Nijmegen"},
                "gemeente": {"code": "GM0268", "naam": "Nijmegen"},
            },
            "kamersAantal": 3,
            "totaleOppervlakte": 68.5,
            "rekenhuur": 675.25,
            "prijscomponenten": [{"soort": {"code": "NET"}, "bedrag": 640.25}],
            "maatschappelijkLabel": {"code": "DAE"},
        }
    )
    publicatie = flow.publish_vacancy(
        EenheidVrijgekomen(
            correlation_id="bench",
            source=MessageSource(tenant="corp-b", system="bench"),
            payload=Vrijkomen(eenheid=eenheid, beschikbaar_per=date(2026, 4, 1)),
        )
    )
    with database.transaction() as session:
        key = create_key(session, tenant="portal-rijnwaal", role="portal", now=datetime.now(UTC)).key
    database.dispose()
    return url, key, publicatie.id, publicatie.model_dump(mode="json")


def _serve(kind: str, port: int, url: str, document_file: str) -> None:
    """Entry point of a server process (`python -m benchmarks.bench_api serve ...`)."""
    import logging

    import uvicorn

    logging.basicConfig(level=logging.WARNING)
    if kind == "ours":
        from gateway.api.app import create_app
        from gateway.api.settings import ApiSettings

        # The limiter stays on the path; its rate is set above the load so it never refuses.
        settings = ApiSettings(rate_per_second=1e9, rate_burst=1_000_000, key_cache_seconds=10)
        app: Any = create_app(url, settings=settings)
    else:
        from fastapi import FastAPI

        document: dict[str, Any] = json.loads(Path(document_file).read_text(encoding="utf-8"))
        bare_app = FastAPI()

        async def bare(publicatie_id: str) -> dict[str, Any]:
            return document

        bare_app.add_api_route(PATH.replace("{id}", "{publicatie_id}"), bare, methods=["GET"])
        app = bare_app

    uvicorn.run(app, host="127.0.0.1", port=port, workers=1, log_config=None, access_log=False, log_level="warning")


def _start(kind: str, url: str, document_file: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.bench_api", "serve", kind, str(port), url, document_file],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/openapi.json", timeout=1)
            return process, base
        except httpx.TransportError:
            if process.poll() is not None:
                tail = process.stderr.read().decode()[-500:] if process.stderr else ""
                raise RuntimeError(f"{kind} server died: {tail}") from None
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{kind} server did not start")


async def _load(base: str, path: str, headers: dict[str, str], expected: dict[str, Any]) -> tuple[float, list[float]]:
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=10) as client:
        first = await client.get(path)
        if first.status_code != 200 or first.json() != expected:
            raise RuntimeError(f"{base}{path} answered {first.status_code}, not the listing")

        async def worker(count: int, latencies: list[float]) -> None:
            for _ in range(count):
                started = time.perf_counter()
                response = await client.get(path)
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise RuntimeError(f"status {response.status_code}")

        await asyncio.gather(*(worker(WARMUP // CONCURRENCY, []) for _ in range(CONCURRENCY)))
        latencies: list[float] = []
        started = time.perf_counter()
        await asyncio.gather(*(worker(REQUESTS // CONCURRENCY, latencies) for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
    return len(latencies) / elapsed, sorted(latencies)


def _percentile(sorted_values: list[float], fraction: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))] * 1000


def run() -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        directory = Path(tmp)
        url, key, publicatie_id, document = _prepare(directory)
        document_file = directory / "publicatie.json"
        document_file.write_text(json.dumps(document), encoding="utf-8")
        path = PATH.replace("{id}", publicatie_id)
        figures: dict[str, tuple[float, list[float]]] = {}
        for kind, headers in (("bare", {}), ("ours", {"Authorization": f"Bearer {key}"})):
            process, base = _start(kind, url, str(document_file))
            try:
                figures[kind] = asyncio.run(_load(base, path, headers, document))
            finally:
                process.terminate()
                process.wait(timeout=10)
    (ours_rps, ours_lat), (bare_rps, bare_lat) = figures["ours"], figures["bare"]
    return [
        Result(
            name="API GET /publicaties/{id} (authenticated, SQLite)",
            unit="req/s",
            figure=round(ours_rps, 1),
            baseline_name="bare FastAPI endpoint returning the same JSON",
            baseline=round(bare_rps, 1),
            higher_is_better=True,
            target=TARGET,
            details={
                "requests": REQUESTS,
                "concurrency": CONCURRENCY,
                "server": "uvicorn, 1 worker, loopback, own process",
                "ours_p50_ms": round(_percentile(ours_lat, 0.50), 2),
                "ours_p99_ms": round(_percentile(ours_lat, 0.99), 2),
                "bare_p50_ms": round(_percentile(bare_lat, 0.50), 2),
                "bare_p99_ms": round(_percentile(bare_lat, 0.99), 2),
            },
        )
    ]


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "serve":
        _serve(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
    else:
        for result in run():
            print(json.dumps(result.as_dict(), indent=2))
