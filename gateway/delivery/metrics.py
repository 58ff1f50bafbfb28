"""Prometheus metrics of delivery.

Counters are counted by the process that did the work (in `woonbrug worker --processes N` the children
write them to a shared multiprocess directory and the parent serves the sum). Gauges that describe the
whole store (messages per status, dead letters, breaker states) are read from the database at scrape
time by `StoreCollector`, so every instance reports the same truth, whichever worker changed it.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from gateway.core.clock import SYSTEM_CLOCK, Clock
from gateway.store.engine import Database
from gateway.store.models import BreakerState, CircuitBreakerRow, OutboxMessage, OutboxStatus

__all__ = ["ATTEMPT_SECONDS", "BREAKER_OPENED", "DEAD", "DELIVERED", "FAILED", "StoreCollector"]

DELIVERED = Counter("woonbrug_delivery_delivered", "Messages delivered", ["adapter"])
FAILED = Counter("woonbrug_delivery_failed", "Failed delivery attempts, by kind of error", ["adapter", "kind"])
DEAD = Counter("woonbrug_delivery_dead_lettered", "Messages that became dead letters", ["adapter"])
BREAKER_OPENED = Counter("woonbrug_delivery_breaker_opened", "Times a circuit breaker opened", ["endpoint"])
ATTEMPT_SECONDS = Histogram(
    "woonbrug_delivery_attempt_seconds",
    "Duration of one delivery attempt",
    ["adapter"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)

BREAKER_STATE_VALUE = {BreakerState.CLOSED.value: 0, BreakerState.HALF_OPEN.value: 1, BreakerState.OPEN.value: 2}


class StoreCollector(Collector):
    """Gauges read from the store on each scrape: outbox messages per status, the oldest open message's
    age, and the breaker state per endpoint."""

    def __init__(self, database: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.database = database
        self.clock = clock

    def collect(self) -> Iterator[GaugeMetricFamily]:
        by_status = GaugeMetricFamily(
            "woonbrug_outbox_messages", "Outbox messages by status", labels=["status", "adapter"]
        )
        breakers = GaugeMetricFamily(
            "woonbrug_circuit_breaker_state",
            "Circuit breaker per endpoint: 0 closed, 1 half-open, 2 open",
            labels=["endpoint"],
        )
        failures = GaugeMetricFamily(
            "woonbrug_circuit_breaker_failures", "Consecutive transient failures per endpoint", labels=["endpoint"]
        )
        oldest = GaugeMetricFamily(
            "woonbrug_outbox_oldest_open_seconds",
            "Age of the oldest message not yet delivered or dead (0 when there is none)",
        )
        with self.database.read_session() as session:
            counts = session.execute(
                select(OutboxMessage.status, OutboxMessage.adapter, func.count()).group_by(
                    OutboxMessage.status, OutboxMessage.adapter
                )
            ).all()
            seen = set()
            for status, adapter, count in counts:
                by_status.add_metric([status, adapter], float(count))
                seen.add((status, adapter))
            for status in OutboxStatus:  # make "0 dead letters" visible rather than absent
                if not any(s == status.value for s, _ in seen):
                    by_status.add_metric([status.value, ""], 0.0)
            for row in session.scalars(select(CircuitBreakerRow)):
                breakers.add_metric([row.endpoint], float(BREAKER_STATE_VALUE.get(row.state, 0)))
                failures.add_metric([row.endpoint], float(row.failures))
            first = session.scalar(
                select(func.min(OutboxMessage.created_at)).where(
                    OutboxMessage.status.in_((OutboxStatus.PENDING.value, OutboxStatus.IN_FLIGHT.value))
                )
            )
            oldest.add_metric([], max(0.0, (self.clock.now() - first).total_seconds()) if first else 0.0)
        yield by_status
        yield breakers
        yield failures
        yield oldest
