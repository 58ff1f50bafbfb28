"""Messages: an English envelope around a VERA-named payload, one message type per flow event.

`parse_message` turns any message (bytes, text or a dict) into its own class through a discriminated
union on `type`, so callers never guess which payload they hold.
"""

from __future__ import annotations

import builtins
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal, Self, TypeVar

from pydantic import Field, TypeAdapter, model_validator

from schemas.aanbieding import Aanbieding
from schemas.base import CanonicalModel
from schemas.eenheid import Eenheid
from schemas.inschrijving import Inschrijving
from schemas.kandidaat import Kandidaat, Kandidatenlijst
from schemas.overeenkomst import Overeenkomst
from schemas.publicatie import Publicatie
from schemas.referentiedata import (
    AanbiedingStatus,
    KandidaatStatus,
    PublicatieModel,
    PublicatieStatus,
)
from schemas.sanctie import Reclamatie, Sanctie
from schemas.toewijzing import Toewijzing
from schemas.types import Datum, Tijdstip
from schemas.version import SCHEMA_VERSION

__all__ = [
    "MESSAGE_TYPES",
    "AanbiedingGeaccepteerd",
    "AanbiedingGedaan",
    "AanbiedingGeweigerd",
    "AanbiedingVerlopen",
    "AnyMessage",
    "EenheidVrijgekomen",
    "InschrijvingBeeindigd",
    "InschrijvingGeregistreerd",
    "InschrijvingGewijzigd",
    "KandidatenlijstVrijgegeven",
    "Message",
    "MessageSource",
    "OvereenkomstGetekend",
    "PublicatieAangeboden",
    "PublicatieAfgerond",
    "PublicatieIngetrokken",
    "ReactieIngetrokken",
    "ReactieOntvangen",
    "ReclamatieIngediend",
    "SanctieOpgelegd",
    "ToewijzingGedaan",
    "Vrijkomen",
    "parse_message",
]

_M = TypeVar("_M", bound="Message")

Identifier = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:\-]+$")]


class MessageSource(CanonicalModel):
    """Who sent a message: the tenant (corporation, portal, region) and its system (the adapter)."""

    tenant: Identifier
    system: Identifier


class Vrijkomen(CanonicalModel):
    """A corporation reports a vacancy: the unit, when it is free, and the model it asks for."""

    eenheid: Eenheid
    beschikbaar_per: Datum
    gewenst_model: PublicatieModel | None = None


class Message(CanonicalModel):
    """The envelope. `message_id` is also the idempotency key; `correlation_id` ties a flow together."""

    type: str
    message_id: Identifier = Field(default_factory=lambda: str(uuid.uuid4()))
    correlation_id: Identifier
    causation_id: Identifier | None = None
    source: MessageSource
    occurred_at: Tijdstip = Field(default_factory=lambda: datetime.now(UTC))
    schema_version: Literal["v1"] = SCHEMA_VERSION
    payload: Any

    # Business key of the payload: what the flow, audit log and per-key ordering group messages by.
    business_key_field: ClassVar[str] = "id"

    @property
    def business_key(self) -> str:
        return str(getattr(self.payload, self.business_key_field))

    def caused(self, message_type: builtins.type[_M], payload: Any, source: MessageSource) -> _M:
        """A follow-up message in the same flow: same correlation id, this message as its cause."""
        # Every concrete message type defaults its own `type`; only the abstract base lacks one.
        return message_type(  # type: ignore[call-arg]
            correlation_id=self.correlation_id, causation_id=self.message_id, source=source, payload=payload
        )


class EenheidVrijgekomen(Message):
    type: Literal["eenheid.vrijgekomen"] = "eenheid.vrijgekomen"
    payload: Vrijkomen

    @property
    def business_key(self) -> str:
        return self.payload.eenheid.id


class _PublicatieMessage(Message):
    payload: Publicatie
    expected_status: ClassVar[tuple[PublicatieStatus, ...]] = ()

    @model_validator(mode="after")
    def _status_fits(self) -> Self:
        if self.expected_status and self.payload.status not in self.expected_status:
            allowed = "/".join(s.code for s in self.expected_status)
            raise ValueError(f"payload.status must be {allowed} for {self.type}")
        return self


class PublicatieAangeboden(_PublicatieMessage):
    type: Literal["publicatie.aangeboden"] = "publicatie.aangeboden"
    expected_status = (PublicatieStatus.GEP,)


class PublicatieIngetrokken(_PublicatieMessage):
    type: Literal["publicatie.ingetrokken"] = "publicatie.ingetrokken"
    expected_status = (PublicatieStatus.ING,)


class PublicatieAfgerond(_PublicatieMessage):
    type: Literal["publicatie.afgerond"] = "publicatie.afgerond"
    expected_status = (PublicatieStatus.AFG,)


class InschrijvingGeregistreerd(Message):
    type: Literal["inschrijving.geregistreerd"] = "inschrijving.geregistreerd"
    payload: Inschrijving


class InschrijvingGewijzigd(Message):
    type: Literal["inschrijving.gewijzigd"] = "inschrijving.gewijzigd"
    payload: Inschrijving


