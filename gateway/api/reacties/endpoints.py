"""`/api/v1/reacties` (portal keys only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from gateway.api.auth import require
from gateway.api.common import ID_PATTERN, IdPath
from gateway.api.deps import Context, read_session
from gateway.api.errors import problem_responses
from gateway.api.paging import Page, Paging, dumps, json_response, page_response
from gateway.api.reacties import repository, service
from gateway.api.reacties.schemas import ReactieVerzoek
from gateway.tenants.service import Principal, Role, Scope
from schemas import Kandidaat

router = APIRouter(prefix="/reacties", tags=["reacties"])

Portal = Annotated[Principal, Depends(require(Scope.REACTIES_WRITE, Role.PORTAL))]


@router.post(
    "",
    status_code=201,
    response_model=Kandidaat,
    responses=problem_responses(
        401,
        403,
        404,
        409,
        413,
        415,
        422,
        429,
        also={200: {"description": "Responded before: the same reactie", "model": Kandidaat}},
    ),
    summary="Respond to a listing with a registration",
)
def create_reactie(ctx: Context, principal: Portal, request: ReactieVerzoek) -> Response:
    kandidaat, new = service.respond(ctx, principal, request)
    return json_response(kandidaat, 201 if new else 200)


@router.get(
    "",
    response_model=Page[Kandidaat],
    responses=problem_responses(401, 403, 422, 429),
    summary="This portal's reacties (optionally of one registration)",
)
def list_reacties(
    ctx: Context,
    principal: Portal,
    paging: Paging,
    inschrijving: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
) -> Response:
    with read_session(ctx.db) as session:
        items, total = repository.page_of(session, principal.tenant, inschrijving, paging)
    return page_response([dumps(item) for item in items], paging, total)


@router.delete(
    "/{kandidaat_id}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(401, 403, 404, 409, 422, 429),
    summary="Withdraw a reactie while the listing is open",
)
def delete_reactie(ctx: Context, principal: Portal, kandidaat_id: IdPath) -> Response:
    service.withdraw(ctx, principal, kandidaat_id)
    return Response(status_code=204)
