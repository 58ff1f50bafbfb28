"""Answers of the webhooks resource."""

from __future__ import annotations

from pydantic import Field

from gateway.api.common import CamelModel

__all__ = ["WebhookOntvangst"]


class WebhookOntvangst(CamelModel):
    """What became of one webhook call: how many messages were new, repeats, refused, and every refusal
    with where and why (record locations and JSON pointers; never values from the body)."""

    received: int = Field(description="new messages, stored in the inbox and applied")
    duplicates: int = Field(description="messages received before (same messageId), not applied again")
    rejected: int = Field(description="records the adapter could not translate")
    not_owner: int = Field(description="messages about another corporation's units or allocations")
    refused: int = Field(description="messages stored but refused by the flow")
    problems: list[str] = Field(default_factory=list, description="each refusal: where, and why")