class InschrijvingBeeindigd(Message):
    type: Literal["inschrijving.beeindigd"] = "inschrijving.beeindigd"
    payload: Inschrijving

    @model_validator(mode="after")
    def _has_end(self) -> Self:
        if self.payload.einddatum is None:
            raise ValueError("payload.einddatum is required when an inschrijving ends")
        return self


class _KandidaatMessage(Message):
    payload: Kandidaat
    expected_status: ClassVar[KandidaatStatus]

    @model_validator(mode="after")
    def _status_fits(self) -> Self:
        if self.payload.status is not self.expected_status:
            raise ValueError(f"payload.status must be {self.expected_status.code} for {self.type}")
        return self


class ReactieOntvangen(_KandidaatMessage):
    type: Literal["reactie.ontvangen"] = "reactie.ontvangen"
    expected_status = KandidaatStatus.REA


class ReactieIngetrokken(_KandidaatMessage):
    type: Literal["reactie.ingetrokken"] = "reactie.ingetrokken"
    expected_status = KandidaatStatus.AFG


class KandidatenlijstVrijgegeven(Message):
    type: Literal["kandidatenlijst.vrijgegeven"] = "kandidatenlijst.vrijgegeven"
    payload: Kandidatenlijst

    @property
    def business_key(self) -> str:
        return self.payload.publicatie.id


class _AanbiedingMessage(Message):
    payload: Aanbieding
    expected_status: ClassVar[AanbiedingStatus]
    needs_reason: ClassVar[bool] = False

    @model_validator(mode="after")
    def _status_fits(self) -> Self:
        if self.payload.status is not self.expected_status:
            raise ValueError(f"payload.status must be {self.expected_status.code} for {self.type}")
        if self.needs_reason and self.payload.detail_status is None:
            raise ValueError(f"payload.detailStatus (the VERA reason code) is required for {self.type}")
        return self


class AanbiedingGedaan(_AanbiedingMessage):
    type: Literal["aanbieding.gedaan"] = "aanbieding.gedaan"
    expected_status = AanbiedingStatus.AAN


class AanbiedingGeweigerd(_AanbiedingMessage):
    type: Literal["aanbieding.geweigerd"] = "aanbieding.geweigerd"
    expected_status = AanbiedingStatus.GEW
    needs_reason = True


class AanbiedingVerlopen(_AanbiedingMessage):
    """The deadline passed without an answer: VERA records it as withdrawn (ING)."""

    type: Literal["aanbieding.verlopen"] = "aanbieding.verlopen"
    expected_status = AanbiedingStatus.ING


class AanbiedingGeaccepteerd(_AanbiedingMessage):
    type: Literal["aanbieding.geaccepteerd"] = "aanbieding.geaccepteerd"
    expected_status = AanbiedingStatus.TOE


class ToewijzingGedaan(Message):
    type: Literal["toewijzing.gedaan"] = "toewijzing.gedaan"
    payload: Toewijzing


class OvereenkomstGetekend(Message):
    type: Literal["overeenkomst.getekend"] = "overeenkomst.getekend"
    payload: Overeenkomst


class SanctieOpgelegd(Message):
    type: Literal["sanctie.opgelegd"] = "sanctie.opgelegd"
    payload: Sanctie


class ReclamatieIngediend(Message):
    type: Literal["reclamatie.ingediend"] = "reclamatie.ingediend"
    payload: Reclamatie


AnyMessage = Annotated[
    EenheidVrijgekomen
    | PublicatieAangeboden
    | PublicatieIngetrokken
    | PublicatieAfgerond
    | InschrijvingGeregistreerd
    | InschrijvingGewijzigd
    | InschrijvingBeeindigd
    | ReactieOntvangen
    | ReactieIngetrokken
    | KandidatenlijstVrijgegeven
    | AanbiedingGedaan
    | AanbiedingGeweigerd
    | AanbiedingVerlopen
    | AanbiedingGeaccepteerd
    | ToewijzingGedaan
    | OvereenkomstGetekend
    | SanctieOpgelegd
    | ReclamatieIngediend,
    Field(discriminator="type"),
]

_ADAPTER: TypeAdapter[AnyMessage] = TypeAdapter(AnyMessage)

MESSAGE_TYPES: dict[str, type[Message]] = {
    cls.model_fields["type"].default: cls
    for cls in (
        EenheidVrijgekomen,
        PublicatieAangeboden,
        PublicatieIngetrokken,
        PublicatieAfgerond,
        InschrijvingGeregistreerd,
        InschrijvingGewijzigd,
        InschrijvingBeeindigd,
        ReactieOntvangen,
        ReactieIngetrokken,
        KandidatenlijstVrijgegeven,
        AanbiedingGedaan,
        AanbiedingGeweigerd,
        AanbiedingVerlopen,
        AanbiedingGeaccepteerd,
        ToewijzingGedaan,
        OvereenkomstGetekend,
        SanctieOpgelegd,
        ReclamatieIngediend,
    )
}
"""Every message type by its `type` string."""


def parse_message(data: bytes | str | dict[str, Any]) -> Message:
    """Parse any canonical message into its own class; raises `pydantic.ValidationError` naming the field."""
    if isinstance(data, bytes | str):
        message: Message = _ADAPTER.validate_json(data)
    else:
        message = _ADAPTER.validate_python(data)
    return message
