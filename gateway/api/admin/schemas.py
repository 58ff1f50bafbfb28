"""Requests and answers of the admin resource."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from gateway.api.common import CamelModel

__all__ = ["AuditItem", "Breaker", "DeadLetter", "Items", "OutboxItem", "ReplayRequest"]

T = TypeVar("T")


class _Out(CamelModel):
    model_config = ConfigDict(from_attributes=True)


class DeadLetter(_Out):
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
    superseded_by: int | None = Field(
        default=None, description="a newer delivered message for the same business key: replay sends nothing"
    )


class OutboxItem(_Out):
    """One message of a lineage: the original or one of its replays."""

    id: int
    message_id: str
    type: str
    generation: int
    status: str
    attempts: int
    parent_id: int | None
    last_error: str | None
    replayed_by: str | None
    replayed_at: datetime | None
    superseded_by: int | None = None
    created_at: datetime


class Breaker(_Out):
    endpoint: str
    state: str
    failures: int
    opened_until: datetime | None
    last_error: str | None
    updated_at: datetime


class AuditItem(_Out):
    id: int
    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str | None
    publicatie_id: str | None
    inschrijving_id: str | None
    toewijzing_id: str | None
    correlation_id: str | None
    message_id: str | None
    detail: dict[str, Any]


class Items(_Out, Generic[T]):
    items: list[T]


class ReplayRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500, description="why the message is sent again")
