"""The dashboard's reads. Every function takes `corporation`: None for a region-wide view (region staff),
else the signed-in corporation, and then returns only that corporation's rows.

Rows come back as small frozen dataclasses holding ids, codes, counts and times; free text from vendors
(error messages) goes through the API's personal-data scrubber before it is shown, and no field of a
seeker's registration (names, BSN, birth date, income, contact details) is ever read here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from gateway.core.logging import scrub
from gateway.delivery import breaker, deadletters
from gateway.flow.records import (
    AanbiedingRecord,
    KandidaatRecord,
    PublicatieRecord,
    ToewijzingRecord,
)
from gateway.inbound import health, rejections
from gateway.store.models import AuditEntry, DeliveryAttempt, InboxMessage, OutboxMessage
from gateway.store.paging import PageRequest, fetch_row_page, where_given

__all__ = [
    "AanbiedingRow",
    "AttemptRow",
    "AuditRow",
    "InboxRow",
    "KandidaatRow",
    "OutboxRow",
    "PollHealthRow",
    "PublicatieDetail",
    "PublicatieRow",
    "RejectionRow",
    "Trace",
    "TrafficRow",
    "breakers",
    "correlation_for",
    "dead_letters",
    "inbound_rejections",
    "poll_health",
    "publicatie",
    "publicaties",
    "recent_failures",
    "recent_messages",
    "recent_replays",
    "trace",
    "traffic",
    "years",
]

FAILED_OUTCOMES = ("transient", "permanent", "mapping", "lease_expired")


def _clean(text: str | None, limit: int = 300) -> str | None:
    """Vendor error text as it may be shown: personal data scrubbed, cut to a readable length."""
    if not text:
        return None
    cleaned = scrub(text)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


# --- overview -------------------------------------------------------------------------------------------


@dataclass
class TrafficRow:
    """Messages in and out of one corporation (or portal) through one adapter."""

    tenant: str
    adapter: str
    received: int = 0
    unprocessed: int = 0
    delivered: int = 0
    waiting: int = 0
    dead: int = 0
    failed_attempts: int = 0


def traffic(session: Session, corporation: str | None) -> list[TrafficRow]:
    rows: dict[tuple[str, str], TrafficRow] = {}

    def row(tenant: str, adapter: str) -> TrafficRow:
        return rows.setdefault((tenant, adapter), TrafficRow(tenant, adapter))

    inbox = select(
        InboxMessage.source_tenant,
        InboxMessage.source_system,
        func.count(),
        func.count(InboxMessage.id).filter(InboxMessage.processed_at.is_(None)),
    ).group_by(InboxMessage.source_tenant, InboxMessage.source_system)
    if corporation is not None:
        inbox = inbox.where(InboxMessage.source_tenant == corporation)
    for tenant, system, count, unprocessed in session.execute(inbox):
        target = row(tenant, system)
        target.received += count
        target.unprocessed += unprocessed

    outbox = select(OutboxMessage.corporation, OutboxMessage.adapter, OutboxMessage.status, func.count()).group_by(
        OutboxMessage.corporation, OutboxMessage.adapter, OutboxMessage.status
    )
    if corporation is not None:
        outbox = outbox.where(OutboxMessage.corporation == corporation)
    for tenant, adapter, status, count in session.execute(outbox):
        target = row(tenant, adapter)
        if status == "delivered":
            target.delivered += count
        elif status == "dead":
            target.dead += count
        else:
            target.waiting += count

    failed = (
        select(OutboxMessage.corporation, OutboxMessage.adapter, func.count())
        .select_from(DeliveryAttempt)
        .join(OutboxMessage, OutboxMessage.id == DeliveryAttempt.outbox_id)
        .where(DeliveryAttempt.outcome.in_(FAILED_OUTCOMES))
        .group_by(OutboxMessage.corporation, OutboxMessage.adapter)
    )
    if corporation is not None:
        failed = failed.where(OutboxMessage.corporation == corporation)
    for tenant, adapter, count in session.execute(failed):
        row(tenant, adapter).failed_attempts += count
    return [rows[key] for key in sorted(rows)]


@dataclass(frozen=True)
class RejectionRow:
    """Something refused at the boundary: by whose channel, what kind, where and why (no values)."""

    corporatie: str
    channel: str
    kind: str
    message_type: str | None
    location: str | None
    reason: str | None
    seen: int
    first_seen_at: datetime
    last_seen_at: datetime


def inbound_rejections(session: Session, corporation: str | None, limit: int = 50) -> list[RejectionRow]:
    """The latest refusals at the boundary (a corporation sees those of its own channel)."""
    return [
        RejectionRow(
            corporatie=row.corporatie,
            channel=row.channel,
            kind=row.kind,
            message_type=row.message_type,
            location=row.location,
            reason=_clean(row.reason),
            seen=row.seen,
            first_seen_at=row.first_seen_at,
            last_seen_at=row.last_seen_at,
        )
        for row in rejections.recent(session, corporation, limit=limit)
    ]


@dataclass(frozen=True)
class PollHealthRow:
    corporatie: str
    adapter: str
    healthy: bool
    reason: str | None
    failing_since: datetime | None
    last_poll_at: datetime


def poll_health(session: Session, corporation: str | None) -> list[PollHealthRow]:
    """Whether each corporation's system could be polled, unhealthy first."""
    return [
        PollHealthRow(row.corporatie, row.adapter, row.healthy, _clean(row.reason), row.failing_since, row.last_poll_at)
        for row in health.all_health(session, corporation)
    ]


