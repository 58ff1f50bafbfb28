"""Rules for responses: a portal acts only for its own registrations; unknown and foreign ids are 404."""

from __future__ import annotations

from typing import Any

from gateway.api.deps import ApiContext, read_session
from gateway.api.errors import NotFound
from gateway.api.reacties import repository
from gateway.api.reacties.schemas import ReactieVerzoek
from gateway.tenants.service import Principal

__all__ = ["respond", "withdraw"]


def respond(ctx: ApiContext, principal: Principal, request: ReactieVerzoek) -> tuple[dict[str, Any], bool]:
    """The Kandidaat (status REA) and whether it is new; responding twice gives the same one."""
    with read_session(ctx.db) as session:
        if not repository.owned_inschrijving(session, request.inschrijving, principal.tenant):
            raise NotFound("there is no inschrijving with this id")
        if not repository.publicatie_exists(session, request.publicatie):
            raise NotFound("there is no publicatie with this id")
        seen = repository.existing(session, request.publicatie, request.inschrijving)
    kandidaat = ctx.flow.respond(request.publicatie, request.inschrijving, portal=principal.tenant)
    return kandidaat.model_dump(mode="json"), not seen


def withdraw(ctx: ApiContext, principal: Principal, kandidaat_id: str) -> None:
    with read_session(ctx.db) as session:
        if not repository.owned_kandidaat(session, kandidaat_id, principal.tenant):
            raise NotFound("there is no reactie with this id")
    ctx.flow.withdraw_response(kandidaat_id, portal=principal.tenant)
