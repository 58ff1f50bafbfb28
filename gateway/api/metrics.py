"""Prometheus metrics of the API, served at `/metrics` together with delivery's.

Request counts and latency are labelled by route template (`/api/v1/publicaties/{publicatie_id}`), never
by the path itself, so ids do not become label values. The delivery counters live in the default
registry (gateway.delivery.metrics); the store gauges (`StoreCollector`) are read at scrape time from
this process's database. With `PROMETHEUS_MULTIPROC_DIR` set (several processes), counters are summed
from that directory.
"""

from __future__ import annotations

import logging
import os

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest

from gateway.delivery import metrics as delivery_metrics
from gateway.store.engine import Database

__all__ = ["CONTENT_TYPE_LATEST", "REQUESTS", "REQUEST_SECONDS", "ApiMetrics"]

log = logging.getLogger(__name__)

REQUESTS = Counter("woonbrug_http_requests", "HTTP requests answered", ["method", "route", "status"])
REQUEST_SECONDS = Histogram(
    "woonbrug_http_request_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class ApiMetrics:
    """The scrape output of one API process."""

    def __init__(self, db: Database) -> None:
        # No auto-describe: registering must not query the store (create_app opens nothing).
        self.store = CollectorRegistry(auto_describe=False)
        self.store.register(delivery_metrics.StoreCollector(db))

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        REQUESTS.labels(method, route, str(status)).inc()
        REQUEST_SECONDS.labels(method, route).observe(seconds)

    def render(self) -> bytes:
        """Counters (this process's, or all processes' in multiprocess mode) and the store gauges."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            counters = CollectorRegistry()
            multiprocess.MultiProcessCollector(counters)  # type: ignore[no-untyped-call]
            head = generate_latest(counters)
        else:
            head = generate_latest(REGISTRY)
        try:
            return head + generate_latest(self.store)
        except Exception as error:  # a scrape must still show the counters when the store is away
            log.warning("store gauges unavailable: %s", type(error).__name__)
            return head + b"# store gauges unavailable\n"
