"""Queries on offers, filtered to the caller: a portal through its registrations, a corporation through its
listings. Other roles see none."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, Text, cast, false, select
from sqlalchemy.orm import Session

from gateway.flow.records import AanbiedingRecord, InschrijvingRecord, PublicatieRecord
from gateway.store.paging import PageRequest, fetch_page, where_given
from gateway.tenants.service import Principal, Role

__all__ = ["document_of", "page_of"]


def _visible(query: Select[Any], principal: Principal) -> Select[Any]:
    if principal.role is Role.PORTAL:
        return query.join(InschrijvingRecord, InschrijvingRecord.id == AanbiedingRecord.inschrijving_id).where(
            InschrijvingRecord.portal == principal.tenant
        )
    if principal.role is Role.CORPORATION:
        return query.join(PublicatieRecord, PublicatieRecord.id == AanbiedingRecord.publicatie_id).where(
            PublicatieRecord.corporatie == principal.tenant
        )
    return query.where(false())


def document_of(session: Session, aanbieding_id: str, principal: Principal) -> str | None:
    query = select(cast(AanbiedingRecord.document, Text)).where(AanbiedingRecord.id == aanbieding_id)
    document: str | None = session.scalar(_visible(query, principal))
    return document


def page_of(
    session: Session,
    principal: Principal,
    *,
    inschrijving: str | None,
    publicatie: str | None,
    status: str | None,
    request: PageRequest,
) -> tuple[Sequence[str], int]:
    query = where_given(
        _visible(select(cast(AanbiedingRecord.document, Text)), principal),
        [
            (AanbiedingRecord.inschrijving_id, inschrijving),
            (AanbiedingRecord.publicatie_id, publicatie),
            (AanbiedingRecord.status, status),
        ],
    )
    return fetch_page(session, query, request, AanbiedingRecord.aangeboden_op.desc(), AanbiedingRecord.id)
