"""What the dashboard needs from the process it runs in, declared here so that the dashboard does not import
the API.

The composition root (`gateway.server`) hands the dashboard the API's context (`gateway.api.deps.ApiContext`),
which has all of this: the store, the region, the clock, the key lookups and the request metrics. Any other
object with these members would do as well (a test may build a smaller one).
"""

from __future__ import annotations

from typing import Protocol

from gateway.core.clock import Clock
from gateway.flow.policy import RegionConfig
from gateway.store.engine import Database
from gateway.tenants.service import StoredKey

__all__ = ["DashboardContext", "KeyLookup", "RequestMetrics"]


class KeyLookup(Protocol):
    """The key store the API authenticates with, so that a sign-in is checked exactly as an API call is."""

    async def lookup(self, key_id: str) -> StoredKey | None:
        """The key row, from a short-lived cache or the store (revocation is seen within the cache's time)."""
        ...

    def load(self, key_id: str) -> StoredKey | None:
        """The key row, always from the store (blocking: call it from a worker thread)."""
        ...


class RequestMetrics(Protocol):
    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request under its route template."""
        ...


class DashboardContext(Protocol):
    @property
    def db(self) -> Database: ...

    @property
    def region(self) -> RegionConfig | None: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def keys(self) -> KeyLookup: ...

    @property
    def metrics(self) -> RequestMetrics: ...
