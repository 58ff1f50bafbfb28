"""Who is calling: API keys, scopes and the tenant, as FastAPI dependencies.

A key arrives as `Authorization: Bearer wbk_...` or `X-API-Key: wbk_...`. Without one, or with one that
is malformed, unknown, wrong, expired or revoked, the answer is 401 with `WWW-Authenticate` (all the
same to the caller, so a guess learns nothing). A key without the scope an endpoint needs gets 403.
Rows of another tenant are not a matter of scopes: services filter them out, and a single one asked for
by id is 404, so that its existence does not leak.

Looked-up keys are cached for `key_cache_seconds` (a revoked key stops working within that time); the
presented secret is hashed and compared on every request, cache or not.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from gateway.api.deps import ApiContext, read_session
from gateway.api.errors import Forbidden, TooManyRequests, Unauthorized
from gateway.store.engine import Database
from gateway.tenants.service import Principal, Role, Scope, StoredKey, find_key, parse_key, verify_key

__all__ = ["PRINCIPAL_SCOPE_KEY", "SECURITY", "SECURITY_SCHEMES", "KeyStore", "authenticate", "require"]

PRINCIPAL_SCOPE_KEY = "woonbrug.principal"

SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "`Authorization: Bearer wbk_...`"},
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": "`X-API-Key: wbk_...`"},
}
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}, {"apiKey": []}]


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
        with read_session(self.db) as session:
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

    def forget(self, key_id: str | None = None) -> None:
        with self._lock:
            if key_id is None:
                self._cache.clear()
            else:
                self._cache.pop(key_id, None)


def _presented(request: Request) -> str | None:
    authorization = request.headers.get("authorization")
    if authorization:
        scheme, _, credentials = authorization.partition(" ")
        if scheme.lower() == "bearer" and credentials:
            return credentials.strip()
    return request.headers.get("x-api-key")


async def authenticate(request: Request) -> Principal:
    """The caller's principal, or 401; then one token from the key's rate-limit bucket, or 429.

    It reads the two headers itself rather than through FastAPI's security classes: this runs on every
    request, and one dependency is cheaper than three. The OpenAPI document declares both schemes
    (`SECURITY_SCHEMES`, added by the app factory)."""
    ctx: ApiContext = request.app.state.context
    text = _presented(request)
    if not text:
        raise Unauthorized("an API key is required (Authorization: Bearer wbk_... or X-API-Key)")
    parsed = parse_key(text)
    if parsed is None:
        raise Unauthorized("the API key is not valid", error="invalid_token")
    key_id, secret = parsed
    stored = await ctx.keys.lookup(key_id)
    if stored is None or not verify_key(stored, secret, ctx.clock.now()):
        raise Unauthorized("the API key is not valid", error="invalid_token")
    wait = ctx.limiter.acquire(key_id)
    if wait > 0:
        raise TooManyRequests(ctx.limiter.retry_after(wait))
    principal = stored.principal
    request.scope[PRINCIPAL_SCOPE_KEY] = principal
    return principal


def require(scope: Scope, *roles: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency: the principal, when its key holds `scope` (and its role is one of `roles`, if given)."""

    async def dependency(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
        if scope not in principal.scopes:
            raise Forbidden(f"this key lacks the scope {scope.value}")
        if roles and principal.role not in roles:
            raise Forbidden(f"a {principal.role.value} key cannot do this")
        return principal

    dependency.__name__ = f"require_{scope.value.replace(':', '_')}"
    return dependency