def breakers(session: Session, corporation: str | None) -> list[breaker.BreakerView]:
    views = breaker.list_breakers(session)
    if corporation is None:
        return views
    return [view for view in views if view.endpoint.split("/", 1)[0] == corporation]


@dataclass(frozen=True)
class FailureRow:
    outbox_id: int
    type: str
    endpoint: str
    correlation_id: str
    attempt_no: int
    at: datetime
    outcome: str
    status_code: int | None
    error_class: str | None
    error: str | None


def recent_failures(session: Session, corporation: str | None, limit: int = 15) -> list[FailureRow]:
    query = (
        select(DeliveryAttempt, OutboxMessage.type, OutboxMessage.endpoint, OutboxMessage.correlation_id)
        .join(OutboxMessage, OutboxMessage.id == DeliveryAttempt.outbox_id)
        .where(DeliveryAttempt.outcome.in_(FAILED_OUTCOMES))
        .order_by(DeliveryAttempt.finished_at.desc(), DeliveryAttempt.id.desc())
        .limit(limit)
    )
    if corporation is not None:
        query = query.where(OutboxMessage.corporation == corporation)
    return [
        FailureRow(
            outbox_id=attempt.outbox_id,
            type=kind,
            endpoint=endpoint,
            correlation_id=correlation,
            attempt_no=attempt.attempt_no,
            at=attempt.finished_at,
            outcome=attempt.outcome,
            status_code=attempt.status_code,
            error_class=attempt.error_class,
            error=_clean(attempt.error),
        )
        for attempt, kind, endpoint, correlation in session.execute(query).all()
    ]


def dead_letters(session: Session, corporation: str | None, limit: int = 200) -> list[deadletters.DeadLetter]:
    letters = deadletters.list_dead_letters(session, corporation=corporation, limit=limit)
    return [replace(letter, reason=_clean(letter.reason)) for letter in letters]


@dataclass(frozen=True)
class OutboxRow:
    id: int
    type: str
    corporation: str
    adapter: str
    endpoint: str
    status: str
    attempts: int
    generation: int
    parent_id: int | None
    correlation_id: str
    message_id: str
    business_key: str | None
    created_at: datetime
    delivered_at: datetime | None
    dead_at: datetime | None
    last_error: str | None
    last_status: int | None
    replayed_by: str | None
    replayed_at: datetime | None
    replay_reason: str | None

    @classmethod
    def of(cls, row: OutboxMessage) -> OutboxRow:
        return cls(
            id=row.id,
            type=row.type,
            corporation=row.corporation,
            adapter=row.adapter,
            endpoint=row.endpoint,
            status=row.status,
            attempts=row.attempts,
            generation=row.generation,
            parent_id=row.parent_id,
            correlation_id=row.correlation_id,
            message_id=row.message_id,
            business_key=row.business_key,
            created_at=row.created_at,
            delivered_at=row.delivered_at,
            dead_at=row.dead_at,
            last_error=_clean(row.last_error),
            last_status=row.last_status,
            replayed_by=row.replayed_by,
            replayed_at=row.replayed_at,
            replay_reason=_clean(row.replay_reason, 200),
        )


