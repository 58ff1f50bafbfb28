"""Concurrent dispatch (`Dispatcher.run`): many requests in flight, bounded per destination and in total,
outcomes recorded in bulk, and one slow request never holding the others — observed at a real receiver
over loopback HTTP and in the real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, func, select, text

from gateway.core.clock import SimulatedClock
from gateway.delivery import BreakerPolicy, Dispatcher, dispatch
from gateway.delivery import breaker as breakers
from gateway.store import OutboxMessage
from tests.delivery.builders import publicatie_message
from tests.delivery.helpers import CORP_A, CORP_B, dispatcher, put, row, statuses
from tests.delivery.sink import Sink
from tests.store.databases import TestDatabase


async def eventually(predicate: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Wait (yielding to the event loop, where the dispatcher runs) until `predicate()` holds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.01)


@asynccontextmanager
async def running(*workers: Dispatcher) -> AsyncIterator[None]:
    """The workers' `run` loops in the background; on leaving, they are stopped and finish what they hold."""
    stop = asyncio.Event()
    tasks = [asyncio.create_task(worker.run(stop.is_set, poll_seconds=0.01)) for worker in workers]
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(*tasks)


def in_flight_per_endpoint(database: TestDatabase) -> dict[str, int]:
    with database.session() as session:
        rows = session.execute(
            select(OutboxMessage.endpoint, func.count())
            .where(OutboxMessage.status == "in_flight")
            .group_by(OutboxMessage.endpoint)
        ).all()
    return {endpoint: count for endpoint, count in rows}


async def test_one_slow_request_does_not_hold_the_rest_of_its_batch(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    [slow] = put(database, clock, [publicatie_message("P-slow")])
    put(database, clock, [publicatie_message(f"P-{i}") for i in range(30)])
    sink.hold("P-slow")
    dispatchers.append(worker := dispatcher(database, sink, clock, batch_size=20))

    async with running(worker):
        await eventually(lambda: statuses(database).get("delivered") == 30, "the 30 fast messages delivered")
        assert row(database, slow).status == "in_flight"  # its batch-mates were recorded without it
        sink.release()
        await eventually(lambda: statuses(database) == {"delivered": 31}, "the slow message delivered")
    assert len(sink.ledger.effects()) == 31


async def test_requests_in_flight_are_bounded_per_destination_and_in_total(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    put(database, clock, [publicatie_message(f"A-{i}") for i in range(12)], CORP_A)
    put(database, clock, [publicatie_message(f"B-{i}") for i in range(12)], CORP_B)
    sink.hold("*")
    dispatchers.append(worker := dispatcher(database, sink, clock, batch_size=20, max_in_flight=8, per_destination=3))

    async with running(worker):
        # corp-a's messages come first: it gets twice its 3 connections' worth claimed (6, three of them
        # waiting for a connection), corp-b the 2 left of the 8 in total.
        await eventually(lambda: sink.in_progress == 5, "five requests held at the receiver")
        assert in_flight_per_endpoint(database) == {CORP_A.endpoint: 6, CORP_B.endpoint: 2}
        assert sink.in_progress == 5
        sink.release()
        await eventually(lambda: statuses(database) == {"delivered": 24}, "everything delivered")
    assert sink.most_in_progress <= 6  # never more than 3 to each of the two destinations
    assert len({effect.idempotency_key for effect in sink.ledger.effects()}) == len(sink.ledger.effects()) == 24


async def test_per_key_order_holds_with_many_requests_in_flight_and_two_workers(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    versions = 4
    put(database, clock, [publicatie_message(f"P-{key}", v) for v in range(versions) for key in range(25)])
    dispatchers.append(first := dispatcher(database, sink, clock, batch_size=50))
    dispatchers.append(second := dispatcher(database, sink, clock, worker_id="w2", batch_size=50))

    async with running(first, second):
        await eventually(lambda: statuses(database) == {"delivered": 100}, "100 delivered")
    effects = sink.effects_per_key()
    assert len(effects) == 25
    for key, delivered in effects.items():
        assert delivered == [f"msg-{key}-{v}" for v in range(versions)], key
    assert len(sink.ledger.effects()) == 100  # and no effect twice


async def test_a_batch_of_outcomes_is_recorded_with_one_update_of_the_outbox(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    put(database, clock, [publicatie_message(f"P-{i}") for i in range(20)])
    dispatchers.append(worker := dispatcher(database, sink, clock, batch_size=20))
    updates: list[tuple[bool, int]] = []

    def seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, executemany: bool) -> None:
        if statement.lstrip().upper().startswith("UPDATE OUTBOX"):
            updates.append((executemany, len(parameters) if executemany else 1))

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        assert await worker.run_once() == 20
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    # One UPDATE claims the batch; one executemany UPDATE records all twenty outcomes.
    assert updates == [(False, 1), (True, 20)]
    assert statuses(database) == {"delivered": 20}


async def test_a_backlog_behind_an_open_breaker_is_skipped_and_others_are_claimed(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    put(database, clock, [publicatie_message(f"B-{i}") for i in range(300)], CORP_B)  # older, and blocked
    clock.advance(1)
    fresh = put(database, clock, [publicatie_message(f"A-{i}") for i in range(3)], CORP_A)
    with database.transaction() as session:
        breakers.record_failure(session, CORP_B.endpoint, clock.now(), BreakerPolicy(threshold=1))
    dispatchers.append(worker := dispatcher(database, sink, clock, batch_size=10))
    claims = worker._claim()
    assert sorted(claim.id for claim in claims) == fresh


def test_the_claim_finds_endpoints_and_due_messages_through_the_open_rows_index(database: TestDatabase) -> None:
    """The partial index applies to the skip scan over endpoints (its predicate matches); sequential scans
    are switched off on PostgreSQL so that a tiny test table does not make the planner prefer one."""
    with database.transaction() as session:
        if database.dialect == "postgresql":
            session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = session.execute(text("EXPLAIN " + str(dispatch._OPEN_ENDPOINTS))).scalars().all()
        else:
            plan = [row[-1] for row in session.execute(text("EXPLAIN QUERY PLAN " + str(dispatch._OPEN_ENDPOINTS)))]
    assert any("ix_outbox_open_endpoint_due" in line for line in plan), plan
