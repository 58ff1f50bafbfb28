"""Queries on registrations."""

from __future__ import annotations

from sqlalchemy.orm import Session

from gateway.flow.records import InschrijvingRecord

__all__ = ["get"]


def get(session: Session, inschrijving_id: str) -> InschrijvingRecord | None:
    return session.get(InschrijvingRecord, inschrijving_id)
