"""`/api/v1/berichten`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Header
from starlette.responses import Response

from gateway.api.auth import require
from gateway.api.berichten import service
from gateway.api.berichten.schemas import Ontvangst
from gateway.api.deps import Context
from gateway.api.errors import problem_responses
from gateway.api.paging import json_response
from gateway.tenants.service import Principal, Scope
from schemas import AnyMessage, Message

router = APIRouter(prefix="/berichten", tags=["berichten"])

Sender = Annotated[Principal, Depends(require(Scope.BERICHTEN_WRITE))]


@router.post(
    "",
    status_code=202,
    response_model=Ontvangst,
    responses=problem_responses(
        401,
        403,
        409,
        413,
        415,
        422,
        429,
        503,
        also={200: {"description": "A repeat: the first answer again", "model": Ontvangst}},
    ),
    summary="Send one canonical message (stored in the inbox before it is acknowledged)",
)
def post_bericht(
    ctx: Context,
    principal: Sender,
    message: Annotated[AnyMessage, Body()],
    idempotency_key: Annotated[
        str,
        Header(alias="Idempotency-Key", pattern=r"^[A-Za-z0-9._:\-]{1,100}$", description="the message's messageId"),
    ],
) -> Response:
    sent: Message = message
    outcome = service.receive(ctx, principal, sent, idempotency_key)
    body = outcome.answer.model_dump(mode="json", by_alias=True)
    if outcome.replayed:
        return json_response(body, 200, headers={"Idempotent-Replayed": "true"})
    return json_response(body, 202)
