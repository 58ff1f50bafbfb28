"""Rules for registrations: only the portal that supplied one sees or changes it, and only it gets the BSN.

A registration's personal values are taught to the log scrubber (`KNOWN_VALUES`) as they pass, so that
even a careless log line elsewhere cannot carry them out.
"""

from __future__ import annotations

from typing import Any

from gateway.api.deps import ApiContext, read_session
from gateway.api.errors import Conflict, NotFound, ProblemError, Unprocessable
from gateway.api.inschrijvingen import repository
from gateway.core.logging import KNOWN_VALUES
from gateway.tenants.service import Principal
from schemas import INCLUDE_BSN, Inschrijving
from schemas.privacy import personal_values

__all__ = ["create", "dump_for", "read", "replace"]

NOT_FOUND = "there is no inschrijving with this id"


def dump_for(inschrijving: Inschrijving, portal: str, principal: Principal) -> dict[str, Any]:
    """The registration as JSON for `principal`: with the BSN only when it is the supplying portal."""
    context = INCLUDE_BSN if principal.tenant == portal else None
    return inschrijving.model_dump(mode="json", context=context)


def create(ctx: ApiContext, principal: Principal, inschrijving: Inschrijving) -> dict[str, Any]:
    KNOWN_VALUES.learn(personal_values(inschrijving))
    with read_session(ctx.db) as session:
        if repository.get(session, inschrijving.id) is not None:
            raise Conflict("an inschrijving with this id exists; a portal changes its own with PUT")
    ctx.flow.register(inschrijving, portal=principal.tenant)
    return dump_for(inschrijving, principal.tenant, principal)


def replace(ctx: ApiContext, principal: Principal, inschrijving_id: str, inschrijving: Inschrijving) -> bool:
    """Store the new version; True when it was created. Another portal's id is 404."""
    if inschrijving.id != inschrijving_id:
        raise Unprocessable(
            "the body's id differs from the id in the path",
            errors=[ProblemError(loc="body.id", msg="must equal the id in the path", type="value_error")],
        )
    KNOWN_VALUES.learn(personal_values(inschrijving))
    with read_session(ctx.db) as session:
        record = repository.get(session, inschrijving_id)
        if record is not None and record.portal != principal.tenant:
            raise NotFound(NOT_FOUND)
    ctx.flow.register(inschrijving, portal=principal.tenant)
    return record is None


def read(ctx: ApiContext, principal: Principal, inschrijving_id: str) -> dict[str, Any]:
    with read_session(ctx.db) as session:
        record = repository.get(session, inschrijving_id)
        if record is None or record.portal != principal.tenant:
            raise NotFound(NOT_FOUND)
        portal, document = record.portal, record.document
    inschrijving = Inschrijving.model_validate(document)
    KNOWN_VALUES.learn(personal_values(inschrijving))
    return dump_for(inschrijving, portal, principal)
