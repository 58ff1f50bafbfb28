"""Helpers for driving delivery in tests: build dispatchers, jump a simulated clock to the next event,
and read the outbox."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from gateway.core.clock import SimulatedClock
from gateway.delivery import BreakerPolicy, Destination, Dispatcher, RetryPolicy, enqueue
from gateway.store import CircuitBreakerRow, OutboxMessage
from gateway.store.engine import Database
from schemas import Message
from tests.delivery.sink import Sink, SinkResolver

CORP_A = Destination("corp-a", "test-sink")
CORP_B = Destination("corp-b", "test-sink")


def dispatcher(
    database: Database,
    sink: Sink,
    clock: SimulatedClock,
    *,
    worker_id: str = "w1",
    max_attempts: int = 12,
    threshold: int = 5,
    cooldown: float = 30.0,
    lease: float = 60.0,
    batch_size: int = 20,
    breaker_policy: BreakerPolicy | None = None,
    **kwargs: Any,
) -> Dispatcher:
    return Dispatcher(
        database,
        SinkResolver(sink.url, timeout_seconds=2.0),
        worker_id=worker_id,
        clock=clock,
        policy=RetryPolicy(max_attempts=max_attempts, base_seconds=2.0, cap_seconds=120.0),
        breaker_policy=breaker_policy or BreakerPolicy(threshold=threshold, cooldown_seconds=cooldown),
        lease_seconds=lease,
        batch_size=batch_size,
        rng=random.Random(7),
        **kwargs,
    )


def put(
    database: Database,
    clock: SimulatedClock,
    messages: list[Message],
    destination: Destination = CORP_A,
    **kwargs: Any,
) -> list[int]:
    """Enqueue messages in one transaction (at the simulated now); returns their outbox ids."""
    with database.transaction() as session:
        return [enqueue(session, message, destination, clock=clock, **kwargs).id for message in messages]


def statuses(database: Database) -> dict[str, int]:
    with database.session() as session:
        rows = session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    return {status: count for status, count in rows}


def row(database: Database, outbox_id: int) -> OutboxMessage:
    with database.session() as session:
        found = session.get(OutboxMessage, outbox_id)
        assert found is not None
        return found


def next_event(database: Database, now: datetime) -> datetime | None:
    """The next moment something can happen: a retry comes due, a breaker cools down, a lease runs out."""
    with database.session() as session:
        moments = [
            session.scalar(
                select(func.min(OutboxMessage.next_attempt_at)).where(
                    OutboxMessage.status == "pending", OutboxMessage.next_attempt_at > now
                )
            ),
            session.scalar(
                select(func.min(OutboxMessage.claimed_until)).where(
                    OutboxMessage.status == "in_flight", OutboxMessage.claimed_until >= now
                )
            ),
            session.scalar(
                select(func.min(CircuitBreakerRow.opened_until)).where(CircuitBreakerRow.opened_until > now)
            ),
        ]
    future = [m for m in moments if m is not None]
    return min(future) if future else None


async def deliver_all(
    dispatchers: list[Dispatcher], database: Database, clock: SimulatedClock, *, max_rounds: int = 5000
) -> int:
    """Run rounds (dispatchers taking turns) and jump the clock to the next event whenever nothing is due,
    until nothing is pending or in flight. Returns the rounds it took."""
    for rounds in range(max_rounds):
        claimed = 0
        for each in dispatchers:
            claimed += await each.run_once()
        if claimed:
            continue
        open_rows = statuses(database)
        if not open_rows.get("pending") and not open_rows.get("in_flight"):
            return rounds
        moment = next_event(database, clock.now())
        if moment is None:
            clock.advance(0.5)
        else:
            clock.set(moment + timedelta(microseconds=1))  # a lease is taken over only once it has run out
    raise AssertionError(f"not done after {max_rounds} rounds: {statuses(database)}")


def wait_until(predicate: Callable[[], bool], timeout: float, what: str, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)
