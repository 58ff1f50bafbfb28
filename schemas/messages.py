"""Messages: an English envelope around a VERA-named payload, one message type per flow event.

`parse_message` turns any message (bytes, text or a dict) into its own class through a discriminated
union on `type`, so callers never guess which payload they hold.
"""

from __future__ import annotations

import builtins
import typing
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal, Self, TypeVar
from zoneinfo import ZoneInfo

from pydantic import Field, ModelWrapValidatorHandler, TypeAdapter, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from schemas.aanbieding import Aanbieding
from schemas.base import CanonicalModel
from schemas.codelist import DATED_CODES, Codelijst
from schemas.eenheid import Eenheid
from schemas.inschrijving import Inschrijving
from schemas.kandidaat import Kandidaat, Kandidatenlijst
from schemas.overeenkomst import Overeenkomst
from schemas.privacy import redacted_error
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

# A message's own date is the Dutch calendar day of its `occurredAt` (VERA's validity dates are Dutch days).
DUTCH_TIME = ZoneInfo("Europe/Amsterdam")

Identifier = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:\-]+$")]


class MessageSource(CanonicalModel):
    """Who sent a message: the tenant (corporation, portal, region) and its system (the adapter)."""

    tenant: Identifier
    system: Identifier


class Vrijkomen(CanonicalModel):
    """A corporation reports a vacancy: the unit, when it is free, and the model it asks for."""

    eenheid: Eenheid
    # Not a VERA attribute: a vendor's plain VERA Eenheid has none (the adapter then says what it assumed).
    beschikbaar_per: Datum | None = None
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
    # What the adapter derived or defaulted because the vendor's data did not carry it ("id derived from
    # the content", "beschikbaarPer defaulted to the day received"): said, never silently assumed.
    notices: list[Annotated[str, Field(max_length=300)]] | None = Field(default=None, max_length=100)
    payload: Any

    @model_validator(mode="wrap")
    @classmethod
    def _codes_valid_on_its_date(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        """Refuse a code VERA had not yet introduced, or had ended, on the day the message speaks of (its
        `occurredAt`, as a Dutch calendar day): every such code at once, with its list and validity."""
        # The context variable is set by hand, not through a context manager: this runs for every message,
        # and a generator-based one cost more than the check itself (SOAP decode: -6% against -3%).
        dated: list[Codelijst] = []
        token = DATED_CODES.set(dated)
        try:
            message = handler(data)
        finally:
            DATED_CODES.reset(token)
        if dated:
            day = message.occurred_at.astimezone(DUTCH_TIME).date()
            wrong = sorted(
                {f"{code.soort}.{code.code} ({code.validity()})" for code in dated if not code.valid_on(day)}
            )
            if wrong:
                raise PydanticCustomError(
                    "vera_code_not_valid_on_date",
                    "not valid on the message's date {day} by VERA's Referentiedata: {codes}",
                    {"day": day.isoformat(), "codes": "; ".join(wrong)},
                )
        return message

    @property
    def business_key(self) -> str:
        """What delivery orders by and the audit log groups by: the listing for every step of an
        allocation (so a receiver sees publicatie, offers, allocation and closing in order), else the
        payload's own id."""
        publicatie = getattr(self.payload, "publicatie", None)
        return str(publicatie.id) if publicatie is not None else str(self.payload.id)

    def caused(self, message_type: builtins.type[_M], payload: Any, source: MessageSource) -> _M:
        """A follow-up message in the same flow: same correlation id, this message as its cause."""
        # Every concrete message type defaults its own `type`; only the abstract base lacks one.
        return message_type(  # type: ignore[call-arg]
            correlation_id=self.correlation_id, causation_id=self.message_id, source=source, payload=payload
        )


def _type_of(message_type: builtins.type[Message]) -> str:
    """The `type` a message class declares (its payload rules name it in their errors)."""
    return str(message_type.model_fields["type"].default)


class EenheidVrijgekomen(Message):
    type: Literal["eenheid.vrijgekomen"] = "eenheid.vrijgekomen"
    payload: Vrijkomen

    @property
    def business_key(self) -> str:
        return self.payload.eenheid.id


class _PublicatieMessage(Message):
    payload: Publicatie
    expected_status: ClassVar[tuple[PublicatieStatus, ...]] = ()

    @field_validator("payload")
    @classmethod
    def _status_fits(cls, payload: Publicatie) -> Publicatie:
        if cls.expected_status and payload.status not in cls.expected_status:
            allowed = "/".join(s.code for s in cls.expected_status)
            raise ValueError(f"payload.status must be {allowed} for {_type_of(cls)}")
        return payload


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

    @field_validator("payload")
    @classmethod
    def _has_end(cls, payload: Inschrijving) -> Inschrijving:
        if payload.einddatum is None:
            raise ValueError("payload.einddatum is required when an inschrijving ends")
        return payload


class _KandidaatMessage(Message):
    payload: Kandidaat
    expected_status: ClassVar[KandidaatStatus]

    @field_validator("payload")
    @classmethod
    def _status_fits(cls, payload: Kandidaat) -> Kandidaat:
        if payload.status is not cls.expected_status:
            raise ValueError(f"payload.status must be {cls.expected_status.code} for {_type_of(cls)}")
        return payload


class ReactieOntvangen(_KandidaatMessage):
    type: Literal["reactie.ontvangen"] = "reactie.ontvangen"
    expected_status = KandidaatStatus.REA


class ReactieIngetrokken(_KandidaatMessage):
    type: Literal["reactie.ingetrokken"] = "reactie.ingetrokken"
    expected_status = KandidaatStatus.AFG


class KandidatenlijstVrijgegeven(Message):
    type: Literal["kandidatenlijst.vrijgegeven"] = "kandidatenlijst.vrijgegeven"
    payload: Kandidatenlijst


class _AanbiedingMessage(Message):
    payload: Aanbieding
    expected_status: ClassVar[AanbiedingStatus]
    needs_reason: ClassVar[bool] = False

    @field_validator("payload")
    @classmethod
    def _status_fits(cls, payload: Aanbieding) -> Aanbieding:
        if payload.status is not cls.expected_status:
            raise ValueError(f"payload.status must be {cls.expected_status.code} for {_type_of(cls)}")
        if cls.needs_reason and payload.detail_status is None:
            raise ValueError(f"payload.detailStatus (the VERA reason code) is required for {_type_of(cls)}")
        return payload


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


# The one list of message classes: MESSAGE_TYPES, parse_message and the JSON Schemas are derived from it
# (tests/schemas/test_messages_roundtrip.py fails when a Message subclass is left out).
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
    cls.model_fields["type"].default: cls for cls in typing.get_args(typing.get_args(AnyMessage)[0])
}
"""Every message type by its `type` string."""


def parse_message(data: bytes | str | dict[str, Any]) -> Message:
    """Parse any canonical message into its own class; raises `pydantic.ValidationError` naming the field.

    As everywhere in the model, the error carries no input values (see `schemas.privacy.redacted_error`).
    """
    try:
        if isinstance(data, bytes | str):
            message: Message = _ADAPTER.validate_json(data)
        else:
            message = _ADAPTER.validate_python(data)
    except ValidationError as error:
        raise redacted_error(error) from None
    return message
