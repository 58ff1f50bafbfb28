"""Taking in a message through the API: check who sends it, then the inbound pipeline
(`gateway.inbound.pipeline`: ownership, inbox, apply in its own transaction, rejection kept), then answer.

Order matters. The message is stored (and committed) before it is applied and before the answer, so
an accepted message is never lost. Applying it is a separate transaction of the flow, so a crash in
between leaves it stored but unapplied; the sender's retry (same message id) then applies it, and so
does the intake's `apply_pending`. Every flow step is idempotent for the same message, which is what
makes "apply again after a crash" safe. A message already applied is not applied again: the answer is
rebuilt from the inbox row and the audit log.

Who may send what: a key's role decides the message types (a corporation sends vacancies and contracts,
a portal registrations); that a key sends only as its own tenant, about its own units and allocations,
is the pipeline's ownership check (`gateway.inbound.ownership`), the same for every entry point. Its
refusal is 403 here, audited with the key's tenant as the sender.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from gateway.api.berichten.schemas import Ontvangst
from gateway.api.deps import ApiContext, read_session
from gateway.api.errors import Conflict, Forbidden, ProblemError, Unprocessable
from gateway.core.logging import KNOWN_VALUES
from gateway.inbound.ownership import Channel, Via
from gateway.inbound.pipeline import REFUSED, InboundPipeline, reason_of
from gateway.store import audit
from gateway.store.models import InboxMessage
from gateway.tenants.service import Principal, Role
from schemas import Message
from schemas.privacy import personal_values

__all__ = ["ACCEPTED_TYPES", "Outcome", "receive"]

ACCEPTED_TYPES: dict[Role, frozenset[str]] = {
    Role.CORPORATION: frozenset({"eenheid.vrijgekomen", "overeenkomst.getekend"}),
    Role.PORTAL: frozenset({"inschrijving.geregistreerd", "inschrijving.gewijzigd"}),
}
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
    if message.type not in ACCEPTED_TYPES.get(principal.role, frozenset()):
        raise Forbidden(f"a {principal.role.value} key cannot send {message.type} messages")


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


def receive(
    ctx: ApiContext, principal: Principal, message: Message, idempotency_key: str, *, via: Via = Via.API
) -> Outcome:
    """Take one message a key sent (through POST /berichten, or a webhook call authenticated by a key)."""
    _check_sender(principal, message, idempotency_key)
    pipeline = InboundPipeline(ctx.flow)  # 503 before anything is stored, when this process has no region
    if message.type.startswith("inschrijving."):
        KNOWN_VALUES.learn(personal_values(message.payload))
    channel = Channel(principal.tenant, via)
    try:
        with ctx.db.transaction() as session:
            admission = pipeline.admit(session, channel, message)
            stored = session.get(InboxMessage, admission.inbox_id) if admission.inbox_id is not None else None
            if (
                stored is not None
                and admission.duplicate
                and _comparable(stored.payload) != _comparable(message.model_dump(mode="json"))
            ):
                raise Conflict("this messageId was used before for a different message")
    except DataError as error:
        # A value the store cannot hold (PostgreSQL: NUL in text): the message is refused, nothing stored;
        # the reason names the kind of error only, since the database's text quotes the value.
        raise Unprocessable(reason_of(error)) from None
    if admission.violation is not None or admission.inbox_id is None:
        # Raised after the commit: the refusal and its audit record are kept.
        raise Forbidden(f"not accepted from {principal.tenant}: {admission.violation}")
    row_id, duplicate = admission.inbox_id, admission.duplicate
    if not admission.processed:
        pipeline.apply(channel, row_id, message)
    with read_session(ctx.db) as session:
        row = session.get(InboxMessage, row_id)
        assert row is not None, "stored above"
        return Outcome(_answer(session, row), replayed=duplicate)
