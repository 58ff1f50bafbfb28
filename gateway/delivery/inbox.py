"""The idempotent inbox: how the gateway takes in a message exactly once.

`receive` stores an incoming message before the sender gets its acknowledgement: the caller commits,
then acknowledges. A message with a (source tenant, message id) seen before is acknowledged again but
not stored or processed again: `receive` returns the row already there with `duplicate=True`.

Processing is separate: whoever consumes the inbox (the flow) reads `unprocessed` rows and marks each
`processed` in the same transaction as the state change it caused, so a crash between the two repeats
neither.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gateway.core.clock import SYSTEM_CLOCK, Clock
from gateway.store import audit
from gateway.store.dialect import dialect_of, insert_ignore
from gateway.store.models import INBOX, InboxMessage
from schemas import Message

__all__ = ["Receipt", "mark_processed", "receive", "unprocessed"]


class Receipt(NamedTuple):
    """What `receive` did: the stored row (new or the earlier one) and whether this was a repeat."""

    stored: InboxMessage
    duplicate: bool


def receive(session: Session, message: Message, *, clock: Clock = SYSTEM_CLOCK, actor: str | None = None) -> Receipt:
    """Store `message` in the caller's transaction unless its (source tenant, message id) is known."""
    now = clock.now()
    statement = insert_ignore(session, INBOX, ["source_tenant", "message_id"]).values(
        source_tenant=message.source.tenant,
        source_system=message.source.system,
        message_id=message.message_id,
        type=message.type,
        correlation_id=message.correlation_id,
        payload=message.model_dump(mode="json"),
        received_at=now,
    )
    inserted = session.execute(statement.returning(INBOX.c.id)).scalar_one_or_none()
    row = session.scalars(
        select(InboxMessage).where(
            InboxMessage.source_tenant == message.source.tenant, InboxMessage.message_id == message.message_id
        )
    ).one()
    audit.record(
        session,
        at=now,
        actor=actor or f"{message.source.tenant}/{message.source.system}",
        action="inbox.received" if inserted is not None else "inbox.duplicate",
        entity_type="inbox",
        entity_id=str(row.id),
        keys=audit.keys_of(message),
        detail={"type": message.type},
    )
    return Receipt(row, duplicate=inserted is None)


def unprocessed(session: Session, *, limit: int = 100, lock: bool = True) -> list[InboxMessage]:
    """Received but not yet processed messages, oldest first. On PostgreSQL the rows are locked
    (`FOR UPDATE SKIP LOCKED`) so several consumers share the work without taking the same row."""
    query = select(InboxMessage).where(InboxMessage.processed_at.is_(None)).order_by(InboxMessage.id).limit(limit)
    if lock and dialect_of(session) == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def mark_processed(session: Session, inbox_id: int, *, clock: Clock = SYSTEM_CLOCK) -> datetime:
    """Mark one message processed, in the transaction of the change its processing made."""
    now = clock.now()
    result = session.execute(
        update(InboxMessage)
        .where(InboxMessage.id == inbox_id, InboxMessage.processed_at.is_(None))
        .values(processed_at=now)
        .execution_options(synchronize_session="fetch")
    )
    if getattr(result, "rowcount", 0) != 1:
        raise LookupError(f"inbox message {inbox_id} does not exist or was processed already")
    row = session.get(InboxMessage, inbox_id)
    audit.record(
        session,
        at=now,
        actor="gateway",
        action="inbox.processed",
        entity_type="inbox",
        entity_id=str(inbox_id),
        keys=audit.AuditKeys(
            correlation_id=row.correlation_id if row else None, message_id=row.message_id if row else None
        ),
    )
    return now
