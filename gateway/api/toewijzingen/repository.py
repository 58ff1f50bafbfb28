"""Queries on allocations: a corporation's own rows, and counts per year and gemeente."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Text, case, cast, func, select
from sqlalchemy.orm import Session

from gateway.flow.herkomst import HERKOMSTEN
from gateway.flow.records import ToewijzingRecord
from gateway.store.paging import PageRequest, fetch_page, where_given

__all__ = ["document_of", "groups", "herkomst", "page_of"]

_HERKOMST = HERKOMSTEN


def document_of(session: Session, toewijzing_id: str, corporatie: str) -> str | None:
    query = select(cast(ToewijzingRecord.document, Text)).where(
        ToewijzingRecord.id == toewijzing_id, ToewijzingRecord.corporatie == corporatie
    )
    document: str | None = session.scalar(query)
    return document


def page_of(
    session: Session, corporatie: str, *, jaar: int | None, gemeente: str | None, request: PageRequest
) -> tuple[Sequence[str], int]:
    query = select(cast(ToewijzingRecord.document, Text)).where(ToewijzingRecord.corporatie == corporatie)
    query = where_given(query, [(ToewijzingRecord.jaar, jaar), (ToewijzingRecord.gemeente, gemeente)])
    return fetch_page(session, query, request, ToewijzingRecord.datum.desc(), ToewijzingRecord.id)


def groups(session: Session, jaar: int | None, gemeente: str | None) -> list[tuple[int, str]]:
    """The (year, gemeente) pairs that have lettings, in order."""
    query = select(ToewijzingRecord.jaar, ToewijzingRecord.gemeente).distinct()
    if jaar is not None:
        query = query.where(ToewijzingRecord.jaar == jaar)
    if gemeente is not None:
        query = query.where(ToewijzingRecord.gemeente == gemeente)
    rows = session.execute(query.order_by(ToewijzingRecord.jaar, ToewijzingRecord.gemeente)).all()
    return [(int(year), str(code)) for year, code in rows]


def herkomst(session: Session, jaar: int, gemeente: str) -> dict[str, int]:
    t = ToewijzingRecord
    counts = select(*(func.coalesce(func.sum(case((t.herkomst == kind, 1), else_=0)), 0) for kind in _HERKOMST)).where(
        t.jaar == jaar, t.gemeente == gemeente
    )
    row = session.execute(counts).one()
    return {kind: int(value) for kind, value in zip(_HERKOMST, row, strict=True)}
