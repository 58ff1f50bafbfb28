"""`/api/v1/publicaties`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from gateway.api.auth import require
from gateway.api.common import GEMEENTE_PATTERN, IdPath, check_code, code_enum
from gateway.api.deps import Context, read_session
from gateway.api.errors import NotFound, problem_responses
from gateway.api.paging import Page, Paging, json_response, page_response
from gateway.api.publicaties import repository
from gateway.api.publicaties.schemas import BindingAandeel, BindingAandelen, PublicatieAantal, PublicatieAantallen
from gateway.flow import quotas
from gateway.flow.binding import LEGAL_SOURCE, binding_figure
from gateway.flow.policy import RegionPolicy
from gateway.flow.trekkingen import published_trekking
from gateway.tenants.service import Principal, Scope
from schemas import Publicatie, PublicatieModel, PublicatieStatus

router = APIRouter(prefix="/publicaties", tags=["publicaties"])

Reader = Annotated[Principal, Depends(require(Scope.PUBLICATIES_READ))]
Statistician = Annotated[Principal, Depends(require(Scope.STATISTIEKEN_READ))]
Gemeente = Annotated[str | None, Query(pattern=GEMEENTE_PATTERN, description="CBS gemeentecode, e.g. GM0268")]


@router.get(
    "",
    response_model=Page[Publicatie],
    responses=problem_responses(401, 403, 422, 429),
    summary="List listings (a corporation: its own)",
)
def list_publicaties(
    ctx: Context,
    principal: Reader,
    paging: Paging,
    gemeente: Gemeente = None,
    model: Annotated[str | None, Query(json_schema_extra=code_enum(PublicatieModel))] = None,
    status: Annotated[str | None, Query(json_schema_extra=code_enum(PublicatieStatus))] = None,
) -> Response:
    model = check_code(PublicatieModel, model, "query.model")
    status = check_code(PublicatieStatus, status, "query.status")
    with read_session(ctx.db) as session:
        items, total = repository.page_of(
            session,
            principal,
            gemeente=gemeente,
            model=model,
            status=status,
            request=paging,
        )
    return page_response(items, paging, total)


@router.get(
    "/aantallen",
    response_model=PublicatieAantallen,
    responses=problem_responses(401, 403, 422, 429),
    summary="Listings per gemeente, status and model in a year (figures only)",
)
def aantallen(
    ctx: Context,
    _principal: Statistician,
    jaar: Annotated[int, Query(ge=2000, le=2100)],
    gemeente: Gemeente = None,
) -> PublicatieAantallen:
    with read_session(ctx.db) as session:
        rows = repository.aantallen(session, jaar, gemeente)
    return PublicatieAantallen(
        jaar=jaar, items=[PublicatieAantal(gemeente=g, status=s, model=m, aantal=n) for g, s, m, n in rows]
    )


@router.get(
    "/binding",
    response_model=BindingAandelen,
    responses=problem_responses(401, 403, 422, 429),
    summary="The binding cap's running figure per gemeente in a year (figures only)",
)
def binding(
    ctx: Context,
    _principal: Statistician,
    jaar: Annotated[int, Query(ge=2000, le=2100)],
    gemeente: Gemeente = None,
) -> BindingAandelen:
    policy = ctx.region.policy if ctx.region is not None else RegionPolicy()
    expected = ctx.region.verwacht_aanbod if ctx.region is not None else {}
    with read_session(ctx.db) as session:
        counts = quotas.binding_counts(session, jaar, gemeente=gemeente, verwacht_aanbod=expected)
    items = []
    for code, count in counts.items():
        for soort in ("lokaal", "regionaal"):
            figure = binding_figure(soort, count, policy)
            items.append(
                BindingAandeel(
                    gemeente=code,
                    soort=soort,
                    aanbod=figure.listings,
                    met_binding=figure.with_binding,
                    aandeel=float(figure.share) if figure.share is not None else None,
                    maximum=figure.cap,
                    ruimte=figure.room,
                    verwacht_aanbod=count.expected or None,
                )
            )
    return BindingAandelen(jaar=jaar, bron=LEGAL_SOURCE, items=items)


@router.get(
    "/{publicatie_id}",
    response_model=Publicatie,
    responses=problem_responses(401, 403, 404, 422, 429),
    summary="One listing",
)
async def get_publicatie(ctx: Context, principal: Reader, publicatie_id: IdPath) -> Response:
    # The hot path: the stored JSON is sent as it is (validated when written). On SQLite the one indexed
    # read runs inline (a local file read is cheaper than a hop to a worker thread); on a networked
    # database it goes to a worker thread so the event loop never waits on the network.
    if ctx.db.dialect == "sqlite":
        document = repository.read_document(ctx.db, publicatie_id, principal)
    else:
        document = await run_in_threadpool(repository.read_document, ctx.db, publicatie_id, principal)
    if document is None:
        raise NotFound("there is no publicatie with this id")
    return json_response(document)


@router.get(
    "/{publicatie_id}/loting",
    responses=problem_responses(401, 403, 404, 422, 429),
    summary="The listing's draw: commitment (from publication), revealed secret and closed response list "
    "(after the draw), each candidate's lot number; check it with docs/verify_lottery.py",
)
def get_loting(ctx: Context, principal: Reader, publicatie_id: IdPath) -> Response:
    with read_session(ctx.db) as session:
        record = repository.record_of(session, publicatie_id, principal)
        draw = published_trekking(session, record) if record is not None else None
    if draw is None:
        raise NotFound("there is no publicatie with a lottery commitment with this id")
    return JSONResponse(draw)
