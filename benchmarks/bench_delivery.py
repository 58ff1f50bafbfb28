"""Delivery throughput: messages per second end to end through the outbox to a local simulator.

Figures: the outbox on SQLite and on PostgreSQL, with 1 and with 4 worker processes (`WorkerPool`,
exactly what `woonbrug worker --processes N` runs). The workers are started and warmed up first; then
N messages are enqueued in one transaction, and the clock runs from that commit until the store shows
all N delivered. Each message is claimed, delivered over HTTP with its idempotency key, and recorded
(status, attempt row, audit entry) — the full at-least-once path with per-key ordering checks.

Baseline (same run, same simulator, same adapter): `adapter.deliver` called directly, 20 at a time
(one worker's batch), with no store at all — the ceiling of the HTTP path in this process.

The simulator is the delivery tests' (tests/delivery/sink.py): a Starlette app under uvicorn on
127.0.0.1, in a process of its own, recording each effect in a Ledger (one per idempotency key). There is no target:
these are figures to watch. `WOONBRUG_BENCH_DELIVERY_MESSAGES` sets N (default 2,000);
PostgreSQL is `WOONBRUG_TEST_POSTGRES_URL` (default the local `test` database), skipped if unreachable.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from benchmarks.harness import Result
from gateway.core.clock import SYSTEM_CLOCK
from gateway.delivery import Destination, RetryPolicy, WorkerOptions, WorkerPool, enqueue
from gateway.store import OutboxMessage
from schemas import Message
from tests.delivery.builders import publicatie_message
from tests.delivery.sink import Sink, SinkResolver
from tests.store.databases import TestDatabase, postgres_database, sqlite_database

MESSAGES = int(os.environ.get("WOONBRUG_BENCH_DELIVERY_MESSAGES", "2000"))
POSTGRES_URL = os.environ.get("WOONBRUG_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BATCH = 20
DESTINATION = Destination("corp-a", "test-sink")
BASELINE = f"direct adapter.deliver, {BATCH} at a time, no store"


def _messages(prefix: str, count: int) -> list[Message]:
    return [publicatie_message(f"{prefix}-{index:06d}") for index in range(count)]


def direct_rate(sink: RemoteSink, count: int) -> float:
    """Messages per second through `adapter.deliver` alone."""
    messages = _messages("D", count)

    async def send_all() -> float:
        adapter = SinkResolver(sink.url)(DESTINATION)
        try:
            start = time.perf_counter()
            for offset in range(0, count, BATCH):
                chunk = messages[offset : offset + BATCH]
                await asyncio.gather(*(adapter.deliver(m, idempotency_key=m.message_id) for m in chunk))
            return count / (time.perf_counter() - start)
        finally:
            await adapter.aclose()

    return asyncio.run(send_all())


def _delivered(database: TestDatabase) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).where(OutboxMessage.status == "delivered")) or 0


def _wait_for(database: TestDatabase, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while _delivered(database) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {_delivered(database)} of {count} delivered after {timeout}s")
        time.sleep(0.02)


def outbox_rate(database: TestDatabase, sink: RemoteSink, workers: int, count: int) -> tuple[float, dict[str, Any]]:
    """Messages per second from the enqueue commit to the last delivery, with `workers` processes."""
    options = WorkerOptions(
        database_url=database.url_text,
        resolver=SinkResolver(sink.url),
        batch_size=BATCH,
        lease_seconds=60.0,
        poll_seconds=0.02,
        policy=RetryPolicy(max_attempts=20, base_seconds=0.05, cap_seconds=1.0),
    )
    duplicates_before = sink.duplicates()
    pool = WorkerPool(options, processes=workers).start()
    try:
        warm_up = _messages(f"W{workers}{database.dialect[0]}", workers * 2)
        with database.transaction() as session:
            for message in warm_up:
                enqueue(session, message, DESTINATION, clock=SYSTEM_CLOCK)
        _wait_for(database, len(warm_up), timeout=120)

        messages = _messages(f"M{workers}{database.dialect[0]}", count)
        started = time.perf_counter()
        with database.transaction() as session:
            for message in messages:
                enqueue(session, message, DESTINATION, clock=SYSTEM_CLOCK)
        committed = time.perf_counter()
        _wait_for(database, len(warm_up) + count, timeout=600)
        finished = time.perf_counter()
    finally:
        pool.stop(timeout=30)
    seconds = finished - committed
    return count / seconds, {
        "messages": count,
        "workers": workers,
        "seconds": round(seconds, 3),
        "enqueue_ms_per_message": round((committed - started) * 1000 / count, 3),
        "receiver_duplicates": sink.duplicates() - duplicates_before,
    }


def _postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3):
            return True
    except Exception:
        return False


def run() -> list[Result]:
    results: list[Result] = []
    with _running_sink() as sink:
        baseline = direct_rate(sink, MESSAGES)
        kinds: list[tuple[str, Any]] = [("SQLite", lambda: sqlite_database(Path(tempfile.mkdtemp())))]
        if _postgres_reachable():
            kinds.append(("PostgreSQL", lambda: postgres_database(POSTGRES_URL)))
        else:
            print(
                f"bench_delivery: PostgreSQL not reachable at {POSTGRES_URL}; its figures are left out", file=sys.stderr
            )
        for label, open_database in kinds:
            for workers in (1, 4):
                context: AbstractContextManager[TestDatabase] = open_database()
                with context as database:
                    rate, details = outbox_rate(database, sink, workers, MESSAGES)
                results.append(
                    Result(
                        name=f"delivery through the outbox, {label}, {workers} worker{'s' if workers > 1 else ''}",
                        unit="msg/s",
                        figure=rate,
                        baseline_name=BASELINE,
                        baseline=baseline,
                        details=details,
                    )
                )
    return results


class RemoteSink:
    """The simulator in a process of its own, so its HTTP serving does not share a GIL with the benchmark."""

    def __init__(self, url: str) -> None:
        self.url = url

    def duplicates(self) -> int:
        return int(httpx.get(f"{self.url}/_sim/received", timeout=30).json()["duplicates"])

    def effects(self) -> int:
        return int(httpx.get(f"{self.url}/_sim/received", timeout=30).json()["count"])


def _serve_sink(connection: Connection) -> None:
    sink = Sink().start()
    connection.send(sink.url)
    connection.recv()  # until told to stop
    sink.stop()


@contextmanager
def _running_sink() -> Iterator[RemoteSink]:
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=_serve_sink, args=(theirs,), name="bench-sink", daemon=True)
    process.start()
    try:
        yield RemoteSink(ours.recv())
    finally:
        ours.send("stop")
        process.join(10)
        if process.is_alive():
            process.terminate()


if __name__ == "__main__":
    for result in run():
        print(
            f"{result.name}: {result.figure:,.0f} {result.unit} (baseline {result.baseline:,.0f}, {result.ratio:.2f}x)"
        )
