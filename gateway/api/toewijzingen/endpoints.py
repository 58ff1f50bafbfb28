"""`/api/v1/toewijzingen`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from gateway.api.auth import require
from gateway.api.common import GEMEENTE_PATTERN, IdPath
from gateway.api.deps import Context, read_session
from gateway.api.errors import NotFound, problem_responses
from gateway.api.paging import Page, Paging, json_response, page_response
from gateway.api.toewijzingen import repository, service
from gateway.api.toewijzingen.schemas import ToewijzingAantallen
from gateway.tenants.service import Principal, Role, Scope
from schemas import Toewijzing

router = APIRouter(prefix="/toewijzingen", tags=["toewijzingen"])

Owner = Annotated[Principal, Depends(require(Scope.TOEWIJZINGEN_READ, Role.CORPORATION))]
Statistician = Annotated[Principal, Depends(require(Scope.STATISTIEKEN_READ))]
Jaar = Annotated[int | None, Query(ge=2000, le=2100)]
Gemeente = Annotated[str | None, Query(pattern=GEMEENTE_PATTERN)]


@router.get(
    "",
    response_model=Page[Toewijzing],
    responses=problem_responses(401, 403, 422, 429),
    summary="This corporation's allocations",
)
def list_toewijzingen(
    ctx: Context, principal: Owner, paging: Paging, jaar: Jaar = None, gemeente: Gemeente = None
) -> Response:
    with read_session(ctx.db) as session:
        items, total = repository.page_of(session, principal.tenant, jaar=jaar, gemeente=gemeente, request=paging)
    return page_response(items, paging, total)


@router.get(
    "/aantallen",
    response_model=ToewijzingAantallen,
    responses=problem_responses(401, 403, 422, 429),
    summary="Lettings per year and gemeente with the quota shares and origin (figures only)",
)
def aantallen(
    ctx: Context, _principal: Statistician, jaar: Jaar = None, gemeente: Gemeente = None
) -> ToewijzingAantallen:
    return service.aantallen(ctx, jaar, gemeente)


@router.get(
    "/aantallen.csv",
    response_class=Response,
    responses=problem_responses(
        401, 403, 422, 429, also={200: {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}}
    ),
    summary="The same figures as CSV (spreadsheet-safe)",
)
def aantallen_csv(ctx: Context, _principal: Statistician, jaar: Jaar = None, gemeente: Gemeente = None) -> Response:
    body = service.as_csv(service.aantallen(ctx, jaar, gemeente))
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="toewijzingen-aantallen.csv"'},
    )


@router.get(
    "/{toewijzing_id}",
    response_model=Toewijzing,
    responses=problem_responses(401, 403, 404, 422, 429),
    summary="One of this corporation's allocations",
)
def get_toewijzing(ctx: Context, principal: Owner, toewijzing_id: IdPath) -> Response:
    with read_session(ctx.db) as session:
        document = repository.document_of(session, toewijzing_id, principal.tenant)
    if document is None:
        raise NotFound("there is no toewijzing with this id")
    return json_response(document)