def _outbox_query(corporation: str | None) -> Select[Any]:
    query = select(OutboxMessage)
    if corporation is not None:
        query = query.where(OutboxMessage.corporation == corporation)
    return query


def recent_replays(session: Session, corporation: str | None, limit: int = 15) -> list[OutboxRow]:
    query = _outbox_query(corporation).where(OutboxMessage.parent_id.is_not(None))
    rows = session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit))
    return [OutboxRow.of(row) for row in rows]


def recent_messages(session: Session, corporation: str | None, limit: int = 15) -> list[OutboxRow]:
    rows = session.scalars(_outbox_query(corporation).order_by(OutboxMessage.id.desc()).limit(limit))
    return [OutboxRow.of(row) for row in rows]


def outbox_owner(session: Session, outbox_id: int) -> str | None:
    """The corporation a stored outbox message is addressed to (None: no such message)."""
    owner: str | None = session.scalar(select(OutboxMessage.corporation).where(OutboxMessage.id == outbox_id))
    return owner


# --- listings -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicatieRow:
    id: str
    corporatie: str
    gemeente: str
    model: str
    status: str
    begindatum: datetime
    einddatum: datetime
    reacties: int
    toegewezen: bool
    correlation_id: str


def _reacties_count() -> Any:
    return (
        select(func.count(KandidaatRecord.id))
        .where(KandidaatRecord.publicatie_id == PublicatieRecord.id)
        .correlate(PublicatieRecord)
        .scalar_subquery()
    )


def publicaties(
    session: Session,
    corporation: str | None,
    *,
    status: str | None = None,
    gemeente: str | None = None,
    request: PageRequest,
) -> tuple[list[PublicatieRow], int]:
    p = PublicatieRecord
    toegewezen = select(ToewijzingRecord.id).where(ToewijzingRecord.publicatie_id == p.id).correlate(p).exists()
    query = select(
        p.id,
        p.corporatie,
        p.gemeente,
        p.model,
        p.status,
        p.begindatum,
        p.einddatum,
        _reacties_count(),
        toegewezen,
        p.correlation_id,
    )
    query = where_given(query, [(p.corporatie, corporation), (p.status, status), (p.gemeente, gemeente)])
    rows, total = fetch_row_page(session, query, request, p.begindatum.desc(), p.id)
    return [PublicatieRow(*row) for row in rows], total


def publicatie_filters(session: Session, corporation: str | None) -> tuple[list[str], list[str]]:
    """The statuses and gemeenten the viewer's listings have (for the filter form)."""
    p = PublicatieRecord
    statuses = select(p.status).distinct()
    gemeenten = select(p.gemeente).distinct()
    if corporation is not None:
        statuses, gemeenten = statuses.where(p.corporatie == corporation), gemeenten.where(p.corporatie == corporation)
    return sorted(session.scalars(statuses)), sorted(session.scalars(gemeenten))


@dataclass(frozen=True)
class Criterium:
    criterium: str
    waarde: str
    omschrijving: str


@dataclass(frozen=True)
class KandidaatRow:
    """One place on the ranked list: no person, only what explains the place."""

    positie: int
    inschrijving_id: str
    huishoudgrootte: int | None
    passendheidsoort: str | None
    status: str | None
    criteria: tuple[Criterium, ...]


@dataclass(frozen=True)
class AanbiedingRow:
    id: str
    inschrijving_id: str
    positie: int | None
    status: str
    detail_status: str | None
    aangeboden_op: datetime
    reageren_voor: datetime


