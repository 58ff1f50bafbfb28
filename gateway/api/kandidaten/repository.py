"""Queries on candidate lists, for the owning corporation only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.flow.records import KandidaatRecord, PublicatieRecord

__all__ = ["owns", "ranked", "reacties"]


def owns(session: Session, publicatie_id: str, corporatie: str) -> bool:
    record = session.get(PublicatieRecord, publicatie_id)
    return record is not None and record.corporatie == corporatie


def ranked(session: Session, publicatie_id: str) -> Sequence[dict[str, Any]]:
    query = (
        select(KandidaatRecord.document)
        .where(KandidaatRecord.publicatie_id == publicatie_id, KandidaatRecord.positie.is_not(None))
        .order_by(KandidaatRecord.positie)
    )
    return session.scalars(query).all()


def reacties(session: Session, publicatie_id: str) -> int:
    query = select(func.count()).where(KandidaatRecord.publicatie_id == publicatie_id)
    return session.scalar(query) or 0
