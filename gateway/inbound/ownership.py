"""Ownership at the boundary: a message may speak only for the corporation (or portal) whose channel it
came through, and only about that corporation's own units, listings and allocations.

The one place this is decided, for every entry point (API, webhook, poll, import). A violation is a
`Violation` with a JSON pointer into the message and a reason that names ids, never persons. The
pipeline refuses it, audits it with the real sender (the channel's tenant) and shows it to region staff.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy.orm import Session

from gateway.flow.records import EenheidRecord, ToewijzingRecord
from schemas import EenheidVrijgekomen, Message, OvereenkomstGetekend

__all__ = ["Channel", "Via", "Violation", "check"]


class Via(enum.StrEnum):
    """How a message came in."""

    API = "api"
    WEBHOOK = "webhook"
    POLL = "poll"
    IMPORT = "import"


@dataclass(frozen=True)
class Channel:
    """Who a message came through: the tenant the channel belongs to (an API key's tenant, the
    corporation whose system was polled, whose webhook was called, or whose file is imported)."""

    tenant: str
    via: Via


@dataclass(frozen=True)
class Violation:
    """Why a message may not come through its channel, and where in the message (a JSON pointer)."""

    pointer: str
    reason: str

    def __str__(self) -> str:
        return f"{self.pointer}: {self.reason}"


def check(session: Session, channel: Channel, message: Message) -> Violation | None:
    """The first ownership rule `message` breaks on `channel`, or None when it may come in."""
    tenant = channel.tenant
    if message.source.tenant != tenant:
        return Violation("/source/tenant", f"a message through {tenant}'s channel speaks only for {tenant}")
    if isinstance(message, EenheidVrijgekomen):
        eenheid = message.payload.eenheid
        if eenheid.id_organisatie != tenant:
            return Violation("/payload/eenheid/idOrganisatie", f"{tenant} reports vacancies of its own units only")
        stored = session.get(EenheidRecord, eenheid.id)
        if stored is not None and stored.corporatie != tenant:
            return Violation("/payload/eenheid/id", f"eenheid {eenheid.id} is not a unit of {tenant}")
    elif isinstance(message, OvereenkomstGetekend):
        overeenkomst = message.payload
        if overeenkomst.id_organisatie != tenant:
            return Violation("/payload/idOrganisatie", f"{tenant} reports contracts of its own allocations only")
        toewijzing = session.get(ToewijzingRecord, overeenkomst.toewijzing.id)
        if toewijzing is not None and toewijzing.corporatie != tenant:
            return Violation(
                "/payload/toewijzing/id", f"toewijzing {overeenkomst.toewijzing.id} is not an allocation of {tenant}"
            )
    # A registration held by another portal is refused by the flow like an unknown one (`register_in`), so
    # that the answer does not tell a portal which registrations exist elsewhere.
    return None
