"""Dead letters and replay: the service functions the CLI (`woonbrug dlq`) and the admin API call.

A message becomes a dead letter after a permanent error (at once) or when its attempts are used up;
the row keeps the reason (`last_error`), the error class and the vendor's last HTTP status.

Replay never changes the dead row. It creates a NEW outbox row, a child with `parent_id` pointing at
the replayed message and `replayed_by` / `replayed_at` / `replay_reason` saying who, when and why; the
dead row stays as it was, so the history is never rewritten. The lineage of a message is the original
plus all its replays (`lineage`).

The child keeps the original's idempotency key. A dead letter may have had its effect after all (the
vendor applied it, then the answer timed out, attempt after attempt); with the same key the receiver
recognises the replay and the effect still happens once. A derived key would make the receiver apply
it a second time. (A replay of a message that was really refused is no repeat to the receiver, since
it stored no effect for that key.) The outbox keeps keys unique per generation: 0 for the original,
1, 2, ... for replays.

Only the newest message of a lineage can be replayed, and only when it is dead: replaying a message
that already has a replay would put two live copies in the queue.

Replay never rolls back. When a newer message with the same business key (the listing) was delivered to
the same destination after the dead letter was first queued, the vendor's system already holds a newer
state; sending the old one would roll it back. `replay` then sends nothing: it marks the dead letter
superseded (`superseded_by`, the newer message's id, and `superseded_at`) and returns it, and the mark
is shown wherever dead letters are (`woonbrug dlq list`, the dashboard, the admin API).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from gateway.core.clock import SYSTEM_CLOCK, Clock
from gateway.store import audit
from gateway.store.audit import AuditKeys
from gateway.store.dialect import dialect_of
from gateway.store.models import DeliveryAttempt, OutboxMessage, OutboxStatus
from schemas import parse_message
from schemas.scrubbing import scrub_personal_text

__all__ = [
    "DeadLetter",
    "ReplayError",
    "attempts_of",
    "lineage",
    "list_dead_letters",
    "newer_delivered",
    "replay",
    "replay_all",
]

DEAD = OutboxStatus.DEAD.value


class ReplayError(ValueError):
    """A replay that cannot be done (not dead, already replayed, unknown id)."""


@dataclass(frozen=True)
class DeadLetter:
    """A dead letter as operators see it."""

    id: int
    message_id: str
    type: str
    corporation: str
    adapter: str
    business_key: str | None
    correlation_id: str
    attempts: int
    reason: str | None
    error_class: str | None
    last_status: int | None
    dead_at: datetime | None
    parent_id: int | None
    replayed_as: int | None
    superseded_by: int | None = None

    @classmethod
    def of(cls, row: OutboxMessage, replayed_as: int | None = None) -> DeadLetter:
        return cls(
            id=row.id,
            message_id=row.message_id,
            type=row.type,
            corporation=row.corporation,
            adapter=row.adapter,
            business_key=row.business_key,
            correlation_id=row.correlation_id,
            attempts=row.attempts,
            reason=row.last_error,
            error_class=row.last_error_class,
            last_status=row.last_status,
            dead_at=row.dead_at,
            parent_id=row.parent_id,
            replayed_as=replayed_as,
            superseded_by=row.superseded_by,
        )

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["dead_at"] = self.dead_at.isoformat() if self.dead_at else None
        return data


def list_dead_letters(
    session: Session,
    *,
    adapter: str | None = None,
    corporation: str | None = None,
    include_replayed: bool = False,
    include_superseded: bool = True,
    limit: int | None = None,
) -> list[DeadLetter]:
    """Dead letters, oldest first. Without `include_replayed`, only those not replayed yet; without
    `include_superseded`, not those a newer delivered message superseded (they are shown as such)."""
    child = aliased(OutboxMessage)
    replayed_as = (
        select(func.min(child.id)).where(child.parent_id == OutboxMessage.id).correlate(OutboxMessage).scalar_subquery()
    )
    query = select(OutboxMessage, replayed_as).where(OutboxMessage.status == DEAD)
    if adapter is not None:
        query = query.where(OutboxMessage.adapter == adapter)
    if corporation is not None:
        query = query.where(OutboxMessage.corporation == corporation)
    if not include_replayed:
        query = query.where(replayed_as.is_(None))
    if not include_superseded:
        query = query.where(OutboxMessage.superseded_by.is_(None))
    query = query.order_by(OutboxMessage.dead_at, OutboxMessage.id)
    if limit is not None:
        query = query.limit(limit)
    return [DeadLetter.of(row, child_id) for row, child_id in session.execute(query).all()]


def replay(
    session: Session,
    outbox_id: int,
    *,
    actor: str,
    reason: str = "",
    clock: Clock = SYSTEM_CLOCK,
) -> OutboxMessage:
    """Queue a dead letter again as a new child message, in the caller's transaction. Returns the child;
    or, when a newer message for its business key was delivered meanwhile, the dead letter itself,
    marked superseded (`superseded_by` set), with nothing queued."""
    query = select(OutboxMessage).where(OutboxMessage.id == outbox_id)
    if dialect_of(session) == "postgresql":
        query = query.with_for_update()  # two operators replaying at once: one wins, one gets ReplayError
    original = session.scalars(query).one_or_none()
    if original is None:
        raise ReplayError(f"outbox message {outbox_id} does not exist")
    if original.status != DEAD:
        raise ReplayError(f"outbox message {outbox_id} is {original.status}, not a dead letter")
    existing = session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.parent_id == outbox_id).order_by(OutboxMessage.id)
    ).first()
    if existing is not None:
        raise ReplayError(f"outbox message {outbox_id} was replayed already as {existing}; replay that one if needed")
    now = clock.now()
    if original.superseded_by is not None:
        return original
    newer = newer_delivered(session, original)
    if newer is not None:
        original.superseded_by, original.superseded_at, original.updated_at = newer, now, now
        audit.record(
            session,
            at=now,
            actor=actor[:100],
            action="outbox.superseded",
            entity_type="outbox",
            entity_id=str(original.id),
            keys=_keys(original),
            detail={"superseded_by": newer, "destination": original.endpoint},
        )
        return original
    generation = (
        session.scalar(
            select(func.max(OutboxMessage.generation)).where(OutboxMessage.idempotency_key == original.idempotency_key)
        )
        or 0
    ) + 1
    child = OutboxMessage(
        message_id=original.message_id,
        idempotency_key=original.idempotency_key,
        generation=generation,
        type=original.type,
        corporation=original.corporation,
        adapter=original.adapter,
        endpoint=original.endpoint,
        business_key=original.business_key,
        ordering_key=original.ordering_key,
        correlation_id=original.correlation_id,
        payload=original.payload,
        status=OutboxStatus.PENDING.value,
        attempts=0,
        next_attempt_at=now,
        parent_id=original.id,
        replayed_by=actor[:100],
        replayed_at=now,
        # People's free text: an operator may paste a BSN or an e-mail address while explaining the fix.
        replay_reason=scrub_personal_text(reason)[:1000] or None,
        created_at=now,
        updated_at=now,
    )
    session.add(child)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:
        raise ReplayError(f"outbox message {outbox_id} is being replayed by someone else") from error
    audit.record(
        session,
        at=now,
        actor=actor[:100],
        action="outbox.replayed",
        entity_type="outbox",
        entity_id=str(child.id),
        keys=_keys(original),
        # The reason is people's free text: it stays in the outbox row, not in the append-only log.
        detail={"replay_of": original.id, "generation": generation, "destination": original.endpoint},
    )
    return child


def replay_all(
    session: Session,
    *,
    actor: str,
    reason: str = "",
    adapter: str | None = None,
    corporation: str | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> list[OutboxMessage]:
    """Replay every dead letter not replayed yet (optionally of one adapter or corporation). Returns the
    children queued; a letter found superseded is marked and left out."""
    letters = list_dead_letters(session, adapter=adapter, corporation=corporation, include_superseded=False)
    replayed = [replay(session, letter.id, actor=actor, reason=reason, clock=clock) for letter in letters]
    return [row for row in replayed if row.superseded_by is None]


def newer_delivered(session: Session, row: OutboxMessage) -> int | None:
    """The newest delivered message to the same destination with the same business key, queued after
    `row`'s lineage began (so the vendor holds a newer state than `row` would send); None if there is none."""
    if row.business_key is None:
        return None
    first_queued = select(func.min(OutboxMessage.id)).where(OutboxMessage.idempotency_key == row.idempotency_key)
    newer: int | None = session.scalar(
        select(func.max(OutboxMessage.id)).where(
            OutboxMessage.endpoint == row.endpoint,
            OutboxMessage.business_key == row.business_key,
            OutboxMessage.idempotency_key != row.idempotency_key,
            OutboxMessage.status == OutboxStatus.DELIVERED.value,
            OutboxMessage.id > first_queued.scalar_subquery(),
        )
    )
    return newer


def lineage(session: Session, outbox_id: int) -> list[OutboxMessage]:
    """The original message and all its replays, oldest first (found from any member)."""
    member = session.get(OutboxMessage, outbox_id)
    if member is None:
        raise LookupError(f"outbox message {outbox_id} does not exist")
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.idempotency_key == member.idempotency_key)
            .order_by(OutboxMessage.generation)
        )
    )


def attempts_of(session: Session, outbox_ids: Sequence[int]) -> list[DeliveryAttempt]:
    """The delivery attempts of some messages, in order."""
    return list(
        session.scalars(
            select(DeliveryAttempt)
            .where(DeliveryAttempt.outbox_id.in_(list(outbox_ids)))
            .order_by(DeliveryAttempt.outbox_id, DeliveryAttempt.attempt_no)
        )
    )


def _keys(row: OutboxMessage) -> AuditKeys:
    """The business keys of a stored message; just its ids when the stored JSON no longer parses."""
    try:
        return audit.keys_of(parse_message(row.payload))
    except ValueError:  # pydantic's ValidationError: the very reason it may have died
        return AuditKeys(correlation_id=row.correlation_id, message_id=row.message_id)
