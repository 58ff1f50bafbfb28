"""`woonbrug worker`: run the delivery workers that empty the outbox.

`--processes N` starts N supervised OS processes (a dead one is restarted); SIGTERM or Ctrl-C stops
them gracefully, each after recording the batch it holds. `--once` delivers what is due now and exits
(with one process, in this process). Several hosts may run workers against one
PostgreSQL store: they share the work through row locks, and the circuit breakers through the database.

Adapters are found by `--resolver module:attribute` (or WOONBRUG_ADAPTER_RESOLVER); by default, from
the region file: each corporation's adapter with its configuration (WOONBRUG_REGION_FILE).
"""

from __future__ import annotations

import logging
import os
import random
import signal
import tempfile
import threading
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import click

from adapters import Adapter
from gateway.cli.common import open_database
from gateway.core.settings import get_settings
from gateway.delivery.outbox import Destination
from gateway.delivery.worker import WorkerOptions, WorkerPool, run_worker
from gateway.store.engine import Database, is_transient_db_error, redact_url


@dataclass
class RegionAdapters:
    """The default resolver: each corporation's adapter and configuration from the region file.

    Picklable (it loads the region only when first asked), so it can travel into worker processes.
    """

    region_file: str = ""
    _resolver: Any = field(default=None, repr=False, compare=False)

    def __call__(self, destination: Destination) -> Adapter[Any]:
        if self._resolver is None:
            from pathlib import Path

            from gateway.cli.common import region_of
            from gateway.region import RegionResolver

            settings = get_settings()
            self._resolver = RegionResolver(region_of(settings, Path(self.region_file) if self.region_file else None))
        adapter: Adapter[Any] = self._resolver(destination)
        return adapter

    def __getstate__(self) -> dict[str, Any]:
        return {"region_file": self.region_file, "_resolver": None}


@click.command()
@click.option("--processes", "-p", default=1, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
@click.option("--batch-size", type=click.IntRange(1, 1000), help="Messages a worker claims at a time.")
@click.option("--lease-seconds", type=click.FloatRange(min=1.0), help="How long a claim holds.")
@click.option("--resolver", metavar="MODULE:ATTR", help="The callable that builds an adapter for a destination.")
@click.option("--region-file", metavar="PATH", help="Region file for the default resolver.")
@click.option("--metrics-port", type=click.IntRange(1, 65535), help="Serve Prometheus metrics on this port.")
@click.option("--metrics-host", default="127.0.0.1", show_default=True, help="Address the metrics server binds.")
@click.option("--database-url", metavar="URL", help="Store URL (default: WOONBRUG_DATABASE_URL).")
def worker(
    processes: int,
    once: bool,
    batch_size: int | None,
    lease_seconds: float | None,
    resolver: str | None,
    region_file: str | None,
    metrics_port: int | None,
    metrics_host: str,
    database_url: str | None,
) -> None:
    """Deliver the outbox: claim due messages, send them through their adapters, retry, dead-letter."""
    if not logging.getLogger().handlers:
        from gateway.core.logging import configure_logging

        configure_logging(logging.INFO)
    settings = get_settings(database_url=database_url)
    stopping = threading.Event()
    _on_stop_signals(stopping.set)
    database = _wait_for_database(settings.database_url, stopping)
    if database is None:
        click.echo("woonbrug worker: stopped before the database could be reached", err=True)
        return
    options = WorkerOptions.from_settings(
        settings,
        resolver=resolver or settings.adapter_resolver or RegionAdapters(region_file or settings.region_file),
        batch_size=batch_size,
        lease_seconds=lease_seconds,
        once=once,
    )
    in_process = once and processes == 1  # a one-off run needs no supervisor
    if metrics_port is not None:
        _serve_metrics(metrics_host, metrics_port, database, multiprocess=not in_process)
    if in_process:
        asked = threading.Event()
        _on_stop_signals(asked.set)
        run_worker(options, asked.is_set)
        database.dispose()
        return
    pool = WorkerPool(options, processes)
    _on_stop_signals(pool.request_stop)
    pool.start()
    click.echo(f"{processes} worker process(es) started: pids {', '.join(str(pid) for pid in pool.pids)}", err=True)
    pool.supervise()
    database.dispose()


def _wait_for_database(url: str, stopping: threading.Event) -> Database | None:
    """The store, once it can be reached: while it cannot, one line per try and a growing pause (a worker
    started before its database, as an orchestrator often does, waits instead of dying with a traceback).
    None when a stop comes first. A wrong schema is not waited for: that needs `woonbrug db upgrade`."""
    failures = 0
    while not stopping.is_set():
        try:
            return open_database(url)  # checks (or, for SQLite, brings) the schema up to date first
        except click.ClickException:
            raise
        except Exception as error:
            if not is_transient_db_error(error):
                raise
            failures += 1
            pause = min(30.0, 0.5 * 2 ** min(failures - 1, 6)) * (0.75 + random.random() / 4)  # noqa: S311 - jitter
            click.echo(
                f"woonbrug worker: the database at {redact_url(url)} cannot be reached "
                f"({type(error).__name__}); trying again in {pause:.1f}s",
                err=True,
            )
            stopping.wait(pause)
    return None


def _on_stop_signals(stop: Any) -> None:
    def handler(signum: int, _frame: FrameType | None) -> None:
        logging.getLogger(__name__).info("signal %s: stopping after the current round", signum)
        stop()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def _serve_metrics(host: str, port: int, database: Any, *, multiprocess: bool) -> None:
    """Prometheus metrics over HTTP: counters of every worker process, gauges read from the store."""
    from prometheus_client import REGISTRY, CollectorRegistry, start_http_server

    from gateway.delivery.metrics import StoreCollector

    if multiprocess:
        # Workers are spawned after this, so they inherit the directory and write their counters there.
        from prometheus_client import multiprocess as prometheus_multiprocess

        directory = tempfile.mkdtemp(prefix="woonbrug-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
        registry = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]  # unannotated upstream
    else:
        registry = REGISTRY
    registry.register(StoreCollector(database))
    start_http_server(port, addr=host, registry=registry)
