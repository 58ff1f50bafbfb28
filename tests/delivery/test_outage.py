"""A vendor down for five minutes of simulated time: nothing lost, nothing dead-lettered, order kept."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from gateway.core.clock import SimulatedClock
from gateway.delivery import Dispatcher
from gateway.store import DeliveryAttempt
from tests.delivery.builders import publicatie_message
from tests.delivery.helpers import deliver_all, dispatcher, put, statuses
from tests.delivery.sink import Sink
from tests.store.databases import TestDatabase


async def test_five_minutes_down_then_back(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    # 20 publicaties, 5 successive updates each, enqueued interleaved: order matters per publicatie.
    messages = [publicatie_message(f"P-{p:02d}", version) for version in range(5) for p in range(20)]
    start = clock.now()
    sink.outage_until = start + timedelta(minutes=5)
    sink.outage_retry_after = 20
    put(database, clock, messages)
    # Two workers sharing the store; a retry policy that would give up after ~5 attempts of backoff if
    # the outage used up attempts (it must not: the breaker holds messages back without spending them).
    for name in ("w1", "w2"):
        dispatchers.append(
            dispatcher(database, sink, clock, worker_id=name, max_attempts=6, threshold=3, cooldown=30, batch_size=10)
        )

    await deliver_all(dispatchers, database, clock)

    assert statuses(database) == {"delivered": 100}
    assert len(sink.ledger.effects()) == 100
    assert clock.now() >= start + timedelta(minutes=5)  # really waited the outage out
    expected = {f"P-{p:02d}": [f"msg-P-{p:02d}-{v}" for v in range(5)] for p in range(20)}
    assert sink.effects_per_key() == expected
    with database.session() as session:
        failed = session.scalar(select(func.count()).where(DeliveryAttempt.outcome == "transient"))
        worst = session.scalar(
            select(func.max(func.coalesce(DeliveryAttempt.attempt_no, 0))).where(DeliveryAttempt.outcome == "transient")
        )
    # Failures during the outage are a handful (threshold, then one probe per cool-down), not 100s.
    assert failed is not None
    assert 3 <= failed <= 3 + 5 * 60 // 20 + 2
    assert worst is not None
    assert worst < 6
