"""Delivery workers: N operating-system processes, each running the dispatch loop.

`WorkerPool` starts the processes with the `spawn` method (a clean interpreter each: no inherited
database connections, event loops or locks) and supervises them: a worker that dies (killed, crashed)
is started again, with a growing pause if it keeps dying at once. Its claims return to the queue when
their lease runs out.

Stopping is graceful: SIGTERM or SIGINT (to the parent, which passes SIGTERM on, or to a worker) lets
each worker finish the round it is in (deliver and record the batch it holds), then exit. A worker that
does not stop within the timeout is killed; its claims come back after the lease. A worker whose parent
died stops by itself.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

from gateway.core.settings import Settings
from gateway.delivery.breaker import BreakerPolicy
from gateway.delivery.dispatch import AdapterResolver, Dispatcher, default_worker_id
from gateway.delivery.resolve import load_resolver
from gateway.delivery.retry import RetryPolicy
from gateway.store.engine import Database

__all__ = ["WorkerOptions", "WorkerPool", "run_worker"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerOptions:
    """Everything a worker process needs; picklable, so it can cross into a spawned process."""

    database_url: str
    resolver: str | AdapterResolver | None = None
    batch_size: int = 20
    max_in_flight: int = 256
    per_destination: int = 64
    lease_seconds: float = 120.0
    poll_seconds: float = 0.5
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    breaker: BreakerPolicy = field(default_factory=BreakerPolicy)
    once: bool = False
    log_level: int = logging.INFO

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> WorkerOptions:
        delivery = settings.delivery
        options = cls(
            database_url=settings.database_url,
            resolver=settings.adapter_resolver,
            batch_size=delivery.batch_size,
            max_in_flight=delivery.max_in_flight,
            per_destination=delivery.per_destination,
            lease_seconds=delivery.lease_seconds,
            poll_seconds=delivery.poll_seconds,
            policy=RetryPolicy.from_settings(delivery),
            breaker=BreakerPolicy.from_settings(delivery),
        )
        return replace(options, **{key: value for key, value in overrides.items() if value is not None})


def run_worker(options: WorkerOptions, should_stop: Callable[[], bool], *, worker_id: str | None = None) -> None:
    """Run one dispatch loop in this process until `should_stop()` (or, with `once`, until idle)."""
    database = Database(options.database_url, application_name="woonbrug-worker")
    dispatcher = Dispatcher(
        database,
        load_resolver(options.resolver),
        worker_id=worker_id or default_worker_id(),
        policy=options.policy,
        breaker_policy=options.breaker,
        lease_seconds=options.lease_seconds,
        batch_size=options.batch_size,
        max_in_flight=options.max_in_flight,
        per_destination=options.per_destination,
    )

    async def loop() -> None:
        try:
            await dispatcher.run(should_stop, poll_seconds=options.poll_seconds, once=options.once)
        finally:
            await dispatcher.aclose()

    log.info("worker %s started", dispatcher.worker_id)
    try:
        asyncio.run(loop())
    finally:
        database.dispose()
        log.info("worker %s stopped", dispatcher.worker_id)


def _worker_process(options: WorkerOptions, index: int) -> None:
    """Entry point of a spawned worker process.

    It stops on SIGTERM or SIGINT (the pool sends SIGTERM; Ctrl-C reaches the whole process group), and
    when its parent is gone. No lock is shared with the parent: a parent killed while holding one would
    leave its workers waiting forever.
    """
    asked = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        asked.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    parent = os.getppid()
    if not logging.getLogger().handlers:
        # The same JSON lines and personal-data filter as the rest of the gateway.
        from gateway.core.logging import configure_logging

        configure_logging(options.log_level)
    run_worker(options, lambda: asked.is_set() or os.getppid() != parent)


class WorkerPool:
    """N supervised worker processes."""

    def __init__(self, options: WorkerOptions, processes: int = 1) -> None:
        if processes < 1:
            raise ValueError("a worker pool needs at least one process")
        self.options = options
        self.size = processes
        self._context = multiprocessing.get_context("spawn")
        self.stop_event = threading.Event()  # the parent's own; workers are told by signal
        self.processes: list[BaseProcess | None] = [None] * processes
        self._started_at = [0.0] * processes
        self._quick_deaths = [0] * processes
        self._restart_after = [0.0] * processes

    def _spawn(self, index: int) -> BaseProcess:
        process = self._context.Process(
            target=_worker_process,
            args=(self.options, index),
            name=f"woonbrug-worker-{index}",
            daemon=False,
        )
        process.start()
        self.processes[index] = process
        self._started_at[index] = time.monotonic()
        return process

    def start(self) -> WorkerPool:
        for index in range(self.size):
            self._spawn(index)
        return self

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes if p is not None and p.pid is not None and p.is_alive()]

    def request_stop(self) -> None:
        self.stop_event.set()

    def check(self) -> None:
        """Restart workers that died (unless stopping, or a `once` worker that finished cleanly)."""
        now = time.monotonic()
        for index, process in enumerate(self.processes):
            if process is None or process.is_alive() or self.stop_event.is_set():
                continue
            if self.options.once and process.exitcode == 0:
                continue
            if self._restart_after[index] == 0.0:
                quick = now - self._started_at[index] < 5.0
                self._quick_deaths[index] = self._quick_deaths[index] + 1 if quick else 0
                pause = min(30.0, 0.5 * 2 ** self._quick_deaths[index]) if quick else 0.0
                self._restart_after[index] = now + pause
                log.warning("worker %d exited with %s; restarting in %.1fs", index, process.exitcode, pause)
            if now >= self._restart_after[index]:
                self._restart_after[index] = 0.0
                process.close()
                self._spawn(index)

    def finished(self) -> bool:
        """In `once` mode: every worker exited cleanly."""
        return all(p is not None and not p.is_alive() and p.exitcode == 0 for p in self.processes)

    def supervise(self, poll_seconds: float = 0.5) -> None:
        """Block until a stop is asked for (or, in `once` mode, all workers finished), then stop."""
        try:
            while not self.stop_event.is_set():
                self.check()
                if self.options.once and self.finished():
                    break
                self.stop_event.wait(poll_seconds)
        finally:
            self.stop()

    def stop(self, timeout: float = 30.0) -> list[int | None]:
        """Ask every worker to stop (SIGTERM: finish the round, then exit), wait up to `timeout`, then kill
        stragglers. Returns the exit codes (0 for a graceful stop)."""
        self.stop_event.set()
        for process in self.processes:
            if process is not None and process.is_alive():
                process.terminate()  # SIGTERM, which a worker takes as "stop after this round"
        deadline = time.monotonic() + timeout
        for process in self.processes:
            if process is not None:
                process.join(max(0.0, deadline - time.monotonic()))
        for process in self.processes:
            if process is not None and process.is_alive():
                log.warning("worker %s did not stop within %.0fs; killing it", process.pid, timeout)
                process.kill()
                process.join()
        return [p.exitcode if p is not None else None for p in self.processes]