@dataclass
class PublicatieDetail:
    id: str
    corporatie: str
    gemeente: str
    gemeente_naam: str | None
    eenheid_id: str
    kamers: int | None
    rekenhuur: str | None
    model: str
    status: str
    daeb: bool
    binding: bool
    begindatum: datetime
    einddatum: datetime
    correlation_id: str
    lotingzaad_commitment: str | None
    lotingzaad: str | None
    reacties: int
    afgewezen: dict[str, int]
    kandidatenlijst_vastgesteld: str | None
    kandidaten: list[KandidaatRow] = field(default_factory=list)
    aanbiedingen: list[AanbiedingRow] = field(default_factory=list)
    toewijzing: dict[str, Any] | None = None


def _code(value: Any) -> str | None:
    return value.get("code") if isinstance(value, dict) else None


def publicatie(session: Session, publicatie_id: str, corporation: str | None) -> PublicatieDetail | None:
    """One listing the viewer may see (None: absent or another corporation's), without its candidates."""
    query = select(PublicatieRecord).where(PublicatieRecord.id == publicatie_id)
    if corporation is not None:
        query = query.where(PublicatieRecord.corporatie == corporation)
    record = session.scalars(query).one_or_none()
    if record is None:
        return None
    units = record.document.get("eenheden") or [{}]
    unit = units[0] if isinstance(units[0], dict) else {}
    gemeente = (unit.get("adres") or {}).get("gemeente") or {}
    rekenhuur = unit.get("rekenhuur")
    reacties = session.scalar(
        select(func.count()).select_from(KandidaatRecord).where(KandidaatRecord.publicatie_id == record.id)
    )
    afgewezen: Counter[str] = Counter()
    for reasons in session.scalars(
        select(KandidaatRecord.afwijzing).where(
            KandidaatRecord.publicatie_id == record.id, KandidaatRecord.afwijzing.is_not(None)
        )
    ):
        afgewezen.update(reasons or [])
    lijst = record.kandidatenlijst or {}
    return PublicatieDetail(
        id=record.id,
        corporatie=record.corporatie,
        gemeente=record.gemeente,
        gemeente_naam=gemeente.get("naam"),
        eenheid_id=record.eenheid_id,
        kamers=unit.get("kamersAantal"),
        rekenhuur=None if rekenhuur is None else f"{float(rekenhuur):.2f}",
        model=record.model,
        status=record.status,
        daeb=record.daeb,
        binding=record.binding,
        begindatum=record.begindatum,
        einddatum=record.einddatum,
        correlation_id=record.correlation_id,
        lotingzaad_commitment=record.lotingzaad_commitment,
        # The seed is secret until the draw; once the list is out it is public (on the list itself).
        lotingzaad=lijst.get("lotingzaad"),
        reacties=reacties or 0,
        afgewezen=dict(sorted(afgewezen.items())),
        kandidatenlijst_vastgesteld=lijst.get("vastgesteldOp"),
    )


