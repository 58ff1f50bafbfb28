"""The flow's tables: each canonical entity stored as its VERA JSON document, beside the key columns
the flow and the reports query by.

The document is the truth (it is what adapters and the API send); the columns are copies kept in the same
write, for indexes and for counting without parsing JSON. Personal data lives only in the documents of
`flow_inschrijving` (and the BSN only when the supplying portal sent one).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from gateway.store.base import Base, JSONDocument, UTCDateTime

__all__ = [
    "AanbiedingRecord",
    "EenheidRecord",
    "InschrijvingRecord",
    "IntakeCursor",
    "KandidaatRecord",
    "OvereenkomstRecord",
    "PublicatieRecord",
    "SanctieRecord",
    "ToewijzingRecord",
]

KEY = 100


class EenheidRecord(Base):
    __tablename__ = "flow_eenheid"

    id: Mapped[str] = mapped_column(String(KEY), primary_key=True)
    corporatie: Mapped[str] = mapped_column(String(KEY), index=True)
    gemeente: Mapped[str] = mapped_column(String(6))
    document: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PublicatieRecord(Base):
    __tablename__ = "flow_publicatie"
    __table_args__ = (Index(None, "status", "einddatum"), Index(None, "gemeente", "status"))

    id: Mapped[str] = mapped_column(String(KEY), primary_key=True)
    corporatie: Mapped[str] = mapped_column(String(KEY), index=True)
    eenheid_id: Mapped[str] = mapped_column(ForeignKey("flow_eenheid.id"))
    gemeente: Mapped[str] = mapped_column(String(6))
    model: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(3))
    begindatum: Mapped[datetime] = mapped_column(UTCDateTime)
    einddatum: Mapped[datetime] = mapped_column(UTCDateTime)
    daeb: Mapped[bool]
    binding: Mapped[bool]  # the listing gives priority to local or regional ties
    # Which kind it kept, each counted against its own cap (gateway.flow.binding).
    binding_lokaal: Mapped[bool] = mapped_column(default=False, server_default=false())
    binding_regionaal: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The lottery seed is drawn at publication and kept secret until the draw; its SHA-256 commitment
    # is public from the start, so anyone can check afterwards that the seed was not chosen later.
    lotingzaad: Mapped[str | None] = mapped_column(String(64), default=None)
    lotingzaad_commitment: Mapped[str | None] = mapped_column(String(64), default=None)
    correlation_id: Mapped[str] = mapped_column(String(KEY))
    document: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    kandidatenlijst: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InschrijvingRecord(Base):
    __tablename__ = "flow_inschrijving"

    id: Mapped[str] = mapped_column(String(KEY), primary_key=True)
    portal: Mapped[str] = mapped_column(String(KEY))  # the tenant that supplied it (and may see its BSN)
    status: Mapped[str] = mapped_column(String(3))
    gemeente: Mapped[str] = mapped_column(String(6))
    begindatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date, default=None)
    weigeringen: Mapped[int] = mapped_column(default=0)  # refused offers, for the sanction rule
    document: Mapped[dict[str, Any]] = mapped_column(JSONDocument)  # personal data; BSN only if supplied
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class KandidaatRecord(Base):
    """A response (status REA) and, once ranked, the candidate's place on the list."""

    __tablename__ = "flow_kandidaat"
    __table_args__ = (UniqueConstraint("publicatie_id", "inschrijving_id"),)

    id: Mapped[str] = mapped_column(String(KEY), primary_key=True)
    publicatie_id: Mapped[str] = mapped_column(ForeignKey("flow_publicatie.id"), index=True)
    inschrijving_id: Mapped[str] = mapped_column(ForeignKey("flow_inschrijving.id"), index=True)
    status: Mapped[str] = mapped_column(String(3))
    reactiedatum: Mapped[datetime] = mapped_column(UTCDateTime)
    positie: Mapped[int | None] = mapped_column(default=None)
    afwijzing: Mapped[list[str] | None] = mapped_column(JSONDocument, default=None)  # rejection reason codes
    eligibility: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, default=None)
    document: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AanbiedingRecord(Base):
    __tablename__ = "flow_aanbieding"
    __table_args__ = (Index(None, "status", "reageren_voor"),)

    id: Mapped[str] = mapped_column(String(KEY), primary_key=True)
    publicatie_id: Mapped[str] = mapped_column(ForeignKey("flow_publicatie.id"), index=True)
    kandidaat_id: Mapped[str] = mapped_column(ForeignKey("flow_kandidaat.id"))
    inschrijving_id: Mapped[str] = mapped_column(ForeignKey("flow_inschrijving.id"), index=True)
    status: Mapped[str] = mapped_column(String(3))
    detail_status: Mapped[str | None] = mapped_column(String(3), default=None)
    aangeboden_op: Mapped[datetime] = mapped_column(UTCDateTime)
    reageren_voor: Mapped[datetime] = mapped_column(UTCDateTime)
    document: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ToewijzingRecord(Base):
    """An allocation, with the figures the quotas and the municipality reports count."""

    __tablename__ = "flow_toewijzing"
    __table_args__ = (Index(None, "jaar", "gemeente"), Index(None, "jaar", "corporatie"))

    id: Mapped[str] = mapped_column(String(KEY), primary_key=True)
    publicatie_id: Mapped[str] = mapped_column(ForeignKey("flow_publicatie.id"), unique=True)
    inschrijving_id: Mapped[str] = mapped_column(ForeignKey("flow_inschrijving.id"), index=True)
    corporatie: Mapped[str] = mapped_column(String(KEY))
    gemeente: Mapped[str] = mapped_column(String(6))
    jaar: Mapped[int]
    datum: Mapped[datetime] = mapped_column(UTCDateTime)
    passendheidsoort: Mapped[str] = mapped_column(String(3))
    daeb: Mapped[bool]
    daeb_doelgroep: Mapped[bool]  # a DAEB unit let to a household within the DAEB income limit
    binding: Mapped[bool]  # allocated to a household that had the listing's binding priority
    herkomst: Mapped[str] = mapped_column(String(16))  # same gemeente / elsewhere in region / outside
    inschrijfduur_dagen: Mapped[int]
    reacties: Mapped[int]  # responses the listing had
    document: Mapped[dict[str, Any]] = mapped_column(JSONDocument)


class OvereenkomstRecord(Base):
    __tablename__ = "flow_overeenkomst"

    id: Mapped[str] = mapped_column(String(KEY), primary_key=True)
    toewijzing_id: Mapped[str] = mapped_column(ForeignKey("flow_toewijzing.id"), unique=True)
    corporatie: Mapped[str] = mapped_column(String(KEY))
    begindatum: Mapped[date] = mapped_column(Date)
    document: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SanctieRecord(Base):
    __tablename__ = "flow_sanctie"

    id: Mapped[str] = mapped_column(String(KEY), primary_key=True)
    inschrijving_id: Mapped[str] = mapped_column(ForeignKey("flow_inschrijving.id"), index=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IntakeCursor(Base):
    """How far the gateway has read each corporation's system (poll cursor or drop-folder position)."""

    __tablename__ = "flow_intake_cursor"

    corporatie: Mapped[str] = mapped_column(String(KEY), primary_key=True)
    adapter: Mapped[str] = mapped_column(String(KEY), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(String(1000), default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
