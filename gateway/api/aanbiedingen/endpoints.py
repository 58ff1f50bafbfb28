"""`/api/v1/aanbiedingen`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from gateway.api.aanbiedingen import repository, service
from gateway.api.aanbiedingen.schemas import Weigering
from gateway.api.auth import require
from gateway.api.common import ID_PATTERN, IdPath, check_code, code_enum
from gateway.api.deps import Context, read_session
from gateway.api.errors import problem_responses
from gateway.api.paging import Page, Paging, json_response, page_response
from gateway.tenants.service import Principal, Role, Scope
from schemas import Aanbieding, AanbiedingStatus

router = APIRouter(prefix="/aanbiedingen", tags=["aanbiedingen"])

Reader = Annotated[Principal, Depends(require(Scope.AANBIEDINGEN_READ, Role.PORTAL, Role.CORPORATION))]
Answerer = Annotated[Principal, Depends(require(Scope.AANBIEDINGEN_WRITE, Role.PORTAL))]
Id = Annotated[str | None, Query(pattern=ID_PATTERN)]


@router.get(
    "",
    response_model=Page[Aanbieding],
    responses=problem_responses(401, 403, 422, 429),
    summary="Offers: a portal's registrations' offers, or those on a corporation's listings",
)
def list_aanbiedingen(
    ctx: Context,
    principal: Reader,
    paging: Paging,
    inschrijving: Id = None,
    publicatie: Id = None,
    status: Annotated[str | None, Query(json_schema_extra=code_enum(AanbiedingStatus))] = None,
) -> Response:
    status = check_code(AanbiedingStatus, status, "query.status")
    with read_session(ctx.db) as session:
        items, total = repository.page_of(
            session,
            principal,
            inschrijving=inschrijving,
            publicatie=publicatie,
            status=status,
            request=paging,
        )
    return page_response(items, paging, total)


@router.get(
    "/{aanbieding_id}",
    response_model=Aanbieding,
    responses=problem_responses(401, 403, 404, 422, 429),
    summary="One offer",
)
def get_aanbieding(ctx: Context, principal: Reader, aanbieding_id: IdPath) -> Response:
    return json_response(service.read(ctx, principal, aanbieding_id))


@router.post(
    "/{aanbieding_id}/accept",
    response_model=Aanbieding,
    responses=problem_responses(401, 403, 404, 409, 422, 429),
    summary="The seeker accepts: the unit is allocated",
)
def accept_aanbieding(ctx: Context, principal: Answerer, aanbieding_id: IdPath) -> Response:
    return json_response(service.accept(ctx, principal, aanbieding_id))


@router.post(
    "/{aanbieding_id}/decline",
    response_model=Aanbieding,
    responses=problem_responses(401, 403, 404, 409, 413, 415, 422, 429),
    summary="The seeker declines, with VERA's reason code; the next candidate gets the offer",
)
def decline_aanbieding(ctx: Context, principal: Answerer, aanbieding_id: IdPath, weigering: Weigering) -> Response:
    return json_response(service.decline(ctx, principal, aanbieding_id, weigering.reden))
