"""`/healthz`, `/readyz`, `/metrics`."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from gateway.api.deps import Context
from gateway.api.errors import ServiceUnavailable, problem_responses
from gateway.api.health import service
from gateway.api.metrics import CONTENT_TYPE_LATEST

router = APIRouter(tags=["health"])


class Status(BaseModel):
    status: str


@router.get("/healthz", response_model=Status, summary="The process is up")
async def healthz() -> Status:
    return Status(status="ok")


@router.get(
    "/readyz",
    response_model=Status,
    responses=problem_responses(503),
    summary="The store is reachable and migrated, and the region's adapters load",
)
async def readyz(ctx: Context) -> Status:
    found = await run_in_threadpool(service.problems, ctx)
    if found:
        raise ServiceUnavailable("; ".join(found))
    return Status(status="ready")


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}}}},
    summary="Prometheus metrics: requests, latency, delivery",
)
def metrics(ctx: Context) -> Response:
    return Response(ctx.metrics.render(), media_type=CONTENT_TYPE_LATEST)
