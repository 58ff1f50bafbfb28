"""The dispatcher against a real simulator over HTTP, on SQLite and PostgreSQL, with a simulated clock."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from adapters.sdk.simulator import Fault
from gateway.core.clock import SimulatedClock
from gateway.delivery import Dispatcher, attempts_of
from gateway.store import AuditEntry, CircuitBreakerRow, audit
from tests.delivery.builders import publicatie_message
from tests.delivery.helpers import CORP_A, CORP_B, deliver_all, dispatcher, put, row, statuses
from tests.delivery.sink import Sink
from tests.store.databases import TestDatabase


async def test_a_message_is_delivered_once_with_its_idempotency_key(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    message = publicatie_message("P-1")
    [outbox_id] = put(database, clock, [message])
    dispatchers.append(worker := dispatcher(database, sink, clock))

    assert await worker.run_once() == 1
    assert await worker.run_once() == 0

    effects = sink.ledger.effects()
    assert [e.idempotency_key for e in effects] == [message.message_id]
    assert effects[0].body["payload"]["id"] == "P-1"
    delivered = row(database, outbox_id)
    assert (delivered.status, delivered.attempts, delivered.claimed_by) == ("delivered", 1, None)
    assert delivered.vendor_reference is not None
    assert delivered.vendor_reference.startswith("sim-")
    with database.session() as session:
        [attempt] = attempts_of(session, [outbox_id])
        assert (attempt.outcome, attempt.status_code, attempt.worker) == ("delivered", 200, "w1")
        actions = [e.action for e in audit.search(session, publicatie_id="P-1")]
    assert actions == ["outbox.enqueued", "delivery.delivered"]


async def test_a_transient_failure_is_retried_on_the_persisted_schedule(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    [outbox_id] = put(database, clock, [publicatie_message("P-1")])
    sink.faults.fail_next(Fault.SERVER_ERROR)
    dispatchers.append(first := dispatcher(database, sink, clock))

    assert await first.run_once() == 1
    waiting = row(database, outbox_id)
    assert (waiting.status, waiting.attempts, waiting.last_status) == ("pending", 1, 500)
    assert waiting.last_error_class == "TransientError"
    # Full jitter after one failure: somewhere in [now, now + base].
    assert clock.now() <= waiting.next_attempt_at <= clock.now() + timedelta(seconds=2)

    # Nothing is due before next_attempt_at, even for a brand-new dispatcher (a restart).
    if waiting.next_attempt_at > clock.now():
        dispatchers.append(restarted := dispatcher(database, sink, clock, worker_id="w2"))
        assert await restarted.run_once() == 0
    clock.set(waiting.next_attempt_at)
    dispatchers.append(after := dispatcher(database, sink, clock, worker_id="w3"))
    assert await after.run_once() == 1
    assert row(database, outbox_id).status == "delivered"
    assert len(sink.ledger.effects()) == 1


async def test_retry_after_is_honoured(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    [outbox_id] = put(database, clock, [publicatie_message("P-1")])
    sink.faults.retry_after = 90
    sink.faults.fail_next(Fault.RATE_LIMITED)
    dispatchers.append(worker := dispatcher(database, sink, clock))
    await worker.run_once()
    waiting = row(database, outbox_id)
    assert waiting.last_status == 429
    assert waiting.next_attempt_at >= clock.now() + timedelta(seconds=90)
    with database.session() as session:
        assert attempts_of(session, [outbox_id])[0].retry_after == 90


async def test_attempts_used_up_make_a_dead_letter(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    [outbox_id] = put(database, clock, [publicatie_message("P-1")])
    sink.faults.fail_next(Fault.UNAVAILABLE, count=3)
    dispatchers.append(worker := dispatcher(database, sink, clock, max_attempts=3, threshold=100))
    await deliver_all([worker], database, clock)
    dead = row(database, outbox_id)
    assert (dead.status, dead.attempts, dead.last_status) == ("dead", 3, 503)
    assert dead.last_error is not None
    assert dead.last_error.startswith("gave up after 3 attempts")
    assert sink.ledger.effects() == []


async def test_a_permanent_error_dead_letters_at_once(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    [outbox_id] = put(database, clock, [publicatie_message("P-1")])
    sink.faults.fail_next(Fault.BAD_REQUEST)
    dispatchers.append(worker := dispatcher(database, sink, clock))
    assert await worker.run_once() == 1
    dead = row(database, outbox_id)
    assert (dead.status, dead.attempts, dead.last_status, dead.last_error_class) == (
        "dead",
        1,
        400,
        "PermanentError",
    )
    assert await worker.run_once() == 0


async def test_a_message_waits_for_earlier_ones_with_the_same_business_key(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    first, second, third = (publicatie_message("P-1", v) for v in range(3))
    other = publicatie_message("P-2")
    put(database, clock, [first, second, third, other])
    sink.faults.fail_next(Fault.SERVER_ERROR)  # the first P-1 message fails once
    dispatchers.append(worker := dispatcher(database, sink, clock))

    await worker.run_once()
    # Only the head of each key was claimed: P-1's first (failed) and P-2's.
    assert [e.idempotency_key for e in sink.ledger.effects()] == [other.message_id]
    await deliver_all([worker], database, clock)
    assert sink.effects_per_key()["P-1"] == [first.message_id, second.message_id, third.message_id]


async def test_unordered_messages_may_overtake(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    first, second = publicatie_message("P-1", 0), publicatie_message("P-1", 1)
    put(database, clock, [first, second], ordered=False)
    sink.faults.fail_next(Fault.SERVER_ERROR)
    dispatchers.append(worker := dispatcher(database, sink, clock))
    await worker.run_once()
    assert [e.idempotency_key for e in sink.ledger.effects()] == [second.message_id]


async def test_ordering_is_per_destination(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    message = publicatie_message("P-1")
    later = publicatie_message("P-1", 1)
    put(database, clock, [message], CORP_A)
    put(database, clock, [later], CORP_B)
    sink.faults.fail_next(Fault.SERVER_ERROR)  # corp-a's copy fails; corp-b's must not wait for it
    dispatchers.append(worker := dispatcher(database, sink, clock))
    await worker.run_once()
    assert [e.idempotency_key for e in sink.ledger.effects()] == [later.message_id]


async def test_the_breaker_opens_holds_back_then_probes_once_and_closes(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    put(database, clock, [publicatie_message(f"P-{i}") for i in range(6)])
    sink.faults.fail_next(Fault.UNAVAILABLE, count=3)
    dispatchers.append(worker := dispatcher(database, sink, clock, threshold=3, cooldown=60, batch_size=3))

    assert await worker.run_once() == 3  # three failures in a row open the breaker
    with database.session() as session:
        breaker = session.get(CircuitBreakerRow, CORP_A.endpoint)
        assert breaker is not None
        assert (breaker.state, breaker.failures) == ("open", 3)
        assert breaker.opened_until == clock.now() + timedelta(seconds=60)
    requests_before = sink.requests
    clock.advance(30)
    assert await worker.run_once() == 0  # open: nothing claimed, nothing sent
    assert sink.requests == requests_before

    clock.advance(31)
    dispatchers.append(other := dispatcher(database, sink, clock, worker_id="w2"))
    assert await worker.run_once() == 1  # half-open: one probe only
    assert sink.requests == requests_before + 1
    with database.session() as session:
        assert session.get(CircuitBreakerRow, CORP_A.endpoint).state == "closed"  # type: ignore[union-attr]
    await deliver_all([worker, other], database, clock)
    assert statuses(database) == {"delivered": 6}
    # Held-back messages kept their attempts: only the three that failed show a second attempt.
    with database.session() as session:
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "circuit_breaker")).all()
    assert actions == ["breaker.opened", "breaker.closed"]


async def test_a_failed_probe_opens_the_breaker_again(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    put(database, clock, [publicatie_message(f"P-{i}") for i in range(3)])
    sink.faults.fail_next(Fault.UNAVAILABLE, count=4)
    dispatchers.append(worker := dispatcher(database, sink, clock, threshold=3, cooldown=60, batch_size=3))
    await worker.run_once()
    clock.advance(61)
    assert await worker.run_once() == 1
    with database.session() as session:
        breaker = session.get(CircuitBreakerRow, CORP_A.endpoint)
        assert breaker is not None
        assert (breaker.state, breaker.failures) == ("open", 4)
        assert breaker.opened_until == clock.now() + timedelta(seconds=60)


async def test_a_dead_workers_claims_are_taken_over_after_the_lease(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    [outbox_id] = put(database, clock, [publicatie_message("P-1")])
    dispatchers.append(dying := dispatcher(database, sink, clock, worker_id="dying", lease=60))
    dispatchers.append(survivor := dispatcher(database, sink, clock, worker_id="survivor", lease=60))
    claims = dying._claim()  # claimed, then the worker "dies" before delivering
    assert [c.id for c in claims] == [outbox_id]
    assert await survivor.run_once() == 0  # the lease still holds

    clock.advance(61)
    assert await survivor.run_once() == 1
    taken = row(database, outbox_id)
    assert (taken.status, taken.attempts) == ("delivered", 2)
    with database.session() as session:
        outcomes = [(a.attempt_no, a.outcome, a.worker) for a in attempts_of(session, [outbox_id])]
        assert outcomes == [(1, "lease_expired", "dying"), (2, "delivered", "survivor")]
        assert [e.action for e in audit.search(session, message_id="msg-P-1-0")][-2:] == [
            "delivery.lease_expired",
            "delivery.delivered",
        ]


async def test_a_worker_that_lost_its_claim_records_nothing(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    """A slow worker whose lease ran out finishes after the new owner: its outcome must not overwrite."""
    [outbox_id] = put(database, clock, [publicatie_message("P-1")])
    dispatchers.append(slow := dispatcher(database, sink, clock, worker_id="slow", lease=60))
    dispatchers.append(fast := dispatcher(database, sink, clock, worker_id="fast", lease=60))
    [claim] = slow._claim()
    clock.advance(61)
    assert await fast.run_once() == 1
    late = await slow._deliver(claim)  # the receiver dedupes the second delivery by its key
    slow._record([late])
    assert row(database, outbox_id).status == "delivered"
    assert len(sink.ledger.effects()) == 1
    assert sink.ledger.duplicates() == 1
    with database.session() as session:
        assert [a.worker for a in attempts_of(session, [outbox_id])] == ["slow", "fast"]


async def test_an_unknown_adapter_is_a_dead_letter_with_the_reason(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    from gateway.delivery import Destination

    def resolver(destination: Destination) -> object:
        raise LookupError(f"no adapter named {destination.adapter!r}")

    [outbox_id] = put(database, clock, [publicatie_message("P-1")], Destination("corp-a", "missing"))
    dispatchers.append(worker := dispatcher(database, sink, clock))
    worker.resolver = resolver  # type: ignore[assignment]  # a resolver that fails is the point
    await worker.run_once()
    dead = row(database, outbox_id)
    assert dead.status == "dead"
    assert dead.last_error is not None
    assert "no adapter for corp-a/missing" in dead.last_error


async def test_a_failed_probe_never_makes_a_dead_letter(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    """An outage longer than the retry budget: the probes fail, but it is the endpoint that is down."""
    [outbox_id] = put(database, clock, [publicatie_message("P-1")])
    sink.outage_until = clock.now() + timedelta(minutes=10)
    sink.outage_retry_after = 1
    dispatchers.append(worker := dispatcher(database, sink, clock, max_attempts=2, threshold=1, cooldown=60))
    await deliver_all([worker], database, clock)
    delivered = row(database, outbox_id)
    assert delivered.status == "delivered"
    assert delivered.attempts > 2  # every probe during the outage was an attempt, none made it dead
    assert len(sink.ledger.effects()) == 1


async def test_a_message_whose_workers_keep_dying_becomes_a_dead_letter(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    [outbox_id] = put(database, clock, [publicatie_message("P-1")])
    dispatchers.append(worker := dispatcher(database, sink, clock, max_attempts=2, lease=60))
    for _ in range(2):
        assert [c.id for c in worker._claim()] == [outbox_id]  # claimed, and the worker "dies"
        clock.advance(61)
    assert worker._claim() == []  # the third take-over finds the attempts used up
    dead = row(database, outbox_id)
    assert (dead.status, dead.attempts) == ("dead", 3)
    assert dead.last_error == "attempts used up: the workers delivering it kept vanishing"
    assert sink.requests == 0
