"""Queries on listings. Every query goes through `_visible`: a corporation sees only its own rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, Text, cast, func, select
from sqlalchemy.orm import Session

from gateway.flow.parameters import dutch_year_bounds
from gateway.flow.records import PublicatieRecord
from gateway.store.engine import Database
from gateway.store.paging import PageRequest, fetch_page, where_given
from gateway.tenants.service import Principal, Role

__all__ = ["aantallen", "document_of", "page_of", "read_document", "record_of"]


def _visible(query: Select[Any], principal: Principal) -> Select[Any]:
    if principal.role is Role.CORPORATION:
        return query.where(PublicatieRecord.corporatie == principal.tenant)
    return query


# The hot path's statement, as the driver takes it: parsed and planned by the database, not by the ORM.
# Kept beside `document_of` (the same query through SQLAlchemy); tests run both on SQLite and PostgreSQL.
_HOT_SQL = {
    "sqlite": ("SELECT CAST(document AS TEXT) FROM flow_publicatie WHERE id = ?", " AND corporatie = ?"),
    "postgresql": ("SELECT document::text FROM flow_publicatie WHERE id = %s", " AND corporatie = %s"),
}


def read_document(db: Database, publicatie_id: str, principal: Principal) -> str | None:
    """`document_of` on a pooled driver connection: the API's hot path. One indexed read in autocommit
    (SQLite) or a transaction ended at once (PostgreSQL), with the same tenant filter as `_visible`."""
    sql, owner = _HOT_SQL[db.dialect]
    parameters: tuple[str, ...] = (publicatie_id,)
    if principal.role is Role.CORPORATION:
        sql, parameters = sql + owner, (publicatie_id, principal.tenant)
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(sql, parameters)
            row = cursor.fetchone()
        finally:
            cursor.close()
        if db.dialect != "sqlite":
            connection.rollback()
    finally:
        connection.close()  # back to the pool
    return None if row is None else str(row[0])


def document_of(session: Session, publicatie_id: str, principal: Principal) -> str | None:
    """The stored canonical JSON text of a listing the principal may see, else None."""
    query = select(cast(PublicatieRecord.document, Text)).where(PublicatieRecord.id == publicatie_id)
    document: str | None = session.scalar(_visible(query, principal))
    return document


def page_of(
    session: Session,
    principal: Principal,
    *,
    gemeente: str | None,
    model: str | None,
    status: str | None,
    request: PageRequest,
) -> tuple[Sequence[str], int]:
    query = where_given(
        _visible(select(cast(PublicatieRecord.document, Text)), principal),
        [(PublicatieRecord.gemeente, gemeente), (PublicatieRecord.model, model), (PublicatieRecord.status, status)],
    )
    return fetch_page(session, query, request, PublicatieRecord.begindatum.desc(), PublicatieRecord.id)


def aantallen(session: Session, year: int, gemeente: str | None) -> list[tuple[str, str, str, int]]:
    """Listings published in `year` by gemeente, status and model (no persons, no single listings)."""
    start, end = dutch_year_bounds(year)  # the Dutch calendar year, as the reports count it
    query = (
        select(PublicatieRecord.gemeente, PublicatieRecord.status, PublicatieRecord.model, func.count())
        .where(PublicatieRecord.created_at >= start, PublicatieRecord.created_at < end)
        .group_by(PublicatieRecord.gemeente, PublicatieRecord.status, PublicatieRecord.model)
        .order_by(PublicatieRecord.gemeente, PublicatieRecord.status, PublicatieRecord.model)
    )
    if gemeente is not None:
        query = query.where(PublicatieRecord.gemeente == gemeente)
    return [(g, s, m, int(n)) for g, s, m, n in session.execute(query).all()]


def record_of(session: Session, publicatie_id: str, principal: Principal) -> PublicatieRecord | None:
    """The stored listing row, if the principal may see it."""
    record: PublicatieRecord | None = session.scalar(
        _visible(select(PublicatieRecord).where(PublicatieRecord.id == publicatie_id), principal)
    )
    return record
