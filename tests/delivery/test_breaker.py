"""The circuit breaker shared through the store: a failure window, slowness counting, Retry-After for every
worker, a budget for a failing endpoint across workers, and late answers that never close a newer opening
— on SQLite and PostgreSQL, against the real simulator."""

from __future__ import annotations

from datetime import timedelta

from adapters.sdk.simulator import Fault
from gateway.core.clock import SimulatedClock
from gateway.delivery import BreakerPolicy, Dispatcher, attempts_of
from gateway.delivery import breaker as breakers
from gateway.store import CircuitBreakerRow
from tests.delivery.builders import publicatie_message
from tests.delivery.helpers import CORP_A, CORP_B, dispatcher, put, row, statuses
from tests.delivery.sink import Sink
from tests.delivery.test_concurrent_dispatch import eventually, running
from tests.store.databases import TestDatabase

POLICY = BreakerPolicy(threshold=3, cooldown_seconds=60, window_seconds=10)


def breaker_row(database: TestDatabase) -> CircuitBreakerRow:
    with database.session() as session:
        found = session.get(CircuitBreakerRow, CORP_A.endpoint)
        assert found is not None
        return found


def breaker_state(database: TestDatabase) -> str | None:
    with database.session() as session:
        found = session.get(CircuitBreakerRow, CORP_A.endpoint)
        return None if found is None else found.state


def test_failures_open_the_breaker_only_within_the_window(database: TestDatabase, clock: SimulatedClock) -> None:
    for _ in range(2):
        with database.transaction() as session:
            assert not breakers.record_failure(session, CORP_A.endpoint, clock.now(), POLICY)
    clock.advance(11)  # the two failures are out of the window
    for _ in range(2):
        with database.transaction() as session:
            assert not breakers.record_failure(session, CORP_A.endpoint, clock.now(), POLICY)
    assert (breaker_row(database).state, breaker_row(database).failures) == ("closed", 2)
    with database.transaction() as session:
        assert breakers.record_failure(session, CORP_A.endpoint, clock.now(), POLICY)
    assert breaker_row(database).state == "open"


def test_a_late_success_never_closes_a_breaker_opened_after_its_request_started(
    database: TestDatabase, clock: SimulatedClock
) -> None:
    started_before = clock.now()
    clock.advance(1)
    with database.transaction() as session:
        breakers.record_failure(session, CORP_A.endpoint, clock.now(), POLICY, count=3, retry_after=300)
    opened = breaker_row(database)
    assert (opened.state, opened.opened_until) == ("open", clock.now() + timedelta(seconds=300))

    with database.transaction() as session:
        assert breakers.record_success(session, CORP_A.endpoint, clock.now(), started_at=started_before) is None
    still = breaker_row(database)
    assert (still.state, still.failures, still.opened_until) == ("open", 3, opened.opened_until)  # Retry-After kept

    clock.advance(301)
    with database.transaction() as session:
        assert breakers.record_success(session, CORP_A.endpoint, clock.now(), started_at=clock.now()) == "open"
    assert breaker_row(database).state == "closed"


async def test_a_slow_answer_counts_as_a_failure_but_its_message_is_delivered(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    put(database, clock, [publicatie_message(f"P-{i}") for i in range(2)])
    sink.delay = 0.2
    dispatchers.append(
        worker := dispatcher(database, sink, clock, breaker_policy=BreakerPolicy(threshold=2, slow_seconds=0.05))
    )
    assert await worker.run_once() == 2
    assert statuses(database) == {"delivered": 2}
    assert (breaker_row(database).state, breaker_row(database).last_error) == ("open", "slow answer")


async def test_retry_after_holds_the_endpoint_for_every_worker(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    put(database, clock, [publicatie_message("P-1")])
    put(database, clock, [publicatie_message("P-2")])
    put(database, clock, [publicatie_message("P-3")], CORP_B)
    sink.faults.retry_after = 90
    sink.faults.fail_next(Fault.RATE_LIMITED)
    dispatchers.append(first := dispatcher(database, sink, clock, batch_size=1))
    dispatchers.append(second := dispatcher(database, sink, clock, worker_id="w2"))
    assert await first.run_once() == 1  # P-1: 429, Retry-After 90

    assert await second.run_once() == 1  # only corp-b's message: corp-a asked everyone to wait
    assert [e.body["payload"]["id"] for e in sink.ledger.effects()] == ["P-3"]
    clock.advance(91)
    assert await second.run_once() == 2
    assert statuses(database) == {"delivered": 3}


async def test_a_failing_endpoint_admits_only_its_budget_across_workers(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    ids = put(database, clock, [publicatie_message(f"P-{i}") for i in range(10)])
    sink.faults.fail_next(Fault.SERVER_ERROR)
    policy = BreakerPolicy(threshold=5, budget=1)
    dispatchers.append(first := dispatcher(database, sink, clock, batch_size=1, breaker_policy=policy))
    dispatchers.append(second := dispatcher(database, sink, clock, worker_id="w2", breaker_policy=policy))
    assert await first.run_once() == 1  # one 500: the endpoint is failing, not yet open

    [admitted] = first._claim()
    assert admitted.admitted
    assert second._claim() == []  # the budget of one is out, whichever worker asks
    first._record([await first._deliver(admitted)])  # it answered: the breaker is healthy again
    assert breaker_row(database).failures == 0
    assert len(second._claim(limit=20)) == 9 - 1 + 1 - 1  # everything left (P-0 waits for its retry)
    assert row(database, ids[0]).status == "pending"


async def test_few_requests_reach_a_destination_once_it_fails(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    ids = put(database, clock, [publicatie_message(f"P-{i}") for i in range(200)])
    sink.faults.fail_next(Fault.SERVER_ERROR, count=1000)
    policy = BreakerPolicy(threshold=3, budget=1, cooldown_seconds=600)
    for name in ("w1", "w2"):
        dispatchers.append(dispatcher(database, sink, clock, worker_id=name, per_destination=4, breaker_policy=policy))

    async with running(*dispatchers):
        await eventually(lambda: breaker_state(database) == "open", "the breaker open")
        await eventually(lambda: statuses(database).get("in_flight", 0) == 0, "every claim given back or recorded")
    # Each worker's first four requests (its connections) were out before any failure came back; after
    # that only the failing endpoint's budget (1, across both workers) until the breaker opened.
    assert sink.requests <= 2 * 4 + policy.budget
    with database.session() as session:
        tried = {attempt.outbox_id for attempt in attempts_of(session, ids)}
    assert len(tried) == sink.requests
    assert statuses(database) == {"pending": 200}  # the rest kept their attempts
