"""The one inbound pipeline: every way a message enters goes through here.

    parse (the adapter, or the API's body model)
    -> ownership check (`gateway.inbound.ownership`): refused, audited with the real sender, shown
    -> idempotent inbox (`gateway.delivery.inbox`): stored before anything is applied or acknowledged
    -> apply to the flow, each message in its own transaction
    -> on failure: a rejection with its located reason (the inbox row is marked processed, the audit
       log says `inbox.refused`, `inbound_rejection` keeps it for the dashboard) and the next goes on.

The API's POST /berichten, the vendor webhook, the intake poll and `woonbrug import` all call it; none
of them applies a message itself. One bad record, one refused message or one failing database write
never stops the others: a batch that fails is taken again row by row, so only the bad row is lost.
Only an unreachable store (`OperationalError`) is not a refusal: it is raised, the message stays stored
and unapplied, and `apply_pending` applies it in a later round.

What is refused is remembered by content (`gateway.inbound.rejections`): the same bad record or
refused message arriving again is counted, not logged, audited or shown again; a message already in
the inbox and applied (an unchanged unit in a poll) is passed over without a trace.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from adapters import Decoded, MappingError
from gateway.core.logging import scrub
from gateway.delivery import inbox
from gateway.flow.service import FlowError, FlowService
from gateway.flow.transitions import IllegalTransition
from gateway.inbound import rejections
from gateway.inbound.ownership import Channel, Via, Violation, check
from gateway.store import audit
from gateway.store.audit import AuditKeys
from gateway.store.models import InboxMessage
from schemas import Message, parse_message

__all__ = [
    "NOT_OWNER",
    "RECORD_REJECTED",
    "REFUSED",
    "Admission",
    "InboundPipeline",
    "InboundResult",
    "Refusal",
    "audit_not_owner",
    "reason_of",
]

log = logging.getLogger(__name__)

REFUSED = "inbox.refused"  # the audit action of a message the flow refused
NOT_OWNER = "inbound.not_owner"  # the audit action of a message refused by the ownership check
RECORD_REJECTED = "intake.rejected"  # the audit action of a record the adapter could not translate
REGISTRATION_TYPES = frozenset({"inschrijving.geregistreerd", "inschrijving.gewijzigd"})

T = TypeVar("T")


@dataclass(frozen=True)
class Refusal:
    """One thing refused: which message (None for a record that never became one), where, and why."""

    message_id: str | None
    where: str | None
    reason: str

    def __str__(self) -> str:
        subject = f"message {self.message_id}" if self.message_id else "record"
        return f"{subject} at {self.where}: {self.reason}" if self.where else f"{subject}: {self.reason}"


@dataclass
class InboundResult:
    """What one call of the pipeline did, by outcome."""

    received: int = 0  # new in the inbox
    duplicates: int = 0  # in the inbox already (a repeat), not applied again
    unchanged: int = 0  # seen and applied before: passed over without a trace (polls only)
    skipped: int = 0  # read and passed over by the adapter on purpose, e.g. a unit that is no vacancy (polls)
    rejected: int = 0  # records the adapter could not translate
    not_owner: int = 0  # refused by the ownership check
    refused_by_flow: int = 0  # stored, but the flow (or the store) refused to apply them
    errors: list[str] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)  # each refusal, where and why (no values)

    def add(self, other: InboundResult) -> None:
        self.received += other.received
        self.duplicates += other.duplicates
        self.unchanged += other.unchanged
        self.skipped += other.skipped
        self.rejected += other.rejected
        self.not_owner += other.not_owner
        self.refused_by_flow += other.refused_by_flow
        self.errors += other.errors
        self.refusals += other.refusals


@dataclass(frozen=True)
class Admission:
    """The outcome of admitting one message: its inbox row, or the ownership rule it broke."""

    inbox_id: int | None
    duplicate: bool = False
    processed: bool = False
    violation: Violation | None = None


def reason_of(error: Exception) -> str:
    """The text kept for a refusal: the flow's own reasons (ids, never persons) as they are; for a store
    or programming error only its kind, since such texts can quote the values of a row."""
    # The flow's LookupErrors name ids (an unknown corporatie, a model the region does not rank); a KeyError
    # is a failed dict lookup and its text is the key, which may be a value.
    if isinstance(error, FlowError | IllegalTransition | LookupError) and not isinstance(error, KeyError):
        return scrub(str(error))[: rejections.REASON_LIMIT]
    if isinstance(error, SQLAlchemyError):
        cause = type(getattr(error, "orig", None) or error).__name__
        return f"the store refused the change ({cause})"
    return f"the message could not be applied ({type(error).__name__})"


def audit_not_owner(
    session: Session, *, at: datetime, sender: str, detail: Mapping[str, Any], keys: AuditKeys | None = None
) -> None:
    """Keep an ownership refusal in the audit log under its real sender (the channel's tenant, whoever
    the message claims to come from): the pipeline's refused messages and the webhook's foreign callers."""
    audit.record(
        session,
        at=at,
        actor=sender,
        action=NOT_OWNER,
        entity_type="inbound",
        entity_id=sender,
        keys=keys,
        detail=detail,
    )


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class InboundPipeline:
    """The pipeline over one region's flow. Cheap to create; holds nothing between calls."""

    def __init__(self, flow: FlowService) -> None:
        self.flow = flow
        self.db = flow.db
        self.clock = flow.clock

    # --- whole batches (poll, webhook, import) ---------------------------------------------------------

    def take(
        self,
        channel: Channel,
        items: Iterable[Decoded],
        *,
        adapter: str,
        batch_size: int = 500,
    ) -> InboundResult:
        """Admit and apply everything an adapter decoded on `channel`, batch by batch.

        Registrations are applied in the batch's own transaction with their inbox rows (a first migration
        holds tens of thousands); when a batch fails, it is taken again one row per transaction, so only
        the bad row is refused. Other messages are applied one per transaction after their batch is stored.
        """
        result = InboundResult()
        for chunk in _batched(items, batch_size):
            messages = [item for item in chunk if not isinstance(item, MappingError)]
            errors = [item for item in chunk if isinstance(item, MappingError)]
            if errors:
                result.rejected += len(errors)
                with self.db.transaction() as session:
                    for error in errors:
                        result.refusals.append(self._reject_record(session, channel, error, adapter))
            later: list[tuple[int, Message]] = []
            try:
                with self.db.transaction() as session:
                    outcome = InboundResult()
                    batch_later = [self._admit_in_batch(session, channel, m, outcome) for m in messages]
                later = [pair for pair in batch_later if pair is not None]
                result.add(outcome)
            except OperationalError:
                raise  # the store is unreachable: nothing is refused; the caller tries again later
            except Exception as error:  # one bad row must not lose the batch: row by row
                log.warning(
                    "inbound batch from %s failed (%s); taking it row by row", channel.tenant, type(error).__name__
                )
                for message in messages:
                    outcome = InboundResult()
                    try:
                        with self.db.transaction() as session:
                            pair = self._admit_in_batch(session, channel, message, outcome)
                        result.add(outcome)
                        if pair is not None:
                            later.append(pair)
                    except OperationalError:
                        raise
                    except Exception as row_error:  # the bad row is refused with its reason
                        result.refused_by_flow += 1
                        reason = self._refuse_unstored(channel, message, row_error)
                        result.refusals.append(Refusal(message.message_id, None, reason))
            for inbox_id, message in later:
                refusal = self.apply(channel, inbox_id, message)
                if refusal is not None:
                    result.refused_by_flow += 1
                    result.refusals.append(Refusal(message.message_id, None, refusal))
        return result

    def _admit_in_batch(
        self, session: Session, channel: Channel, message: Message, result: InboundResult
    ) -> tuple[int, Message] | None:
        """Admit one message of a batch; registrations are applied right here. Returns what to apply later."""
        if channel.via is Via.POLL and self._applied_before(session, message):
            result.unchanged += 1
            return None
        admission = self.admit(session, channel, message)
        if admission.violation is not None:
            result.not_owner += 1
            violation = admission.violation
            result.refusals.append(Refusal(message.message_id, violation.pointer, violation.reason))
            return None
        assert admission.inbox_id is not None
        if admission.duplicate:
            result.duplicates += 1
        else:
            result.received += 1
        if admission.processed:
            return None
        if message.type in REGISTRATION_TYPES:
            self.flow.register_in(session, message.payload, message.source.tenant, self.clock.now())
            inbox.mark_processed(session, admission.inbox_id, clock=self.clock)
            return None
        return admission.inbox_id, message

    @staticmethod
    def _applied_before(session: Session, message: Message) -> bool:
        row = session.execute(
            select(InboxMessage.processed_at).where(
                InboxMessage.source_tenant == message.source.tenant, InboxMessage.message_id == message.message_id
            )
        ).one_or_none()
        return row is not None and row[0] is not None

    # --- single steps (the API uses them one by one) -----------------------------------------------------

    def admit(self, session: Session, channel: Channel, message: Message) -> Admission:
        """Check ownership and store `message` in the inbox, in the caller's transaction."""
        violation = check(session, channel, message)
        if violation is not None:
            self.refuse_not_owner(session, channel, message, violation)
            return Admission(None, violation=violation)
        receipt = inbox.receive(session, message, clock=self.clock, actor=channel.tenant)
        return Admission(
            receipt.stored.id, duplicate=receipt.duplicate, processed=receipt.stored.processed_at is not None
        )

    def refuse_not_owner(self, session: Session, channel: Channel, message: Message, violation: Violation) -> None:
        """Keep, audit (with the real sender: the channel's tenant) and show an ownership refusal."""
        digest = rejections.content_hash(rejections.OWNERSHIP, message.model_dump(mode="json"))
        first = rejections.remember(
            session,
            channel,
            kind=rejections.OWNERSHIP,
            reason=violation.reason,
            digest=digest,
            now=self.clock.now(),
            location=violation.pointer,
            message_type=message.type,
            message_id=message.message_id,
        )
        if not first:
            return
        log.warning(
            "inbound %s %s through %s (%s) refused: %s",
            message.type,
            message.message_id,
            channel.tenant,
            channel.via.value,
            violation,
        )
        audit_not_owner(
            session,
            at=self.clock.now(),
            sender=channel.tenant,
            keys=audit.keys_of(message),
            detail={
                "channel": channel.via.value,
                "type": message.type,
                "claimed_tenant": message.source.tenant,
                "pointer": violation.pointer,
                "reason": violation.reason,
            },
        )

    def apply(self, channel: Channel, inbox_id: int, message: Message) -> str | None:
        """Apply one stored message in its own transaction; on failure keep the reason. Returns the reason,
        None when applied. The inbox row is marked processed either way (a refusal is not retried)."""
        reason: str | None = None
        try:
            self.flow.handle(message, tenant=message.source.tenant)
        except OperationalError:
            raise  # the store is unreachable: the message stays unapplied and is applied by a later round
        except Exception as error:  # a poison message is refused with its reason; the rest goes on
            reason = reason_of(error)
            log.warning("inbound %s %s refused by the flow: %s", message.type, message.message_id, reason)
        try:
            with self.db.transaction() as session:
                if reason is not None:
                    self._refuse_inbox_row(session, channel, inbox_id, reason, actor=channel.tenant, message=message)
                inbox.mark_processed(session, inbox_id, clock=self.clock)
        except LookupError:
            pass  # applied meanwhile by another consumer (the intake or a concurrent repeat); its record stands
        return reason

    def apply_pending(self, *, limit: int = 100) -> int:
        """Apply every stored, unapplied message (a crash between storing and applying); returns how many
        were refused. The channel is the one each was stored through (its source tenant)."""
        refused = 0
        while True:
            with self.db.session() as session:
                pending = inbox.unprocessed(session, limit=limit, lock=False)
                batch = [(row.id, row.source_tenant, row.payload) for row in pending]
            if not batch:
                return refused
            for inbox_id, tenant, payload in batch:
                try:
                    message = parse_message(payload)
                except ValueError as error:  # stored by an older version and no longer canonical
                    refused += 1
                    self._refuse_stored_payload(Channel(tenant, Via.POLL), inbox_id, error)
                    continue
                if self.apply(Channel(tenant, Via.POLL), inbox_id, message) is not None:
                    refused += 1

    # --- helpers ---------------------------------------------------------------------------------------

    def _reject_record(self, session: Session, channel: Channel, error: MappingError, adapter: str) -> Refusal:
        """A record the adapter could not translate: kept once by what and where, audited on first sight."""
        where = str(error.location)
        reason = scrub(error.reason)[: rejections.REASON_LIMIT]
        first = rejections.remember(
            session,
            channel,
            kind=rejections.MAPPING,
            reason=reason,
            digest=rejections.content_hash(rejections.MAPPING, adapter, where, reason),
            now=self.clock.now(),
            location=where,
        )
        if not first:
            return Refusal(None, where, reason)
        log.warning("intake from %s: record refused at %s: %s", channel.tenant, where, reason)
        audit.record(
            session,
            at=self.clock.now(),
            actor=channel.tenant,
            action=RECORD_REJECTED,
            entity_type="intake",
            entity_id=channel.tenant,
            detail={"adapter": adapter, "channel": channel.via.value, "error": f"{where}: {reason}"[:500]},
        )
        return Refusal(None, where, reason)

    def _refuse_unstored(self, channel: Channel, message: Message, error: Exception) -> str:
        """A row of a failed batch that failed again on its own: refused with its reason, nothing stored."""
        reason = reason_of(error)
        log.warning("inbound %s %s could not be stored: %s", message.type, message.message_id, reason)
        with self.db.transaction() as session:
            rejections.remember(
                session,
                channel,
                kind=rejections.FLOW,
                reason=reason,
                digest=rejections.content_hash(rejections.FLOW, message.source.tenant, message.message_id),
                now=self.clock.now(),
                message_type=message.type,
                message_id=message.message_id,
            )
            self._audit_refused(
                session,
                actor=channel.tenant,
                entity_type="inbound",
                entity_id=channel.tenant,
                reason=reason,
                message=message,
            )
        return reason

    def _refuse_stored_payload(self, channel: Channel, inbox_id: int, error: ValueError) -> None:
        reason = f"the stored message is not canonical ({type(error).__name__})"
        with self.db.transaction() as session:
            self._refuse_inbox_row(session, channel, inbox_id, reason, actor="woonbrug")
            inbox.mark_processed(session, inbox_id, clock=self.clock)

    def _refuse_inbox_row(
        self,
        session: Session,
        channel: Channel,
        inbox_id: int,
        reason: str,
        *,
        actor: str,
        message: Message | None = None,
    ) -> None:
        """A stored message the flow cannot apply: audited on its inbox row and kept as a flow rejection
        (once per inbox row). `message`: None when the stored payload is no longer canonical."""
        self._audit_refused(
            session, actor=actor, entity_type="inbox", entity_id=str(inbox_id), reason=reason, message=message
        )
        rejections.remember(
            session,
            channel,
            kind=rejections.FLOW,
            reason=reason,
            digest=rejections.content_hash(rejections.FLOW, inbox_id),
            now=self.clock.now(),
            message_type=message.type if message is not None else None,
            message_id=message.message_id if message is not None else None,
            inbox_id=inbox_id,
        )

    def _audit_refused(
        self, session: Session, *, actor: str, entity_type: str, entity_id: str, reason: str, message: Message | None
    ) -> None:
        """The audit entry of a message the flow (or the store) refused, with the keys it is about."""
        audit.record(
            session,
            at=self.clock.now(),
            actor=actor,
            action=REFUSED,
            entity_type=entity_type,
            entity_id=entity_id,
            keys=audit.keys_of(message) if message is not None else None,
            detail={"reason": reason},
        )