def fill_candidates(session: Session, detail: PublicatieDetail) -> None:
    """Add the ranked list, the offers and the allocation to a listing (only for viewers allowed them)."""
    record = session.get(PublicatieRecord, detail.id)
    lijst = (record.kandidatenlijst if record is not None else None) or {}
    current = dict(
        session.execute(
            select(KandidaatRecord.id, KandidaatRecord.status).where(KandidaatRecord.publicatie_id == detail.id)
        ).all()
    )
    for kandidaat in lijst.get("kandidaten") or []:
        volwassenen, kinderen = kandidaat.get("aantalVolwassenen"), kandidaat.get("aantalKinderen")
        size = None if volwassenen is None else volwassenen + (kinderen or 0)
        detail.kandidaten.append(
            KandidaatRow(
                positie=int(kandidaat.get("positie") or 0),
                inschrijving_id=str((kandidaat.get("inschrijving") or {}).get("id", "")),
                huishoudgrootte=size,
                passendheidsoort=_code(kandidaat.get("passendheidsoort")),
                status=current.get(kandidaat.get("id")) or _code(kandidaat.get("status")),
                criteria=tuple(
                    Criterium(str(c.get("criterium", "")), str(c.get("waarde", "")), str(c.get("omschrijving", "")))
                    for c in kandidaat.get("rangschikking") or []
                ),
            )
        )
    positions = {row.inschrijving_id: row.positie for row in detail.kandidaten}
    offers = session.scalars(
        select(AanbiedingRecord)
        .where(AanbiedingRecord.publicatie_id == detail.id)
        .order_by(AanbiedingRecord.aangeboden_op, AanbiedingRecord.id)
    )
    detail.aanbiedingen = [
        AanbiedingRow(
            id=offer.id,
            inschrijving_id=offer.inschrijving_id,
            positie=positions.get(offer.inschrijving_id),
            status=offer.status,
            detail_status=offer.detail_status,
            aangeboden_op=offer.aangeboden_op,
            reageren_voor=offer.reageren_voor,
        )
        for offer in offers
    ]
    allocation = session.scalars(
        select(ToewijzingRecord).where(ToewijzingRecord.publicatie_id == detail.id)
    ).one_or_none()
    if allocation is not None:
        # The figures the quotas count; the allocation's income and rent for the test are left out.
        detail.toewijzing = {
            "id": allocation.id,
            "inschrijving_id": allocation.inschrijving_id,
            "datum": allocation.datum,
            "passendheidsoort": allocation.passendheidsoort,
            "huishoudgrootte": allocation.document.get("huishoudgrootte"),
            "herkomst": allocation.herkomst,
            "binding": allocation.binding,
            "daeb_doelgroep": allocation.daeb_doelgroep,
        }


# --- traces ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxRow:
    id: int
    source_tenant: str
    source_system: str
    message_id: str
    type: str
    received_at: datetime
    processed_at: datetime | None


@dataclass(frozen=True)
class AttemptRow:
    outbox_id: int
    attempt_no: int
    worker: str | None
    started_at: datetime
    finished_at: datetime
    outcome: str
    status_code: int | None
    error_class: str | None
    error: str | None
    next_attempt_at: datetime | None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str | None
    publicatie_id: str | None
    inschrijving_id: str | None
    message_id: str | None
    detail: str
    attempt: int | None = None  # for delivery entries: which attempt of the outbox message


@dataclass
class Trace:
    correlation_id: str
    publicaties: list[str]
    inbox: list[InboxRow]
    outbox: list[OutboxRow]
    attempts: dict[int, list[AttemptRow]]
    audit: list[AuditRow]


def correlation_for(session: Session, text: str, corporation: str | None) -> str | None:
    """The correlation id that `text` names: itself, or that of a message id or listing id."""
    candidates: list[Select[Any]] = [
        select(OutboxMessage.correlation_id).where(
            or_(OutboxMessage.correlation_id == text, OutboxMessage.message_id == text)
        ),
        select(InboxMessage.correlation_id).where(
            or_(InboxMessage.correlation_id == text, InboxMessage.message_id == text)
        ),
        select(PublicatieRecord.correlation_id).where(
            or_(PublicatieRecord.correlation_id == text, PublicatieRecord.id == text)
        ),
    ]
    if corporation is None:
        candidates.append(
            select(AuditEntry.correlation_id).where(
                AuditEntry.correlation_id.is_not(None),
                or_(AuditEntry.correlation_id == text, AuditEntry.message_id == text),
            )
        )
    else:
        candidates[0] = candidates[0].where(OutboxMessage.corporation == corporation)
        candidates[1] = candidates[1].where(InboxMessage.source_tenant == corporation)
        candidates[2] = candidates[2].where(PublicatieRecord.corporatie == corporation)
    for query in candidates:
        found = session.scalars(query.limit(1)).first()
        if isinstance(found, str) and found:
            return found
    return None


def _detail_text(detail: dict[str, Any]) -> str:
    # Audit details hold plain facts (attempt, status, destination); shown as `key=value` pairs.
    return ", ".join(f"{key}={value}" for key, value in sorted(detail.items()) if value not in (None, "", []))


