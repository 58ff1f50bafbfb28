"""A vendor's webhook call: who is calling, the corporation's adapter parses the body, the inbound
pipeline takes the rest (`gateway.inbound.pipeline`, the same path as the API, the poll and the import).

A call is authenticated per corporation, in one of two ways:
- the corporation's own API key (a corporation key of that tenant with `berichten:write`), or
- an HMAC-SHA256 signature over the exact body, `X-Woonbrug-Signature: sha256=<hex>`, with the
  corporation's webhook secret, which the region file names by environment variable
  (`webhook_secret_env: CORP_A_WEBHOOK_SECRET`).
A call with neither is 401; a key of another tenant is 403 (and a corporation's key on another
corporation's webhook is audited with its real sender); an unknown corporation, or one whose adapter
takes no webhooks, is 404.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from adapters import AdapterError, PermanentError, Transport, UnsupportedOperation
from gateway.api.deps import ApiContext
from gateway.api.errors import Forbidden, NotFound, Unauthorized, Unprocessable
from gateway.api.webhooks.schemas import WebhookOntvangst
from gateway.core.logging import scrub
from gateway.flow.policy import CorporatieConfig
from gateway.inbound.ownership import Channel, Via
from gateway.inbound.pipeline import InboundPipeline, audit_not_owner
from gateway.region import RegionResolver
from gateway.tenants.service import Principal, Role, Scope

__all__ = ["SIGNATURE_HEADER", "receive", "signature"]

SIGNATURE_HEADER = "X-Woonbrug-Signature"
_RESOLVER = "webhook_resolver"


def signature(secret: str, body: bytes) -> str:
    """The signature header value a vendor sends for `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _resolver(ctx: ApiContext) -> RegionResolver:
    resolver = ctx.extras.get(_RESOLVER)
    if not isinstance(resolver, RegionResolver):
        assert ctx.region is not None, "the flow is there, so the region is"
        resolver = RegionResolver(ctx.region)
        ctx.extras[_RESOLVER] = resolver
    return resolver


def _corporatie(ctx: ApiContext, corporatie_id: str) -> CorporatieConfig:
    assert ctx.region is not None
    try:
        return ctx.region.corporatie(corporatie_id)
    except LookupError:
        raise NotFound(f"no corporatie {corporatie_id} takes webhooks here") from None


def _check_caller(
    ctx: ApiContext,
    principal: Principal | None,
    corporatie: CorporatieConfig,
    secret: object,
    body: bytes,
    headers: Mapping[str, str],
) -> None:
    if principal is not None:
        if principal.role is not Role.CORPORATION or Scope.BERICHTEN_WRITE not in principal.scopes:
            raise Forbidden(f"a {principal.role.value} key cannot call a corporation's webhook")
        if principal.tenant != corporatie.id:
            _audit_foreign_call(ctx, principal, corporatie)
            raise Forbidden(f"{principal.tenant}'s key calls only {principal.tenant}'s own webhook")
        return
    given = headers.get(SIGNATURE_HEADER.lower(), "")
    if not isinstance(secret, str) or not secret or not given:
        raise Unauthorized("a webhook call needs the corporation's API key or its signature (X-Woonbrug-Signature)")
    if not hmac.compare_digest(signature(secret, body), given):
        raise Unauthorized("the webhook signature does not match the body", error="invalid_token")


def _audit_foreign_call(ctx: ApiContext, principal: Principal, corporatie: CorporatieConfig) -> None:
    """A corporation's key on another corporation's webhook: kept in the audit log with the real sender."""
    with ctx.db.transaction() as session:
        audit_not_owner(
            session,
            at=ctx.clock.now(),
            sender=principal.tenant,
            detail={"channel": Via.WEBHOOK.value, "target": corporatie.id, "reason": "another corporation's webhook"},
        )


def receive(
    ctx: ApiContext, corporatie_id: str, body: bytes, headers: Mapping[str, str], principal: Principal | None
) -> WebhookOntvangst:
    flow = ctx.flow  # 503 when this process has no region
    corporatie = _corporatie(ctx, corporatie_id)
    resolver = _resolver(ctx)
    lowered = {key.lower(): value for key, value in headers.items()}
    _check_caller(ctx, principal, corporatie, resolver.settings_for(corporatie).get("webhook_secret"), body, lowered)
    try:
        adapter = resolver.for_corporatie(corporatie)
    except Exception:  # a configuration that does not load is the operator's problem, not the caller's
        raise NotFound(f"corporatie {corporatie.id} takes no webhooks (its adapter is not available)") from None
    if Transport.WEBHOOK not in adapter.capabilities.transports:
        raise NotFound(f"corporatie {corporatie.id} takes no webhooks (adapter {corporatie.adapter})")
    try:
        decoded = adapter.parse_webhook(body, lowered)
    except UnsupportedOperation:
        raise NotFound(f"corporatie {corporatie.id} takes no webhooks (adapter {corporatie.adapter})") from None
    except PermanentError as error:
        raise Unauthorized(scrub(error.reason)[:300], error="invalid_token") from None
    except AdapterError as error:
        raise Unprocessable(scrub(error.reason)[:300]) from None
    via = Channel(corporatie.id, Via.WEBHOOK)
    result = InboundPipeline(flow).take(via, decoded, adapter=corporatie.adapter)
    return WebhookOntvangst(
        received=result.received,
        duplicates=result.duplicates,
        rejected=result.rejected,
        not_owner=result.not_owner,
        refused=result.refused_by_flow,
        problems=[str(refusal) for refusal in result.refusals[:100]],
    )
