"""The transactional outbox: how the gateway promises to send a message.

`enqueue` writes the message into the `outbox` table with the caller's session, in the caller's
transaction, next to the state change that caused it. Both commit together or neither does, so a
message is never sent for a change that was rolled back and never lost for a change that was kept. It
never commits. The dispatch workers deliver it later (`gateway.delivery.dispatch`).

Idempotency key: the message id, which the receiver uses to recognise a repeat. When one message goes
to several destinations, `enqueue_many` derives one key per destination (`<message id>@<corporation>/
<adapter>`), because one vendor system may serve several corporations and must not take the second
delivery for a repeat of the first. Enqueueing the same message for the same destination again is a
no-op that returns the row already there.

Ordering: with `ordered=True` (the default) a message is not delivered while an earlier message to the
same destination with the same business key (e.g. the publicatie id) is still open (pending or in
flight); dead letters do not block the queue. Order is the order of enqueueing (the outbox id): two
transactions enqueueing for one key at the same moment are ordered by who got the id first, so the flow
serialises changes per key (as it does, by locking the entity).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.core.clock import SYSTEM_CLOCK, Clock
from gateway.store import audit
from gateway.store.dialect import insert_ignore
from gateway.store.models import OUTBOX, OutboxMessage, OutboxStatus
from schemas import Message

__all__ = ["Destination", "DuplicateKeyConflict", "enqueue", "enqueue_many"]


@dataclass(frozen=True, order=True)
class Destination:
    """Where a message goes: one corporation's system, reached through one adapter."""

    corporation: str
    adapter: str

    def __post_init__(self) -> None:
        for part, value in (("corporation", self.corporation), ("adapter", self.adapter)):
            if not value or "/" in value or len(value) > 100:
                raise ValueError(f"destination {part} must be 1-100 characters without '/'")

    @property
    def endpoint(self) -> str:
        """`corporation/adapter`: the key of the circuit breaker and of per-key ordering."""
        return f"{self.corporation}/{self.adapter}"

    @classmethod
    def parse(cls, endpoint: str) -> Destination:
        corporation, _, adapter = endpoint.partition("/")
        return cls(corporation, adapter)

    def __str__(self) -> str:
        return self.endpoint


class DuplicateKeyConflict(ValueError):
    """The idempotency key is already queued for another destination or another message."""


def enqueue(
    session: Session,
    message: Message,
    destination: Destination,
    *,
    ordered: bool = True,
    business_key: str | None = None,
    idempotency_key: str | None = None,
    not_before: datetime | None = None,
    actor: str = "gateway",
    clock: Clock = SYSTEM_CLOCK,
) -> OutboxMessage:
    """Queue `message` for `destination` in the caller's transaction (flushes, never commits).

    `business_key` defaults to the message's own (`message.business_key`, e.g. the publicatie id);
    `ordered=False` lets the message overtake earlier ones with the same key. `not_before` delays the
    first attempt.
    """
    key = idempotency_key or message.message_id
    business = business_key if business_key is not None else _business_key(message)
    now = clock.now()
    values: dict[str, Any] = {
        "message_id": message.message_id,
        "idempotency_key": key,
        "generation": 0,
        "type": message.type,
        "corporation": destination.corporation,
        "adapter": destination.adapter,
        "endpoint": destination.endpoint,
        "business_key": business,
        "ordering_key": business if ordered else None,
        "correlation_id": message.correlation_id,
        "payload": message.model_dump(mode="json"),
        "status": OutboxStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": not_before or now,
        "created_at": now,
        "updated_at": now,
    }
    statement = insert_ignore(session, OUTBOX, ["idempotency_key", "generation"]).values(values)
    inserted = session.execute(statement.returning(OUTBOX.c.id)).scalar_one_or_none()
    if inserted is not None:
        # Built from what was just written, not read back: a second round trip per message for nothing.
        row = OutboxMessage(id=inserted, **values)
    else:
        row = session.scalars(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == key, OutboxMessage.generation == 0)
        ).one()
        if row.endpoint != destination.endpoint or row.message_id != message.message_id:
            raise DuplicateKeyConflict(
                f"idempotency key {key!r} is already queued for {row.endpoint} (message {row.message_id}); "
                "to send one message to several destinations use enqueue_many"
            )
        return row
    audit.record(
        session,
        at=now,
        actor=actor,
        action="outbox.enqueued",
        entity_type="outbox",
        entity_id=str(row.id),
        keys=audit.keys_of(message),
        detail={"type": message.type, "destination": destination.endpoint, "business_key": business},
    )
    return row


def enqueue_many(
    session: Session,
    message: Message,
    destinations: Sequence[Destination],
    *,
    ordered: bool = True,
    business_key: str | None = None,
    actor: str = "gateway",
    clock: Clock = SYSTEM_CLOCK,
) -> list[OutboxMessage]:
    """Queue one message for several destinations, one idempotency key per destination."""
    if len(set(destinations)) != len(destinations):
        raise ValueError("enqueue_many got the same destination twice")
    return [
        enqueue(
            session,
            message,
            destination,
            ordered=ordered,
            business_key=business_key,
            idempotency_key=f"{message.message_id}@{destination.endpoint}",
            actor=actor,
            clock=clock,
        )
        for destination in destinations
    ]


def _business_key(message: Message) -> str | None:
    try:
        key = message.business_key
    except AttributeError:
        return None
    return key[:100] if key else None