def _attempt_of(detail: dict[str, Any]) -> int | None:
    value = detail.get("attempt")
    return value if isinstance(value, int) else None


def trace(session: Session, correlation_id: str, corporation: str | None, limit: int = 2000) -> Trace | None:
    """Everything recorded under one correlation id that the viewer may see; None when that is nothing.

    A corporation sees its own messages in and out, and the audit entries about its own listings and
    messages; a correlation id it has no row under is "not found" to it.
    """
    outbox_rows = list(
        session.scalars(
            _outbox_query(corporation)
            .where(OutboxMessage.correlation_id == correlation_id)
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )
    inbox_query = select(InboxMessage).where(InboxMessage.correlation_id == correlation_id)
    if corporation is not None:
        inbox_query = inbox_query.where(InboxMessage.source_tenant == corporation)
    inbox_rows = list(session.scalars(inbox_query.order_by(InboxMessage.id).limit(limit)))
    listing_query = select(PublicatieRecord.id).where(PublicatieRecord.correlation_id == correlation_id)
    if corporation is not None:
        listing_query = listing_query.where(PublicatieRecord.corporatie == corporation)
    listings = list(session.scalars(listing_query.order_by(PublicatieRecord.id)))

    audit_query = select(AuditEntry).where(AuditEntry.correlation_id == correlation_id)
    if corporation is not None:
        own_listings = select(PublicatieRecord.id).where(PublicatieRecord.corporatie == corporation)
        audit_query = audit_query.where(
            or_(
                AuditEntry.publicatie_id.in_(own_listings),
                and_(AuditEntry.entity_type == "outbox", AuditEntry.entity_id.in_([str(r.id) for r in outbox_rows])),
                and_(AuditEntry.entity_type == "inbox", AuditEntry.entity_id.in_([str(r.id) for r in inbox_rows])),
            )
        )
    audit_rows = list(session.scalars(audit_query.order_by(AuditEntry.id).limit(limit)))
    if not (outbox_rows or inbox_rows or listings or audit_rows):
        return None
    if corporation is not None and not (outbox_rows or inbox_rows or listings):
        return None

    attempts: dict[int, list[AttemptRow]] = {}
    for attempt in deadletters.attempts_of(session, [row.id for row in outbox_rows]):
        attempts.setdefault(attempt.outbox_id, []).append(
            AttemptRow(
                outbox_id=attempt.outbox_id,
                attempt_no=attempt.attempt_no,
                worker=attempt.worker,
                started_at=attempt.started_at,
                finished_at=attempt.finished_at,
                outcome=attempt.outcome,
                status_code=attempt.status_code,
                error_class=attempt.error_class,
                error=_clean(attempt.error),
                next_attempt_at=attempt.next_attempt_at,
            )
        )
    return Trace(
        correlation_id=correlation_id,
        publicaties=listings,
        inbox=[
            InboxRow(r.id, r.source_tenant, r.source_system, r.message_id, r.type, r.received_at, r.processed_at)
            for r in inbox_rows
        ],
        outbox=[OutboxRow.of(row) for row in outbox_rows],
        attempts=attempts,
        audit=[
            AuditRow(
                id=entry.id,
                at=entry.at,
                actor=entry.actor,
                action=entry.action,
                entity_type=entry.entity_type,
                entity_id=entry.entity_id,
                publicatie_id=entry.publicatie_id,
                inschrijving_id=entry.inschrijving_id,
                message_id=entry.message_id,
                detail=_detail_text(entry.detail or {}),
                attempt=_attempt_of(entry.detail or {}),
            )
            for entry in audit_rows
        ],
    )


# --- figures --------------------------------------------------------------------------------------------


def years(session: Session, corporation: str | None, fallback: int) -> list[int]:
    """Years with lettings (newest first); `fallback` when there are none."""
    query = select(ToewijzingRecord.jaar).distinct()
    if corporation is not None:
        query = query.where(ToewijzingRecord.corporatie == corporation)
    found = sorted(set(session.scalars(query)), reverse=True)
    return found or [fallback]
