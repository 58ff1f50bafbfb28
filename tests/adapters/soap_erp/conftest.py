"""Fixtures of the SOAP ERP adapter tests: one simulated ERP on loopback for the session (reset for every
test) and adapters pointed at it through a real httpx client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from adapters.sdk.simulator import SimulatorServer
from adapters.soap_erp import SoapErpAdapter, SoapErpConfig
from adapters.soap_erp.simulator import ErpSimulator

MakeAdapter = Callable[..., SoapErpAdapter]
SEEDED_UNITS = 12
USERNAME = "woonbrug"
PASSWORD = "erp-geheim-8d1f"  # the tests check that this never shows up in errors or payloads
SIGNED_AT = datetime(2026, 3, 20, 13, 5, tzinfo=UTC)


@pytest.fixture(scope="session")
def erp_server() -> Iterator[tuple[ErpSimulator, SimulatorServer]]:
    simulator = ErpSimulator(username=USERNAME, password=PASSWORD, clock=lambda: SIGNED_AT)
    with simulator.running() as server:
        yield simulator, server


@pytest.fixture
def sim(erp_server: tuple[ErpSimulator, SimulatorServer]) -> Iterator[ErpSimulator]:
    simulator, _ = erp_server
    simulator.auto_sign = True
    simulator.check_units = True
    simulator.reset(units=SEEDED_UNITS, seed=3)
    simulator.faults.timeout_seconds = 1.0  # an injected timeout outlasts the adapter's 0.3 s, briefly
    simulator.faults.retry_after = 2
    yield simulator
    simulator.reset()


@pytest.fixture
def endpoint(erp_server: tuple[ErpSimulator, SimulatorServer]) -> str:
    return f"{erp_server[1].url}/erp"


@pytest.fixture
async def make_adapter(sim: ErpSimulator, endpoint: str) -> AsyncIterator[MakeAdapter]:
    """`make_adapter(**config)`: a SoapErpAdapter on the simulated ERP, with its credentials by default."""
    made: list[SoapErpAdapter] = []

    def make(client: httpx.AsyncClient | None = None, **config: Any) -> SoapErpAdapter:
        values: dict[str, Any] = {"endpoint": endpoint, "username": USERNAME, "password": PASSWORD, **config}
        adapter = SoapErpAdapter(SoapErpConfig(**values), client=client or httpx.AsyncClient())
        made.append(adapter)
        return adapter

    yield make
    for adapter in made:
        await adapter.aclose()
