"""The append-only audit log: who did what to which entity, when, keyed by the flow's business keys.

There is `record` and there are searches; there is no update or delete, and both the ORM (a flush that
would change or remove an `AuditEntry` raises) and the database (triggers from the migration) refuse to.

No personal data goes in. Entries carry keys (publicatie, inschrijving, toewijzing, correlation and
message ids) and a small `detail` of plain facts (attempt number, HTTP status, error class). Free text
typed by people (e.g. a replay's reason) stays in the mutable tables, where it can be corrected or
erased; an append-only log would keep a mistyped BSN forever. `detail` is checked for the values
`schemas.privacy.personal_values` finds in a message when one is given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session, UOWTransaction

from gateway.store.models import AUDIT_LOG, AuditEntry
from schemas import Message
from schemas.privacy import personal_values

__all__ = ["AuditKeys", "AuditLogIsAppendOnly", "keys_of", "record", "record_many", "search"]


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove an audit entry."""


@dataclass(frozen=True)
class AuditKeys:
    """The business keys an audit entry is found by."""

    publicatie_id: str | None = None
    inschrijving_id: str | None = None
    toewijzing_id: str | None = None
    correlation_id: str | None = None
    message_id: str | None = None

    def columns(self) -> dict[str, str | None]:
        return {
            "publicatie_id": self.publicatie_id,
            "inschrijving_id": self.inschrijving_id,
            "toewijzing_id": self.toewijzing_id,
            "correlation_id": self.correlation_id,
            "message_id": self.message_id,
        }


def _entity_key(payload: Any, entity: str) -> str | None:
    """The id of `entity` in a payload: the payload itself when it is one, else its reference to one."""
    if type(payload).__name__.lower() == entity:
        value = getattr(payload, "id", None)
        return str(value) if value is not None else None
    reference = getattr(payload, entity, None)
    value = getattr(reference, "id", None)
    return str(value) if value is not None else None


def keys_of(message: Message) -> AuditKeys:
    """The business keys a message is about (its payload's own id and the references it carries)."""
    payload = message.payload
    return AuditKeys(
        publicatie_id=_entity_key(payload, "publicatie"),
        inschrijving_id=_entity_key(payload, "inschrijving"),
        toewijzing_id=_entity_key(payload, "toewijzing"),
        correlation_id=message.correlation_id,
        message_id=message.message_id,
    )


def _check_detail(detail: Mapping[str, Any], about: BaseModel | None) -> dict[str, Any]:
    clean = dict(detail)
    if about is not None:
        text = repr(clean)
        leaked = [value for value in personal_values(about) if value and value in text]
        if leaked:
            raise ValueError(f"audit detail would contain {len(leaked)} personal value(s); store keys instead")
    return clean


def _row(
    *,
    at: datetime,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str | None,
    keys: AuditKeys | None,
    detail: Mapping[str, Any] | None,
    about: BaseModel | None,
) -> dict[str, Any]:
    return {
        "at": at,
        "actor": actor,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        **(keys or AuditKeys()).columns(),
        "detail": _check_detail(detail or {}, about),
    }


def record(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str | None = None,
    keys: AuditKeys | None = None,
    detail: Mapping[str, Any] | None = None,
    about: BaseModel | None = None,
) -> None:
    """Append one entry in the caller's transaction. `about`: the message the entry concerns, whose
    personal values must not appear in `detail` (checked)."""
    session.execute(
        insert(AUDIT_LOG),
        [
            _row(
                at=at,
                actor=actor,
                action=action,
                entity_type=entity_type,
                entity_id=entity_id,
                keys=keys,
                detail=detail,
                about=about,
            )
        ],
    )


def record_many(session: Session, entries: Sequence[Mapping[str, Any]]) -> None:
    """Append several entries at once (each a mapping of `record`'s keyword arguments)."""
    if not entries:
        return
    rows = [
        _row(
            at=entry["at"],
            actor=entry["actor"],
            action=entry["action"],
            entity_type=entry["entity_type"],
            entity_id=entry.get("entity_id"),
            keys=entry.get("keys"),
            detail=entry.get("detail"),
            about=entry.get("about"),
        )
        for entry in entries
    ]
    session.execute(insert(AUDIT_LOG), rows)


def search(
    session: Session,
    *,
    publicatie_id: str | None = None,
    inschrijving_id: str | None = None,
    toewijzing_id: str | None = None,
    correlation_id: str | None = None,
    message_id: str | None = None,
    entity_type: str | None = None,
    entity_id: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    limit: int = 1000,
) -> list[AuditEntry]:
    """Entries matching every given key, oldest first."""
    query = select(AuditEntry)
    for column, value in (
        (AuditEntry.publicatie_id, publicatie_id),
        (AuditEntry.inschrijving_id, inschrijving_id),
        (AuditEntry.toewijzing_id, toewijzing_id),
        (AuditEntry.correlation_id, correlation_id),
        (AuditEntry.message_id, message_id),
        (AuditEntry.entity_type, entity_type),
        (AuditEntry.entity_id, entity_id),
        (AuditEntry.action, action),
    ):
        if value is not None:
            query = query.where(column == value)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    return list(session.scalars(query.order_by(AuditEntry.id).limit(limit)))


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    """The ORM side of append-only: a flush that would change or delete an audit entry fails."""
    for instance in (*session.dirty, *session.deleted):
        if isinstance(instance, AuditEntry) and (instance in session.deleted or session.is_modified(instance)):
            raise AuditLogIsAppendOnly("audit_log is append-only: entries cannot be changed or deleted")
