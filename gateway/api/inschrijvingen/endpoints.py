"""`/api/v1/inschrijvingen` (portal keys only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from gateway.api.auth import require
from gateway.api.common import IdPath
from gateway.api.deps import Context
from gateway.api.errors import problem_responses
from gateway.api.inschrijvingen import service
from gateway.api.paging import json_response
from gateway.tenants.service import Principal, Role, Scope
from schemas import Inschrijving

router = APIRouter(prefix="/inschrijvingen", tags=["inschrijvingen"])

Reader = Annotated[Principal, Depends(require(Scope.INSCHRIJVINGEN_READ, Role.PORTAL))]
Writer = Annotated[Principal, Depends(require(Scope.INSCHRIJVINGEN_WRITE, Role.PORTAL))]


@router.post(
    "",
    status_code=201,
    response_model=Inschrijving,
    responses=problem_responses(401, 403, 409, 413, 415, 422, 429),
    summary="Register a seeker (canonical Inschrijving)",
)
def create_inschrijving(ctx: Context, principal: Writer, inschrijving: Inschrijving) -> Response:
    body = service.create(ctx, principal, inschrijving)
    return json_response(body, 201, headers={"Location": f"{router.prefix}/{inschrijving.id}"})


@router.put(
    "/{inschrijving_id}",
    response_model=Inschrijving,
    responses=problem_responses(
        401, 403, 404, 409, 413, 415, 422, 429, also={201: {"description": "Created", "model": Inschrijving}}
    ),
    summary="Create or replace a seeker's registration",
)
def replace_inschrijving(
    ctx: Context, principal: Writer, inschrijving_id: IdPath, inschrijving: Inschrijving
) -> Response:
    created = service.replace(ctx, principal, inschrijving_id, inschrijving)
    return json_response(service.dump_for(inschrijving, principal.tenant, principal), 201 if created else 200)


@router.get(
    "/{inschrijving_id}",
    response_model=Inschrijving,
    responses=problem_responses(401, 403, 404, 422, 429),
    summary="One of this portal's registrations",
)
def get_inschrijving(ctx: Context, principal: Reader, inschrijving_id: IdPath) -> Response:
    return json_response(service.read(ctx, principal, inschrijving_id))
