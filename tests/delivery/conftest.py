"""Fixtures for delivery tests: a migrated database (SQLite and PostgreSQL), a simulated clock, a running
simulator of the receiving system, and a dispatcher wired to both."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from gateway.core.clock import SimulatedClock
from gateway.delivery import Dispatcher
from tests.delivery.sink import Sink
from tests.factories import T0

# The same `database` fixture as the store tests: each test gets a fresh SQLite file or PostgreSQL schema.
from tests.store.conftest import database, empty_database  # noqa: F401 - fixtures are found by name


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(T0)


@pytest.fixture
def sink(clock: SimulatedClock) -> Iterator[Sink]:
    server = Sink(clock=clock).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def dispatchers() -> AsyncIterator[list[Dispatcher]]:
    """Dispatchers a test makes are appended here and closed after it."""
    made: list[Dispatcher] = []
    yield made
    for each in made:
        await each.aclose()
