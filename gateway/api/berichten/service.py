"""Taking in a message: check who sends it, store it in the inbox, apply it to the flow, answer.

Order matters. The message is stored (and committed) before it is applied and before the answer, so
an accepted message is never lost. Applying it is a separate transaction of the flow, so a crash in
between leaves it stored but unapplied; the sender's retry (same message id) then applies it, and so
does the intake's `apply_pending`. Every flow step is idempotent for the same message, which is what
makes "apply again after a crash" safe. A message already applied is not applied again: the answer is
rebuilt from the inbox row and the audit log.

Who may send what: a key sends only as its own tenant (`source.tenant`); a corporation sends vacancies
of its own units and contracts of its own allocations; a portal sends registrations.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from gateway.api.berichten.schemas import Ontvangst
from gateway.api.deps import ApiContext, read_session
from gateway.api.errors import Conflict, Forbidden, ProblemError, Unprocessable
from gateway.core.logging import KNOWN_VALUES, scrub
from gateway.delivery import inbox
from gateway.flow.service import FlowError, FlowService
from gateway.flow.transitions import IllegalTransition
from gateway.store import audit
from gateway.store.models import InboxMessage
from gateway.tenants.service import Principal, Role
from schemas import EenheidVrijgekomen, Message, OvereenkomstGetekend
from schemas.privacy import personal_values

__all__ = ["ACCEPTED_TYPES", "Outcome", "receive"]

ACCEPTED_TYPES: dict[Role, frozenset[str]] = {
    Role.CORPORATION: frozenset({"eenheid.vrijgekomen", "overeenkomst.getekend"}),
    Role.PORTAL: frozenset({"inschrijving.geregistreerd", "inschrijving.gewijzigd"}),
}
REFUSED = "inbox.refused"
_COMPARED = ("type", "correlationId", "causationId", "source", "schemaVersion", "payload")


@dataclass(frozen=True)
class Outcome:
    answer: Ontvangst
    replayed: bool


def _check_sender(principal: Principal, message: Message, idempotency_key: str) -> None:
    if idempotency_key != message.message_id:
        raise Unprocessable(
            "the Idempotency-Key header must equal the message's messageId",
            errors=[ProblemError(loc="header.Idempotency-Key", msg="must equal body.messageId", type="value_error")],
        )
    if message.source.tenant != principal.tenant:
        raise Forbidden("a key sends messages only as its own tenant (source.tenant)")
    if message.type not in ACCEPTED_TYPES.get(principal.role, frozenset()):
        raise Forbidden(f"a {principal.role.value} key cannot send {message.type} messages")
    if isinstance(message, EenheidVrijgekomen) and message.payload.eenheid.id_organisatie != principal.tenant:
        raise Forbidden("a corporation reports vacancies of its own units only (eenheid.idOrganisatie)")
    if isinstance(message, OvereenkomstGetekend) and message.payload.id_organisatie != principal.tenant:
        raise Forbidden("a corporation reports contracts of its own allocations only (idOrganisatie)")


def _comparable(payload: dict[str, object]) -> dict[str, object]:
    return {key: payload.get(key) for key in _COMPARED}


def _answer(session: Session, row: InboxMessage) -> Ontvangst:
    refusals = audit.search(session, entity_type="inbox", entity_id=str(row.id), action=REFUSED, limit=1)
    reason = refusals[0].detail.get("reason") if refusals else None
    return Ontvangst(
        message_id=row.message_id,
        inbox_id=row.id,
        type=row.type,
        status="refused" if refusals else "processed",
        detail=str(reason) if reason is not None else None,
    )


def _apply(ctx: ApiContext, flow: FlowService, principal: Principal, message: Message, inbox_id: int) -> None:
    reason: str | None = None
    try:
        flow.handle(message, tenant=principal.tenant)
    except (FlowError, IllegalTransition, LookupError) as error:
        reason = scrub(str(error))[:500]
    try:
        with ctx.db.transaction() as session:
            if reason is not None:
                audit.record(
                    session,
                    at=ctx.clock.now(),
                    actor=principal.tenant,
                    action=REFUSED,
                    entity_type="inbox",
                    entity_id=str(inbox_id),
                    keys=audit.keys_of(message),
                    detail={"reason": reason},
                )
            inbox.mark_processed(session, inbox_id, clock=ctx.clock)
    except LookupError:
        pass  # applied meanwhile by the intake or a concurrent repeat; its record stands


def receive(ctx: ApiContext, principal: Principal, message: Message, idempotency_key: str) -> Outcome:
    _check_sender(principal, message, idempotency_key)
    flow = ctx.flow  # 503 before anything is stored, when this process has no region
    if message.type.startswith("inschrijving."):
        KNOWN_VALUES.learn(personal_values(message.payload))
    with ctx.db.transaction() as session:
        receipt = inbox.receive(session, message, clock=ctx.clock, actor=principal.tenant)
        row_id, duplicate = receipt.stored.id, receipt.duplicate
        if duplicate and _comparable(receipt.stored.payload) != _comparable(message.model_dump(mode="json")):
            raise Conflict("this messageId was used before for a different message")
        done = receipt.stored.processed_at is not None
    if not done:
        _apply(ctx, flow, principal, message, row_id)
    with read_session(ctx.db) as session:
        row = session.get(InboxMessage, row_id)
        assert row is not None, "stored above"
        return Outcome(_answer(session, row), replayed=duplicate)
