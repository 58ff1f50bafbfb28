"""`/api/v1/webhooks/{corporatie}`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from gateway.api.auth import authenticate
from gateway.api.common import ID_PATTERN
from gateway.api.deps import Context
from gateway.api.errors import problem_responses
from gateway.api.paging import json_response
from gateway.api.webhooks import service
from gateway.api.webhooks.schemas import WebhookOntvangst
from gateway.tenants.service import Principal

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


async def optional_principal(request: Request) -> Principal | None:
    """The caller's key when one is presented (checked as everywhere: a bad one is 401), else None."""
    if request.headers.get("authorization") or request.headers.get("x-api-key"):
        return await authenticate(request)
    return None


@router.post(
    "/{corporatie}",
    status_code=202,
    response_model=WebhookOntvangst,
    responses=problem_responses(401, 403, 404, 413, 415, 422, 429, 503),
    summary="A corporation's system pushes changes (its adapter's format; key or HMAC signature)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "The vendor's body as its adapter reads it (VERA JSON for the vera adapter).",
            "content": {"application/json": {"schema": {}}},
        },
        "parameters": [
            {
                "name": "X-Woonbrug-Signature",
                "in": "header",
                "required": False,
                "schema": {"type": "string"},
                "description": "sha256=<hex HMAC-SHA256 of the body with the corporation's webhook secret>",
            }
        ],
    },
)
async def post_webhook(
    ctx: Context,
    request: Request,
    corporatie: Annotated[str, Path(pattern=ID_PATTERN, max_length=100)],
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Response:
    body = await request.body()
    answer = await run_in_threadpool(service.receive, ctx, corporatie, body, dict(request.headers), principal)
    return json_response(answer.model_dump(mode="json", by_alias=True), 202)
