"""Delivery metrics: counters per process, and gauges read from the store (shared by all workers)."""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest

from adapters.sdk.simulator import Fault
from gateway.core.clock import SimulatedClock
from gateway.delivery import Dispatcher
from gateway.delivery.metrics import StoreCollector
from tests.delivery.builders import publicatie_message
from tests.delivery.helpers import dispatcher, put
from tests.delivery.sink import Sink
from tests.store.databases import TestDatabase


def _sample(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_counters_and_store_gauges(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    delivered = _sample("woonbrug_delivery_delivered_total", {"adapter": "test-sink"})
    failed = _sample("woonbrug_delivery_failed_total", {"adapter": "test-sink", "kind": "permanent"})
    dead = _sample("woonbrug_delivery_dead_lettered_total", {"adapter": "test-sink"})
    opened = _sample("woonbrug_delivery_breaker_opened_total", {"endpoint": "corp-a/test-sink"})

    put(database, clock, [publicatie_message(f"P-{i}") for i in range(4)])
    sink.faults.fail_next(Fault.BAD_REQUEST)
    sink.faults.fail_next(Fault.UNAVAILABLE, count=3)
    dispatchers.append(worker := dispatcher(database, sink, clock, threshold=2, cooldown=60))
    await worker.run_once()

    assert _sample("woonbrug_delivery_failed_total", {"adapter": "test-sink", "kind": "permanent"}) == failed + 1
    assert _sample("woonbrug_delivery_dead_lettered_total", {"adapter": "test-sink"}) == dead + 1
    assert _sample("woonbrug_delivery_breaker_opened_total", {"endpoint": "corp-a/test-sink"}) == opened + 1
    registry = CollectorRegistry()
    registry.register(StoreCollector(database, clock))
    text = generate_latest(registry).decode()
    assert 'woonbrug_outbox_messages{adapter="test-sink",status="dead"} 1.0' in text
    assert 'woonbrug_outbox_messages{adapter="test-sink",status="pending"} 3.0' in text
    assert 'woonbrug_outbox_messages{adapter="",status="delivered"} 0.0' in text  # zero is shown, not absent
    assert 'woonbrug_circuit_breaker_state{endpoint="corp-a/test-sink"} 2.0' in text  # open
    assert 'woonbrug_circuit_breaker_failures{endpoint="corp-a/test-sink"} 3.0' in text
    assert "woonbrug_outbox_oldest_open_seconds 0.0" in text  # enqueued at the simulated now

    clock.advance(61)
    assert "woonbrug_outbox_oldest_open_seconds 61.0" in generate_latest(registry).decode()
    await worker.run_once()  # the half-open probe succeeds
    assert _sample("woonbrug_delivery_delivered_total", {"adapter": "test-sink"}) == delivered + 1
    text = generate_latest(registry).decode()
    assert 'woonbrug_outbox_messages{adapter="test-sink",status="delivered"} 1.0' in text
    assert 'woonbrug_circuit_breaker_state{endpoint="corp-a/test-sink"} 0.0' in text  # closed
