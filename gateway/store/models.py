"""The delivery tables: inbox, outbox, delivery attempts, circuit breakers and the audit log.

The flow's own tables live elsewhere (declared on the same `Base`, see `gateway.store.base`).

- `inbox`: every message received, once per (source tenant, message id); stored before it is acknowledged.
- `outbox`: every message to send, written in the same transaction as the state change that caused it;
  workers claim due rows, deliver them through an adapter and record the outcome.
- `delivery_attempts`: one row per attempt, for the dead-letter view and the audit.
- `circuit_breakers`: one row per endpoint (corporation + adapter), shared by every worker.
- `audit_log`: append-only record of state changes and attempts, keyed by business keys, without
  personal data. The database itself refuses UPDATE and DELETE on it (triggers, see the migration).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gateway.store.base import Base, BigId, JSONDocument, UTCDateTime

__all__ = [
    "AUDIT_LOG",
    "CIRCUIT_BREAKERS",
    "DELIVERY_ATTEMPTS",
    "INBOX",
    "OUTBOX",
    "AttemptOutcome",
    "AuditEntry",
    "BreakerState",
    "CircuitBreakerRow",
    "DeliveryAttempt",
    "InboxMessage",
    "OutboxMessage",
    "OutboxStatus",
]

KEY = 100  # length of identifiers (message ids, business keys), as the canonical model's `Identifier`


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its next attempt (next_attempt_at)
    IN_FLIGHT = "in_flight"  # claimed by a worker until claimed_until
    DELIVERED = "delivered"  # the receiver acknowledged it
    DEAD = "dead"  # a dead letter: permanent error or attempts used up; replay makes a child


class AttemptOutcome(enum.StrEnum):
    DELIVERED = "delivered"
    TRANSIENT = "transient"  # failed, will be retried
    PERMANENT = "permanent"  # refused; the message is dead
    MAPPING = "mapping"  # could not be translated; the message is dead
    LEASE_EXPIRED = "lease_expired"  # the worker vanished mid-delivery; another took it over


class BreakerState(enum.StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


OPEN_ROWS = "status IN ('pending', 'in_flight')"


def _one_of(column: str, values: type[enum.StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class InboxMessage(Base):
    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("source_tenant", "message_id"),
        Index(None, "processed_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source_tenant: Mapped[str] = mapped_column(String(KEY))
    source_system: Mapped[str] = mapped_column(String(KEY))
    message_id: Mapped[str] = mapped_column(String(KEY))
    type: Mapped[str] = mapped_column(String(64))
    correlation_id: Mapped[str] = mapped_column(String(KEY), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        # A replay keeps the original's idempotency key (the receiver must still see one effect), so the
        # key is unique per generation: 0 for the original, 1, 2, ... for its replays.
        UniqueConstraint("idempotency_key", "generation"),
        CheckConstraint(_one_of("status", OutboxStatus), name="status"),
        # The claim query walks the open rows by due time and stops at the batch size; delivered and dead
        # rows (nearly all of them, after a while) are not in this index at all. (An index on
        # (status, next_attempt_at) tempted both planners to fetch and sort every due row; migration
        # 0005 replaced it with this one.)
        Index(
            "ix_outbox_open_due",
            "next_attempt_at",
            "id",
            postgresql_where=text(OPEN_ROWS),
            sqlite_where=text(OPEN_ROWS),
        ),
        # The claim's skip scan over endpoints, and per endpoint the range of its due messages (0007).
        Index(
            "ix_outbox_open_endpoint_due",
            "endpoint",
            "next_attempt_at",
            "id",
            postgresql_where=text(OPEN_ROWS),
            sqlite_where=text(OPEN_ROWS),
        ),
        # FIFO per destination and business key: "is an earlier one still open?"
        Index(None, "endpoint", "ordering_key", "id"),
        Index(None, "business_key"),
        Index(None, "parent_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    message_id: Mapped[str] = mapped_column(String(KEY), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(250))
    generation: Mapped[int] = mapped_column(default=0)
    type: Mapped[str] = mapped_column(String(64))
    corporation: Mapped[str] = mapped_column(String(KEY))
    adapter: Mapped[str] = mapped_column(String(KEY))
    endpoint: Mapped[str] = mapped_column(String(2 * KEY + 1))  # "corporation/adapter": breaker and FIFO key
    business_key: Mapped[str | None] = mapped_column(String(KEY), default=None)
    ordering_key: Mapped[str | None] = mapped_column(String(KEY), default=None)  # set when order matters
    correlation_id: Mapped[str] = mapped_column(String(KEY), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(KEY), default=None)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    last_error_class: Mapped[str | None] = mapped_column(String(64), default=None)
    last_status: Mapped[int | None] = mapped_column(default=None)
    vendor_reference: Mapped[str | None] = mapped_column(String(250), default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    dead_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"), default=None)
    replayed_by: Mapped[str | None] = mapped_column(String(KEY), default=None)
    replayed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    replay_reason: Mapped[str | None] = mapped_column(Text, default=None)
    # A dead letter whose business key has a newer delivered message is superseded: replaying it would
    # roll the vendor's record back, so replay marks it (with the newer message's id) and sends nothing.
    superseded_by: Mapped[int | None] = mapped_column(default=None)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    attempt_log: Mapped[list[DeliveryAttempt]] = relationship(
        back_populates="message", order_by="DeliveryAttempt.attempt_no", lazy="raise_on_sql", viewonly=True
    )


class DeliveryAttempt(Base):
    __tablename__ = "delivery_attempts"
    __table_args__ = (
        UniqueConstraint("outbox_id", "attempt_no"),
        CheckConstraint(_one_of("outcome", AttemptOutcome), name="outcome"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"))
    attempt_no: Mapped[int]
    worker: Mapped[str | None] = mapped_column(String(KEY), default=None)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(16))
    error_class: Mapped[str | None] = mapped_column(String(64), default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    status_code: Mapped[int | None] = mapped_column(default=None)
    retry_after: Mapped[float | None] = mapped_column(default=None)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    message: Mapped[OutboxMessage] = relationship(back_populates="attempt_log", lazy="raise_on_sql")


class CircuitBreakerRow(Base):
    __tablename__ = "circuit_breakers"
    __table_args__ = (CheckConstraint(_one_of("state", BreakerState), name="state"),)

    endpoint: Mapped[str] = mapped_column(String(2 * KEY + 1), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default=BreakerState.CLOSED.value)
    failures: Mapped[int] = mapped_column(default=0)  # transient failures (and slow answers) in the window
    # Open: when the cool-down ends. Half-open: when the probe's claim ends (a lost probe frees the slot).
    # Closed: when the vendor's Retry-After ends (no worker sends before), or None.
    opened_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    window_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)  # of `failures`
    # The last failure: a success of a request that started before it says nothing about the endpoint now.
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # While failing but not yet open: requests admitted across all workers and not yet recorded, and until
    # when that count holds (a worker that died with admitted requests frees them with its lease).
    admitted: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    admitted_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """One audit record. Append-only: no code updates or deletes it, and the database refuses to."""

    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(KEY))
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(KEY), default=None)
    publicatie_id: Mapped[str | None] = mapped_column(String(KEY), default=None, index=True)
    inschrijving_id: Mapped[str | None] = mapped_column(String(KEY), default=None, index=True)
    toewijzing_id: Mapped[str | None] = mapped_column(String(KEY), default=None, index=True)
    correlation_id: Mapped[str | None] = mapped_column(String(KEY), default=None, index=True)
    message_id: Mapped[str | None] = mapped_column(String(KEY), default=None, index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


# The Core tables, for hot paths where the ORM's per-statement bookkeeping costs more than the SQL.
INBOX = _table(InboxMessage)
OUTBOX = _table(OutboxMessage)
DELIVERY_ATTEMPTS = _table(DeliveryAttempt)
CIRCUIT_BREAKERS = _table(CircuitBreakerRow)
AUDIT_LOG = _table(AuditEntry)
