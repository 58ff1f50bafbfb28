"""Delivery at scale: the outbox end to end against a local receiver, each figure beside a baseline of the
same run.

Figures (all in one run, bounded to a few minutes):
- throughput through the outbox, SQLite with 1 worker and PostgreSQL with 1 and 4 worker processes
  (`WorkerPool`, what `woonbrug worker --processes N` runs), beside the ceiling: a bare
  `httpx.AsyncClient` posting the same messages (same JSON bodies, same Idempotency-Key header) to the
  same receiver with the same concurrency (`per_destination` at once), no store. Targets: PostgreSQL
  4 workers >= 1,000 msg/s and >= 0.7x the ceiling; SQLite 1 worker >= 500 msg/s.
- worker CPU per delivered message (the worker processes' own CPU time, from psutil, while the measured
  messages were delivered), beside the bare client's CPU per message. Target <= 1.5 ms.
- p50 / p99 enqueue-to-delivered latency (`delivered_at - created_at` in the store), in the details.
- claim time with 50,000 messages queued behind an open breaker, beside the same claim with no backlog.
  Target <= 5 ms.
- throughput of a fast destination while another answers in 2 s, beside the fast one alone. Target >= 80%.

The receiver is the delivery tests' simulator (tests/delivery/sink.py), a Starlette app under uvicorn
on 127.0.0.1 in a process of its own, recording each effect in a Ledger (one per idempotency key); the
duplicates it saw are in the details (0 expected). `WOONBRUG_BENCH_DELIVERY_MESSAGES` sets N (default
3,000); PostgreSQL is `WOONBRUG_TEST_POSTGRES_URL` (default the local `test` database), its figures left
out when unreachable.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx
import psutil
from sqlalchemy import func, insert, select

from benchmarks.harness import Result
from gateway.core.clock import SYSTEM_CLOCK
from gateway.delivery import BreakerPolicy, Destination, Dispatcher, RetryPolicy, WorkerOptions, WorkerPool, enqueue
from gateway.store import OutboxMessage
from gateway.store.models import CIRCUIT_BREAKERS, OUTBOX
from schemas import Message
from tests.delivery.builders import publicatie_message
from tests.delivery.sink import Sink, SinkAdapter, SinkConfig
from tests.store.databases import TestDatabase, postgres_database, sqlite_database

MESSAGES = int(os.environ.get("WOONBRUG_BENCH_DELIVERY_MESSAGES", "3000"))
POSTGRES_URL = os.environ.get("WOONBRUG_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BATCH = 100
PER_DESTINATION = 64
BACKLOG = 50_000
FAST = Destination("corp-a", "test-sink")
SLOW = Destination("corp-slow", "test-sink")


@dataclass(frozen=True)
class RoutedSinkResolver:
    """A `SinkAdapter` per destination, each with one pooled client sized to the per-destination limit;
    the slow corporation goes to the slow receiver. Picklable, for worker processes."""

    fast_url: str
    slow_url: str

    def __call__(self, destination: Destination) -> SinkAdapter:
        url = self.slow_url if destination == SLOW else self.fast_url
        client = httpx.AsyncClient(
            timeout=httpx.Timeout(30.0, connect=5.0),
            limits=httpx.Limits(max_connections=PER_DESTINATION, max_keepalive_connections=PER_DESTINATION),
        )
        return SinkAdapter(SinkConfig(base_url=url, timeout_seconds=30.0), client=client)


def _messages(prefix: str, count: int) -> list[Message]:
    return [publicatie_message(f"{prefix}-{index:06d}") for index in range(count)]


def ceiling(url: str, count: int) -> tuple[float, float]:
    """Messages per second and CPU ms per message of a bare AsyncClient, `PER_DESTINATION` at once."""
    bodies = [(m.message_id, m.model_dump_json().encode()) for m in _messages("C", count)]

    async def send_all() -> float:
        limits = httpx.Limits(max_connections=PER_DESTINATION, max_keepalive_connections=PER_DESTINATION)
        async with httpx.AsyncClient(limits=limits, timeout=30.0) as client:
            gate = asyncio.Semaphore(PER_DESTINATION)

            async def post(key: str, body: bytes) -> None:
                async with gate:
                    answer = await client.post(
                        f"{url}/messages",
                        content=body,
                        headers={"Content-Type": "application/json", "Idempotency-Key": key},
                    )
                    answer.raise_for_status()

            start = time.perf_counter()
            await asyncio.gather(*(post(key, body) for key, body in bodies))
            return time.perf_counter() - start

    cpu_before = time.process_time()
    seconds = asyncio.run(send_all())
    return count / seconds, (time.process_time() - cpu_before) * 1000 / count


def _delivered(database: TestDatabase, endpoint: str | None = None) -> int:
    query = select(func.count()).where(OutboxMessage.status == "delivered")
    if endpoint is not None:
        query = query.where(OutboxMessage.endpoint == endpoint)
    with database.session() as session:
        return session.scalar(query) or 0


def _wait_for(count: Callable[[], int], wanted: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while count() < wanted:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {count()} of {wanted} delivered after {timeout}s")
        time.sleep(0.02)


def _enqueue(database: TestDatabase, messages: list[Message], destination: Destination = FAST) -> None:
    with database.transaction() as session:
        for message in messages:
            enqueue(session, message, destination, clock=SYSTEM_CLOCK)


def _cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        times = psutil.Process(pid).cpu_times()
        total += times.user + times.system
    return total


def _latencies_ms(database: TestDatabase, prefix: str) -> list[float]:
    with database.session() as session:
        rows = session.execute(
            select(OutboxMessage.created_at, OutboxMessage.delivered_at).where(
                OutboxMessage.message_id.like(f"msg-{prefix}-%"), OutboxMessage.status == "delivered"
            )
        ).all()
    return sorted((row.delivered_at - row.created_at).total_seconds() * 1000 for row in rows)


def _options(database: TestDatabase, resolver: RoutedSinkResolver) -> WorkerOptions:
    return WorkerOptions(
        database_url=database.url_text,
        resolver=resolver,
        batch_size=BATCH,
        per_destination=PER_DESTINATION,
        max_in_flight=4 * PER_DESTINATION,
        lease_seconds=60.0,
        poll_seconds=0.02,
        policy=RetryPolicy(max_attempts=20, base_seconds=0.05, cap_seconds=1.0),
    )


def outbox_rate(
    database: TestDatabase, sinks: RemoteSinks, workers: int, count: int
) -> tuple[float, float, dict[str, Any]]:
    """Messages per second from the enqueue commit to the last delivery, worker CPU ms per message."""
    duplicates_before = sinks.duplicates()
    pool = WorkerPool(_options(database, sinks.resolver), processes=workers).start()
    try:
        warm_up = _messages(f"W{workers}{database.dialect[0]}", workers * 50)
        _enqueue(database, warm_up)
        _wait_for(lambda: _delivered(database), len(warm_up), timeout=120)

        prefix = f"M{workers}{database.dialect[0]}"
        messages = _messages(prefix, count)
        pids = pool.pids
        cpu_before = _cpu_seconds(pids)
        started = time.perf_counter()
        _enqueue(database, messages)
        committed = time.perf_counter()
        _wait_for(lambda: _delivered(database), len(warm_up) + count, timeout=600)
        finished = time.perf_counter()
        cpu_ms = (_cpu_seconds(pids) - cpu_before) * 1000 / count
    finally:
        pool.stop(timeout=30)
    seconds = finished - committed
    latencies = _latencies_ms(database, prefix)
    return (
        count / seconds,
        cpu_ms,
        {
            "messages": count,
            "workers": workers,
            "seconds": round(seconds, 3),
            "enqueue_ms_per_message": round((committed - started) * 1000 / count, 3),
            "latency_p50_ms": round(statistics.median(latencies), 1),
            "latency_p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 1),
            "receiver_duplicates": sinks.duplicates() - duplicates_before,
        },
    )


def claim_ms(database: TestDatabase, resolver: RoutedSinkResolver, *, backlog: int) -> float:
    """Median time of one claim (rolled back, so every try sees the same queue) with `backlog` messages
    due behind an open breaker and a few due for a healthy destination."""
    now = SYSTEM_CLOCK.now()
    payload = publicatie_message("B-0").model_dump(mode="json")

    def rows(destination: Destination, start: int, count: int) -> list[dict[str, Any]]:
        return [
            {
                "message_id": f"bl-{destination.corporation}-{start + i}",
                "idempotency_key": f"bl-{destination.corporation}-{start + i}",
                "generation": 0,
                "type": "publicatie.aangeboden",
                "corporation": destination.corporation,
                "adapter": destination.adapter,
                "endpoint": destination.endpoint,
                "ordering_key": f"bl-{start + i}",
                "business_key": f"bl-{start + i}",
                "correlation_id": "bench",
                "payload": payload,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now - timedelta(seconds=1),
                "created_at": now,
                "updated_at": now,
            }
            for i in range(count)
        ]

    with database.transaction() as session:
        for start in range(0, backlog, 5000):
            session.execute(insert(OUTBOX), rows(SLOW, start, min(5000, backlog - start)))
        session.execute(insert(OUTBOX), rows(FAST, 0, BATCH))
        if backlog:
            session.execute(
                insert(CIRCUIT_BREAKERS).values(
                    endpoint=SLOW.endpoint,
                    state="open",
                    failures=5,
                    opened_until=now + timedelta(hours=1),
                    updated_at=now,
                )
            )
    if database.dialect == "postgresql":
        with database.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE outbox")
            connection.commit()
    dispatcher = Dispatcher(database, resolver, batch_size=BATCH, breaker_policy=BreakerPolicy())
    times = []
    for _ in range(15):
        with database.session() as session:
            began = time.perf_counter()
            claims = dispatcher._claim_in(session, BATCH, {})
            times.append(time.perf_counter() - began)
            session.rollback()
        assert len(claims) == BATCH, len(claims)
    return statistics.median(times) * 1000


def fast_beside_slow(database: TestDatabase, sinks: RemoteSinks, count: int) -> tuple[float, float]:
    """Fast destination msg/s alone, then while a destination answering in 2 s has a backlog too."""
    rates = []
    for with_slow in (False, True):
        pool = WorkerPool(_options(database, sinks.resolver), processes=1).start()
        try:
            tag = "S" if with_slow else "A"
            warm_up = _messages(f"FW{tag}", 50)
            _enqueue(database, warm_up)
            _wait_for(lambda: _delivered(database, FAST.endpoint), len(warm_up), timeout=120)
            if with_slow:
                _enqueue(database, _messages("SLOW", 1000), SLOW)
            before = _delivered(database, FAST.endpoint)
            _enqueue(database, _messages(f"F{tag}", count))
            started = time.perf_counter()
            _wait_for(lambda: _delivered(database, FAST.endpoint), before + count, timeout=600)
            rates.append(count / (time.perf_counter() - started))
        finally:
            pool.stop(timeout=30)
    return rates[0], rates[1]


def _postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3):
            return True
    except Exception:
        return False


def run() -> list[Result]:
    results: list[Result] = []
    kinds: list[tuple[str, Callable[[], AbstractContextManager[TestDatabase]], tuple[int, ...]]] = [
        ("SQLite", lambda: sqlite_database(Path(tempfile.mkdtemp())), (1,))
    ]
    if _postgres_reachable():
        kinds.append(("PostgreSQL", lambda: postgres_database(POSTGRES_URL), (1, 4)))
    else:
        print(f"bench_delivery: PostgreSQL not reachable at {POSTGRES_URL}; its figures are left out", file=sys.stderr)
    with _running_sinks() as sinks:
        top_rate, top_cpu = ceiling(sinks.fast_url, MESSAGES)
        baseline = f"bare httpx.AsyncClient, {PER_DESTINATION} at once, no store"
        for label, open_database, worker_counts in kinds:
            for workers in worker_counts:
                with open_database() as database:
                    rate, cpu_ms, details = outbox_rate(database, sinks, workers, MESSAGES)
                plural = "s" if workers > 1 else ""
                limit = {("PostgreSQL", 4): 1000.0, ("SQLite", 1): 500.0}.get((label, workers))
                results.append(
                    Result(
                        name=f"delivery through the outbox, {label}, {workers} worker{plural}",
                        unit="msg/s",
                        figure=rate,
                        baseline_name=baseline,
                        baseline=top_rate,
                        target=0.7 if (label, workers) == ("PostgreSQL", 4) else None,
                        limit=limit,
                        details=details,
                    )
                )
                results.append(
                    Result(
                        name=f"worker CPU per delivered message, {label}, {workers} worker{plural}",
                        unit="ms",
                        figure=cpu_ms,
                        baseline_name="bare client CPU per message",
                        baseline=top_cpu,
                        higher_is_better=False,
                        limit=1.5,
                    )
                )
        label, open_database, _ = kinds[-1]
        with open_database() as database:
            empty = claim_ms(database, sinks.resolver, backlog=0)
        with open_database() as database:
            full = claim_ms(database, sinks.resolver, backlog=BACKLOG)
        results.append(
            Result(
                name=f"claim of {BATCH} with {BACKLOG:,} queued behind an open breaker, {label}",
                unit="ms",
                figure=full,
                baseline_name="the same claim with no backlog",
                baseline=empty,
                higher_is_better=False,
                limit=5.0,
            )
        )
        with open_database() as database:
            alone, beside = fast_beside_slow(database, sinks, min(MESSAGES, 2000))
        results.append(
            Result(
                name=f"fast destination while another answers in 2 s, {label}, 1 worker",
                unit="msg/s",
                figure=beside,
                baseline_name="the fast destination alone",
                baseline=alone,
                target=0.8,
            )
        )
    return results


class RemoteSinks:
    """The receivers (a fast one, one answering in 2 s) in a process of their own, so their HTTP serving
    does not share a GIL with the benchmark."""

    def __init__(self, fast_url: str, slow_url: str) -> None:
        self.fast_url = fast_url
        self.slow_url = slow_url
        self.resolver = RoutedSinkResolver(fast_url, slow_url)

    def duplicates(self) -> int:
        return int(httpx.get(f"{self.fast_url}/_sim/received", timeout=30).json()["duplicates"])


def _serve_sinks(connection: Connection) -> None:
    fast = Sink().start()
    slow = Sink(delay=2.0).start()
    connection.send((fast.url, slow.url))
    connection.recv()  # until told to stop
    fast.stop()
    slow.stop()


@contextmanager
def _running_sinks() -> Iterator[RemoteSinks]:
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=_serve_sinks, args=(theirs,), name="bench-sinks", daemon=True)
    process.start()
    try:
        yield RemoteSinks(*ours.recv())
    finally:
        ours.send("stop")
        process.join(10)
        if process.is_alive():
            process.terminate()


if __name__ == "__main__":
    for result in run():
        print(
            f"{result.name}: {result.figure:,.2f} {result.unit} "
            f"(baseline {result.baseline:,.2f}, {result.ratio:.2f}x) {result.details or ''}"
        )
