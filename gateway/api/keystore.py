"""The API process's cache of API-key rows, so that authenticating a request seldom asks the store.

Looked-up keys are cached for `key_cache_seconds` (a revoked key stops working within that time); answers
that there is no such key are cached too, so guessing ids does not load the store. The presented secret
is not cached: `gateway.api.auth` hashes and compares it on every request. The dashboard signs in through
the same store (it is part of the context the composition root hands it).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool

from gateway.store.engine import Database
from gateway.tenants.service import StoredKey, find_key

__all__ = ["KeyStore"]


class KeyStore:
    """Key rows by id, from the store, with a small time-limited cache (negative answers cached too)."""

    def __init__(self, db: Database, *, ttl: float, size: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.db = db
        self.ttl = ttl
        self.size = size
        self.clock = clock
        self._cache: OrderedDict[str, tuple[float, StoredKey | None]] = OrderedDict()
        self._lock = threading.Lock()

    def cached(self, key_id: str) -> tuple[bool, StoredKey | None]:
        """(hit, key) from the cache alone."""
        if self.ttl <= 0:
            return False, None
        with self._lock:
            entry = self._cache.get(key_id)
            if entry is None or self.clock() - entry[0] > self.ttl:
                return False, None
            return True, entry[1]

    def load(self, key_id: str) -> StoredKey | None:
        """Ask the store (blocking: call it from a worker thread) and remember the answer."""
        with self.db.read_session() as session:
            stored = find_key(session, key_id)
        if self.ttl > 0 and self.size > 0:
            with self._lock:
                self._cache[key_id] = (self.clock(), stored)
                self._cache.move_to_end(key_id)
                while len(self._cache) > self.size:
                    self._cache.popitem(last=False)
        return stored

    async def lookup(self, key_id: str) -> StoredKey | None:
        """The key row: from the cache, else from the store on a worker thread (the event loop never waits)."""
        hit, stored = self.cached(key_id)
        if not hit:
            stored = await run_in_threadpool(self.load, key_id)
        return stored
