"""`/api/v1/admin`: the same service functions `woonbrug dlq` uses, over HTTP (admin keys only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from gateway.api.admin.schemas import AuditItem, Breaker, DeadLetter, Items, OutboxItem, ReplayRequest
from gateway.api.auth import require
from gateway.api.common import ID_PATTERN
from gateway.api.deps import Context, read_session
from gateway.api.errors import Conflict, NotFound, ProblemError, Unprocessable, problem_responses
from gateway.delivery import breaker, deadletters
from gateway.store import audit
from gateway.store.models import OutboxMessage
from gateway.tenants.service import Principal, Role, Scope

router = APIRouter(prefix="/admin", tags=["admin"])

Reader = Annotated[Principal, Depends(require(Scope.ADMIN_READ, Role.ADMIN))]
Writer = Annotated[Principal, Depends(require(Scope.ADMIN_WRITE, Role.ADMIN))]
OutboxId = Annotated[int, Path(ge=1, le=2**63 - 1)]
Key = Annotated[str | None, Query(pattern=ID_PATTERN)]
Name = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9._-]{1,100}$")]


@router.get(
    "/dead-letters",
    response_model=Items[DeadLetter],
    responses=problem_responses(401, 403, 422, 429),
    summary="Dead letters, oldest first",
)
def list_dead_letters(
    ctx: Context,
    _principal: Reader,
    adapter: Name = None,
    corporation: Name = None,
    include_replayed: Annotated[bool, Query(alias="includeReplayed")] = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Items[DeadLetter]:
    with read_session(ctx.db) as session:
        letters = deadletters.list_dead_letters(
            session, adapter=adapter, corporation=corporation, include_replayed=include_replayed, limit=limit
        )
    return Items[DeadLetter](items=[DeadLetter.model_validate(letter) for letter in letters])


@router.post(
    "/dead-letters/{outbox_id}/replay",
    status_code=201,
    response_model=OutboxItem,
    responses=problem_responses(
        401,
        403,
        404,
        409,
        413,
        415,
        422,
        429,
        also={200: {"description": "Superseded: a newer version was delivered, nothing sent", "model": OutboxItem}},
    ),
    summary="Send a dead letter again, as a new child message (unless a newer version was delivered)",
)
def replay_dead_letter(
    ctx: Context, principal: Writer, outbox_id: OutboxId, request: ReplayRequest, response: Response
) -> OutboxItem:
    with ctx.db.transaction() as session:
        if session.get(OutboxMessage, outbox_id) is None:
            raise NotFound("there is no outbox message with this id")
        try:
            child = deadletters.replay(
                session, outbox_id, actor=f"api:{principal.tenant}", reason=request.reason, clock=ctx.clock
            )
        except deadletters.ReplayError as error:
            raise Conflict(str(error)) from None
        if child.id == outbox_id:  # superseded: the dead letter itself, marked; nothing queued
            response.status_code = 200
        return OutboxItem.model_validate(child)


@router.get(
    "/dead-letters/{outbox_id}/lineage",
    response_model=Items[OutboxItem],
    responses=problem_responses(401, 403, 404, 422, 429),
    summary="A message and all its replays",
)
def lineage(ctx: Context, _principal: Reader, outbox_id: OutboxId) -> Items[OutboxItem]:
    with read_session(ctx.db) as session:
        try:
            rows = deadletters.lineage(session, outbox_id)
        except LookupError:
            raise NotFound("there is no outbox message with this id") from None
        return Items[OutboxItem](items=[OutboxItem.model_validate(row) for row in rows])


@router.get(
    "/breakers",
    response_model=Items[Breaker],
    responses=problem_responses(401, 403, 429),
    summary="Circuit breakers per endpoint",
)
def list_breakers(ctx: Context, _principal: Reader) -> Items[Breaker]:
    with read_session(ctx.db) as session:
        views = breaker.list_breakers(session)
    return Items[Breaker](items=[Breaker.model_validate(view) for view in views])


@router.get(
    "/audit",
    response_model=Items[AuditItem],
    responses=problem_responses(401, 403, 422, 429),
    summary="Audit entries by business key or correlation id, oldest first",
)
def search_audit(
    ctx: Context,
    _principal: Reader,
    publicatie: Key = None,
    inschrijving: Key = None,
    toewijzing: Key = None,
    correlation_id: Annotated[str | None, Query(alias="correlationId", pattern=ID_PATTERN)] = None,
    message_id: Annotated[str | None, Query(alias="messageId", pattern=ID_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> Items[AuditItem]:
    if not any((publicatie, inschrijving, toewijzing, correlation_id, message_id)):
        raise Unprocessable(
            "name at least one key to search by",
            errors=[
                ProblemError(
                    loc="query",
                    msg="one of publicatie, inschrijving, toewijzing, correlationId, messageId is required",
                    type="missing",
                )
            ],
        )
    with read_session(ctx.db) as session:
        entries = audit.search(
            session,
            publicatie_id=publicatie,
            inschrijving_id=inschrijving,
            toewijzing_id=toewijzing,
            correlation_id=correlation_id,
            message_id=message_id,
            limit=limit,
        )
        return Items[AuditItem](items=[AuditItem.model_validate(entry) for entry in entries])
