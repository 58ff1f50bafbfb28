"""Answers to offers: only the portal of the offered registration may accept or decline; the flow decides
the rest (the next candidate, the allocation, the sanction after too many refusals)."""

from __future__ import annotations

from gateway.api.aanbiedingen import repository
from gateway.api.deps import ApiContext, read_session
from gateway.api.errors import NotFound
from gateway.tenants.service import Principal
from schemas import AanbiedingDetailStatus

__all__ = ["accept", "decline", "read"]

NOT_FOUND = "there is no aanbieding with this id"


def read(ctx: ApiContext, principal: Principal, aanbieding_id: str) -> str:
    with read_session(ctx.db) as session:
        document = repository.document_of(session, aanbieding_id, principal)
    if document is None:
        raise NotFound(NOT_FOUND)
    return document


def accept(ctx: ApiContext, principal: Principal, aanbieding_id: str) -> str:
    read(ctx, principal, aanbieding_id)
    ctx.flow.accept(aanbieding_id, portal=principal.tenant)
    return read(ctx, principal, aanbieding_id)


def decline(ctx: ApiContext, principal: Principal, aanbieding_id: str, reden: str) -> str:
    read(ctx, principal, aanbieding_id)
    ctx.flow.refuse(aanbieding_id, AanbiedingDetailStatus.from_code(reden), portal=principal.tenant)
    return read(ctx, principal, aanbieding_id)
