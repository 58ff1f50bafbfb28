"""Who is calling: API keys, scopes and the tenant, as FastAPI dependencies.

A key arrives as `Authorization: Bearer wbk_...` or `X-API-Key: wbk_...`. Without one, or with one that
is malformed, unknown, wrong, expired or revoked, the answer is 401 with `WWW-Authenticate` (all the
same to the caller, so a guess learns nothing). A key without the scope an endpoint needs gets 403.
Rows of another tenant are not a matter of scopes: services filter them out, and a single one asked for
by id is 404, so that its existence does not leak.

Key rows come through the process's `gateway.api.keystore.KeyStore` (cached for `key_cache_seconds`: a
revoked key stops working within that time); the presented secret is hashed and compared on every
request, cache or not.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from gateway.api.deps import ApiContext
from gateway.api.errors import Forbidden, TooManyRequests, Unauthorized
from gateway.tenants.service import Principal, Role, Scope, parse_key, verify_key

__all__ = ["PRINCIPAL_SCOPE_KEY", "SECURITY", "SECURITY_SCHEMES", "authenticate", "require"]

PRINCIPAL_SCOPE_KEY = "woonbrug.principal"

SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "`Authorization: Bearer wbk_...`"},
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": "`X-API-Key: wbk_...`"},
}
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}, {"apiKey": []}]


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
