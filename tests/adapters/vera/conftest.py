"""Fixtures of the VERA adapter tests: one simulator for the session (reset for every test) and adapters
pointed at it through a real httpx client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from adapters.vera import VeraAdapter, VeraConfig
from adapters.vera.simulator import DEFAULT_API_KEY, VeraSimulator

MakeAdapter = Callable[..., VeraAdapter]


@pytest.fixture(scope="session")
def running_sim() -> Iterator[VeraSimulator]:
    sim = VeraSimulator()
    with sim.running():
        yield sim


@pytest.fixture
def sim(running_sim: VeraSimulator) -> Iterator[VeraSimulator]:
    running_sim.reset()
    running_sim.faults.timeout_seconds = 1.0  # an injected timeout outlasts the adapter's 0.2 s, briefly
    running_sim.token_ttl = 3600.0
    yield running_sim
    running_sim.reset()
    running_sim.token_ttl = 3600.0


@pytest.fixture
async def make_adapter(sim: VeraSimulator) -> AsyncIterator[MakeAdapter]:
    """`make_adapter(**config)`: a VeraAdapter on the simulator, signed in with its API key by default."""
    made: list[VeraAdapter] = []

    def make(clock: Callable[[], float] | None = None, **config: Any) -> VeraAdapter:
        values: dict[str, Any] = {"base_url": sim.url, "api_key": DEFAULT_API_KEY, **config}
        values = {key: value for key, value in values.items() if value is not None}
        extra = {"clock": clock} if clock is not None else {}
        adapter = VeraAdapter(VeraConfig(**values), client=httpx.AsyncClient(), **extra)
        made.append(adapter)
        return adapter

    yield make
    for adapter in made:
        await adapter.aclose()
