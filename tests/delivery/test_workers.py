"""Worker processes against a real simulator and real databases: volume, kill -9, lost connections, stop.

These start real OS processes (`WorkerPool`, spawn) that find the store by URL and the simulator by its
loopback address, exactly as `woonbrug worker` does.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, make_url, select
from sqlalchemy.exc import OperationalError

from gateway.core.clock import SYSTEM_CLOCK
from gateway.delivery import RetryPolicy, WorkerOptions, WorkerPool, enqueue
from gateway.store import DeliveryAttempt, OutboxMessage
from tests.delivery.builders import publicatie_message
from tests.delivery.helpers import CORP_A, statuses, wait_until
from tests.delivery.sink import Sink, SinkResolver
from tests.store.databases import TestDatabase, postgres_database, terminate_connections


@pytest.fixture
def live_sink() -> Iterator[Sink]:
    """The simulator on real time (worker processes use the real clock)."""
    server = Sink().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_database(postgres_url: str) -> Iterator[TestDatabase]:
    with postgres_database(postgres_url) as database:
        yield database


def _options(database: TestDatabase, sink: Sink, **changes: object) -> WorkerOptions:
    values: dict[str, object] = {
        "database_url": database.url_text,
        "resolver": SinkResolver(sink.url, timeout_seconds=10.0),
        "batch_size": 20,
        "lease_seconds": 30.0,
        "poll_seconds": 0.05,
        "policy": RetryPolicy(max_attempts=20, base_seconds=0.05, cap_seconds=0.5),
    }
    values.update(changes)
    return WorkerOptions(**values)  # type: ignore[arg-type]  # test options, checked by the dataclass


def _enqueue(database: TestDatabase, count: int, per_key: int = 4) -> list[str]:
    """`count` messages: count/per_key publicaties with `per_key` ordered updates each; returns message ids."""
    messages = [publicatie_message(f"P-{p:04d}", v) for v in range(per_key) for p in range(count // per_key)]
    with database.transaction() as session:
        for message in messages:
            enqueue(session, message, CORP_A, clock=SYSTEM_CLOCK)
    return [m.message_id for m in messages]


def _delivered(database: TestDatabase) -> int:
    return statuses(database).get("delivered", 0)


def _assert_exactly_once_in_order(sink: Sink, message_ids: list[str], per_key: int) -> None:
    effects = sink.ledger.effects()
    assert len(effects) == len(message_ids)
    assert {e.idempotency_key for e in effects} == set(message_ids)
    for key, delivered in sink.effects_per_key().items():
        assert delivered == [f"msg-{key}-{v}" for v in range(per_key)], key


@pytest.mark.slow
@pytest.mark.postgres
def test_four_worker_processes_deliver_2000_messages_exactly_once(pg_database: TestDatabase, live_sink: Sink) -> None:
    message_ids = _enqueue(pg_database, 2000)
    pool = WorkerPool(_options(pg_database, live_sink), processes=4).start()
    try:
        wait_until(lambda: _delivered(pg_database) == 2000, timeout=180, what="2,000 deliveries", interval=0.25)
    finally:
        exit_codes = pool.stop(timeout=30)
    assert exit_codes == [0, 0, 0, 0]  # a graceful stop
    assert statuses(pg_database) == {"delivered": 2000}
    _assert_exactly_once_in_order(live_sink, message_ids, per_key=4)
    with pg_database.session() as session:
        workers = session.scalars(select(func.count(func.distinct(DeliveryAttempt.worker)))).one()
    assert workers == 4  # all four took part


@pytest.mark.slow
def test_kill_9_in_the_middle_of_a_batch_loses_nothing_and_doubles_nothing(
    database: TestDatabase, live_sink: Sink
) -> None:
    message_ids = _enqueue(database, 40, per_key=2)
    live_sink.delay = 1.5  # the vendor applies each message, then answers late
    options = _options(database, live_sink, batch_size=10, lease_seconds=3.0)
    doomed = WorkerPool(options, processes=1).start()
    try:
        wait_until(lambda: len(live_sink.ledger.effects()) >= 5, timeout=60, what="the first batch to reach the vendor")
        [pid] = doomed.pids
        os.kill(pid, signal.SIGKILL)  # mid-batch: effects applied, outcomes never recorded
        wait_until(lambda: not doomed.pids, timeout=10, what="the worker to die")
    finally:
        doomed.stop(timeout=5)
    with database.session() as session:
        stranded = session.scalar(select(func.count()).where(OutboxMessage.status == "in_flight"))
    assert stranded
    assert stranded >= 5

    live_sink.delay = 0.0
    restarted = WorkerPool(options, processes=2).start()
    try:
        wait_until(lambda: _delivered(database) == 40, timeout=60, what="all 40 deliveries after the restart")
    finally:
        assert restarted.stop(timeout=30) == [0, 0]
    _assert_exactly_once_in_order(live_sink, message_ids, per_key=2)
    assert live_sink.ledger.duplicates() >= 5  # the stranded ones really were delivered twice...
    with database.session() as session:  # ...and the take-over is on record
        lost = session.scalar(select(func.count()).where(DeliveryAttempt.outcome == "lease_expired"))
    assert lost == stranded


@pytest.mark.postgres
def test_workers_recover_when_postgres_drops_their_connections(
    pg_database: TestDatabase, live_sink: Sink, postgres_url: str
) -> None:
    message_ids = _enqueue(pg_database, 300, per_key=3)
    live_sink.delay = 0.01
    pool = WorkerPool(_options(pg_database, live_sink, batch_size=10), processes=2).start()
    pids = list(pool.pids)
    try:
        terminated = 0
        for threshold in (30, 120, 210):

            def reached(count: int = threshold) -> bool:
                return _delivered(pg_database) >= count

            wait_until(reached, timeout=60, what=f"{threshold} deliveries")
            terminated += terminate_connections(postgres_url, pg_database.tag)
        assert terminated >= 2  # the workers' pooled connections were really cut
        wait_until(lambda: _delivered(pg_database) == 300, timeout=90, what="all deliveries after the cuts")
        assert pool.pids == pids  # recovered in place, not by being restarted
    finally:
        assert pool.stop(timeout=30) == [0, 0]
    _assert_exactly_once_in_order(live_sink, message_ids, per_key=3)


@pytest.mark.slow
def test_sigterm_lets_a_worker_finish_its_batch(database: TestDatabase, live_sink: Sink) -> None:
    _enqueue(database, 30, per_key=1)
    live_sink.delay = 1.0
    pool = WorkerPool(_options(database, live_sink, batch_size=10), processes=1).start()
    try:
        wait_until(lambda: len(live_sink.ledger.effects()) >= 10, timeout=60, what="a batch in flight")
        [pid] = pool.pids
        os.kill(pid, signal.SIGTERM)
        wait_until(lambda: not pool.pids, timeout=20, what="the worker to stop")
        assert pool.processes[0] is not None
        assert pool.processes[0].exitcode == 0
    finally:
        pool.stop(timeout=5)
    counts = statuses(database)
    assert counts.get("in_flight", 0) == 0  # the batch it held was recorded before it left
    assert counts["delivered"] == len(live_sink.ledger.effects()) >= 10


def test_the_pool_restarts_a_worker_that_died(database: TestDatabase, live_sink: Sink) -> None:
    pool = WorkerPool(_options(database, live_sink), processes=1).start()
    try:
        wait_until(lambda: len(pool.pids) == 1, timeout=10, what="the worker to start")
        [first] = pool.pids
        os.kill(first, signal.SIGKILL)

        def replaced() -> bool:
            pool.check()  # what `supervise` does every half second
            return bool(pool.pids) and pool.pids != [first]

        wait_until(replaced, timeout=20, what="a replacement worker")
        message_ids = _enqueue(database, 8, per_key=1)
        wait_until(lambda: _delivered(database) == 8, timeout=30, what="delivery by the replacement")
    finally:
        pool.stop(timeout=10)
    assert {e.idempotency_key for e in live_sink.ledger.effects()} == set(message_ids)


RESTART_FLAG = "WOONBRUG_TEST_POSTGRES_RESTART"
# The cluster to restart (`pg_ctlcluster VERSION CLUSTER restart`); the server behind the test URL.
CLUSTER = os.environ.get("WOONBRUG_TEST_POSTGRES_CLUSTER", "main")


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.skipif(
    os.environ.get(RESTART_FLAG) != "1", reason=f"restarts the shared PostgreSQL server; set {RESTART_FLAG}=1"
)
def test_workers_survive_a_real_postgres_restart(pg_database: TestDatabase, live_sink: Sink, postgres_url: str) -> None:
    message_ids = _enqueue(pg_database, 600, per_key=2)
    live_sink.delay = 0.1  # at most ~200 deliveries a second: the restart lands mid-delivery
    url = make_url(postgres_url)
    pool = WorkerPool(_options(pg_database, live_sink, batch_size=10), processes=2).start()

    def delivered_so_far() -> int:
        try:
            return _delivered(pg_database)
        except OperationalError:  # the test's own connection meets the restart too
            return -1

    try:
        wait_until(lambda: delivered_so_far() >= 40, timeout=60, what="some deliveries")
        version = sorted(Path("/etc/postgresql").iterdir())[0].name
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, CLUSTER, "restart"],
            check=True,
            timeout=120,
        )
        ready = ["pg_isready", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-q"]
        wait_until(
            lambda: subprocess.run(ready, check=False).returncode == 0,
            timeout=60,
            what="PostgreSQL to accept connections again",
            interval=0.5,
        )
        assert delivered_so_far() < 600  # the restart really happened mid-delivery
        wait_until(lambda: delivered_so_far() == 600, timeout=120, what="all deliveries after the restart")
        assert len(pool.pids) == 2  # recovered in place
    finally:
        assert pool.stop(timeout=30) == [0, 0]
    _assert_exactly_once_in_order(live_sink, message_ids, per_key=2)
