"""Answers of the berichten resource."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

__all__ = ["Ontvangst"]


class Ontvangst(BaseModel):
    """What became of a message: stored in the inbox (`inboxId`), then applied to the flow (`processed`)
    or refused by it (`refused`, with the flow's reason, which names ids and codes only). A repeat of the
    same message gets the same answer again (status 200, header `Idempotent-Replayed: true`)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, serialize_by_alias=True)

    message_id: str
    inbox_id: int
    type: str
    status: Literal["processed", "refused"]
    detail: str | None = Field(default=None, description="why the flow refused the message")
