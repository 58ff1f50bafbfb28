"""Queries on responses (Kandidaat rows), always through the registration's portal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.flow.records import InschrijvingRecord, KandidaatRecord, PublicatieRecord
from gateway.store.paging import PageRequest, fetch_page, where_given

__all__ = ["existing", "owned_inschrijving", "owned_kandidaat", "page_of", "publicatie_exists"]


def owned_inschrijving(session: Session, inschrijving_id: str, portal: str) -> bool:
    record = session.get(InschrijvingRecord, inschrijving_id)
    return record is not None and record.portal == portal


def publicatie_exists(session: Session, publicatie_id: str) -> bool:
    return session.get(PublicatieRecord, publicatie_id) is not None


def existing(session: Session, publicatie_id: str, inschrijving_id: str) -> bool:
    query = select(KandidaatRecord.id).where(
        KandidaatRecord.publicatie_id == publicatie_id, KandidaatRecord.inschrijving_id == inschrijving_id
    )
    return session.scalar(query) is not None


def owned_kandidaat(session: Session, kandidaat_id: str, portal: str) -> bool:
    query = (
        select(KandidaatRecord.id)
        .join(InschrijvingRecord, InschrijvingRecord.id == KandidaatRecord.inschrijving_id)
        .where(KandidaatRecord.id == kandidaat_id, InschrijvingRecord.portal == portal)
    )
    return session.scalar(query) is not None


def page_of(
    session: Session, portal: str, inschrijving_id: str | None, request: PageRequest
) -> tuple[Sequence[dict[str, Any]], int]:
    query = (
        select(KandidaatRecord.document)
        .join(InschrijvingRecord, InschrijvingRecord.id == KandidaatRecord.inschrijving_id)
        .where(InschrijvingRecord.portal == portal)
    )
    query = where_given(query, [(KandidaatRecord.inschrijving_id, inschrijving_id)])
    return fetch_page(session, query, request, KandidaatRecord.reactiedatum.desc(), KandidaatRecord.id)
