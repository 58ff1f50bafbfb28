"""Requests of the reacties resource."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from gateway.api.common import ID_PATTERN

__all__ = ["ReactieVerzoek"]


class ReactieVerzoek(BaseModel):
    """Respond to `publicatie` with the seeker's registration `inschrijving` (both ids)."""

    model_config = ConfigDict(extra="forbid")

    publicatie: str = Field(pattern=ID_PATTERN)
    inschrijving: str = Field(pattern=ID_PATTERN)
