"""Answers of the berichten resource."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from gateway.api.common import CamelModel

__all__ = ["Ontvangst"]


class Ontvangst(CamelModel):
    """What became of a message: stored in the inbox (`inboxId`), then applied to the flow (`processed`)
    or refused by it (`refused`, with the flow's reason, which names ids and codes only). A repeat of the
    same message gets the same answer again (status 200, header `Idempotent-Replayed: true`)."""

    message_id: str
    inbox_id: int
    type: str
    status: Literal["processed", "refused"]
    detail: str | None = Field(default=None, description="why the flow refused the message")
