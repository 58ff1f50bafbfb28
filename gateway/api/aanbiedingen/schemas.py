"""Requests of the aanbiedingen resource."""

from __future__ import annotations

from typing import cast

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.config import JsonDict

from gateway.flow.sanctions import REFUSAL_REASONS

__all__ = ["REFUSAL_CODES", "Weigering"]

REFUSAL_CODES = sorted(reason.code for reason in REFUSAL_REASONS)


class Weigering(BaseModel):
    """Decline an offer, with VERA's reason (an AANBIEDINGDETAILSTATUS code under GEW)."""

    model_config = ConfigDict(extra="forbid")

    reden: str = Field(
        description="the VERA reason code, e.g. WBN", json_schema_extra=cast(JsonDict, {"enum": REFUSAL_CODES})
    )

    @field_validator("reden")
    @classmethod
    def _is_refusal(cls, value: str) -> str:
        if value not in REFUSAL_CODES:
            raise ValueError(f"must be one of {', '.join(REFUSAL_CODES)}")
        return value
