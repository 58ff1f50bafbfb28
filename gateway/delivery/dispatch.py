"""The dispatch loop: claim due outbox messages, deliver them through their adapter, record what happened.

One round (`Dispatcher.run_once`) has three steps, each short:

1. Claim, in one transaction: pick up to `batch_size` due messages — pending ones whose
   `next_attempt_at` has come, and in-flight ones whose worker's lease (`claimed_until`) ran out —
   skipping messages whose endpoint's breaker is open and messages that must wait for an earlier one
   with the same destination and business key. Endpoints are found by a skip scan of an index and the
   blocked ones left out before any of their messages is read, so a backlog behind an open breaker
   costs a claim nothing. PostgreSQL locks the picked rows with
   `FOR UPDATE SKIP LOCKED`, so concurrent workers take different rows without waiting on each other;
   SQLite has one writer at a time (`BEGIN IMMEDIATE`), which makes the same pick-then-update safe.
   The claim marks the rows in flight for this worker until `now + lease` and counts the attempt.
2. Deliver, outside any transaction: all claimed messages concurrently, each through
   `adapter.deliver(message, idempotency_key=...)` with a deadline well inside the lease.
3. Record, in one transaction: each row only if this worker still holds its claim (same worker, same
   attempt number); a worker that lost its claim to a lease take-over records nothing, and the receiver
   dedupes the second delivery by its idempotency key. Attempts, audit entries and breaker counts are
   written in the same transaction.

`run_once` does the three steps one after the other (tests drive it with a simulated clock). A worker runs
`run`, where they overlap (`_Flight`): claims come while requests are out and earlier outcomes are being
written; up to `max_in_flight` messages are out at once, at most `per_destination` requests to one
endpoint (each endpoint's adapter holds one pooled HTTP client), and every outcome is recorded soon after
its answer, in bulk with whatever else finished meanwhile (one executemany UPDATE per kind of outcome),
so one slow request never holds the rest of its batch.

If the worker dies between 1 and 3, its messages stay in flight until the lease runs out, then another
worker takes them over (and logs the lost attempt): at-least-once delivery, exactly-once effect at a
receiver that honours idempotency keys. Database errors in 1 and 3 are retried in-process (tenacity);
the loop in `run` survives anything else by logging it and backing off.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import random
import socket
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Update, and_, bindparam, exists, or_, select, text, union_all
from sqlalchemy.orm import Session

from adapters import Adapter, AdapterError, PermanentError, translate, vendor_boundary
from gateway.core.clock import SYSTEM_CLOCK, Clock
from gateway.delivery import breaker, metrics
from gateway.delivery.breaker import BreakerPolicy
from gateway.delivery.outbox import Destination
from gateway.delivery.retry import RetryPolicy, classify, db_retrying
from gateway.store import audit
from gateway.store.audit import AuditKeys
from gateway.store.dialect import dialect_of, insert_ignore
from gateway.store.engine import Database
from gateway.store.models import CIRCUIT_BREAKERS, DELIVERY_ATTEMPTS, OPEN_ROWS, OUTBOX, AttemptOutcome, OutboxStatus
from schemas import parse_message

__all__ = ["AdapterResolver", "AttemptResult", "Claim", "Dispatcher"]

log = logging.getLogger(__name__)

AdapterResolver = Callable[[Destination], Adapter[Any]]
"""Builds (or finds) the adapter that reaches a destination. Tests inject their own."""

PENDING = OutboxStatus.PENDING.value
IN_FLIGHT = OutboxStatus.IN_FLIGHT.value
DELIVERED = OutboxStatus.DELIVERED.value
DEAD = OutboxStatus.DEAD.value


@dataclass(frozen=True)
class Claim:
    """One message this worker holds, as it was when claimed."""

    id: int
    attempt: int  # the number of this attempt (1 for the first)
    message_id: str
    idempotency_key: str
    type: str
    corporation: str
    adapter: str
    business_key: str | None
    correlation_id: str
    payload: dict[str, Any]
    probe: bool = False
    admitted: bool = False  # let through by the budget of an endpoint that has started failing

    @property
    def destination(self) -> Destination:
        return Destination(self.corporation, self.adapter)

    @property
    def endpoint(self) -> str:
        return self.destination.endpoint


@dataclass
class AttemptResult:
    """What one delivery attempt came to."""

    claim: Claim
    started_at: datetime
    finished_at: datetime
    seconds: float
    outcome: AttemptOutcome
    error: str | None = None
    error_class: str | None = None
    status_code: int | None = None
    retry_after: float | None = None
    vendor_reference: str | None = None
    duplicate: bool = False  # the receiver said it had seen this idempotency key before
    keys: AuditKeys = field(default_factory=AuditKeys)
    sent: bool = True  # False: held back unsent (its endpoint began failing); the claim is given back


def _unsent(claim: Claim, now: datetime) -> AttemptResult:
    return AttemptResult(claim, now, now, 0.0, AttemptOutcome.TRANSIENT, sent=False)


@dataclass
class _Tally:
    """Metric increments to apply once the recording transaction has committed."""

    delivered: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    dead: list[str] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    seconds: list[tuple[str, float]] = field(default_factory=list)

    def apply(self) -> None:
        for adapter in self.delivered:
            metrics.DELIVERED.labels(adapter).inc()
        for adapter, kind in self.failed:
            metrics.FAILED.labels(adapter, kind).inc()
        for adapter in self.dead:
            metrics.DEAD.labels(adapter).inc()
        for endpoint in self.opened:
            metrics.BREAKER_OPENED.labels(endpoint).inc()
        for adapter, seconds in self.seconds:
            metrics.ATTEMPT_SECONDS.labels(adapter).observe(seconds)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Dispatcher:
    """Delivers the outbox. One per worker process (or several in one process, as tests do)."""

    def __init__(
        self,
        database: Database,
        resolver: AdapterResolver,
        *,
        worker_id: str | None = None,
        clock: Clock = SYSTEM_CLOCK,
        policy: RetryPolicy | None = None,
        breaker_policy: BreakerPolicy | None = None,
        lease_seconds: float = 120.0,
        batch_size: int = 20,
        delivery_timeout: float | None = None,
        max_in_flight: int = 256,
        per_destination: int = 64,
        rng: random.Random | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if max_in_flight < 1 or per_destination < 1:
            raise ValueError("max_in_flight and per_destination must be at least 1")
        self.database = database
        self.resolver = resolver
        # 93, not 100: the audit log's actor column (100) holds it as "worker:<id>".
        self.worker_id = (worker_id or default_worker_id())[:93]
        self.clock = clock
        self.policy = policy or RetryPolicy()
        self.breaker_policy = breaker_policy or BreakerPolicy()
        self.lease = timedelta(seconds=lease_seconds)
        self.batch_size = batch_size
        self.max_in_flight = max_in_flight
        self.per_destination = per_destination
        # Finish well inside the lease, so a slow vendor does not make another worker take over.
        self.delivery_timeout = delivery_timeout or lease_seconds * 0.5
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self._adapters: dict[str, Adapter[Any]] = {}

    # --- the loop ---------------------------------------------------------------------------------------

    async def run_once(self, should_stop: Callable[[], bool] | None = None) -> int:
        """Claim one batch, deliver it, record the outcomes. Returns how many messages were claimed."""
        claims = db_retrying(should_stop=should_stop)(self._claim)
        if not claims:
            return 0
        results = await asyncio.gather(*(self._deliver(claim) for claim in claims))
        tally = db_retrying(give_up_after=self.lease.total_seconds() * 0.5)(self._record, results)
        tally.apply()
        return len(claims)

    async def drain(self, max_rounds: int = 100_000) -> int:
        """Run rounds until nothing is due now; returns how many claims were made in total."""
        total = 0
        for _ in range(max_rounds):
            claimed = await self.run_once()
            if claimed == 0:
                break
            total += claimed
        return total

    async def run(self, should_stop: Callable[[], bool], *, poll_seconds: float = 0.5, once: bool = False) -> None:
        """Deliver until `should_stop()`; `once`: until nothing is due and nothing is in flight.

        Unlike `run_once`, claiming, sending and recording overlap (see `_Flight`): up to `max_in_flight`
        messages are out at once, at most `per_destination` of them to one endpoint, and each outcome is
        recorded soon after its answer, in bulk with whatever else finished meanwhile, so one slow request
        never holds the others. On a stop the messages in flight are finished and recorded first.
        """
        await _Flight(self, should_stop).run(poll_seconds=poll_seconds, once=once)

    async def aclose(self) -> None:
        for adapter in self._adapters.values():
            try:
                await adapter.aclose()
            except Exception:  # closing is best effort; a broken client must not block shutdown
                log.warning("closing adapter %s failed", adapter.name, exc_info=True)
        self._adapters.clear()

    # --- 1. claim -----------------------------------------------------------------------------------------

    def _claim(self, limit: int | None = None, room: dict[str, int] | None = None) -> list[Claim]:
        with self.database.transaction() as session:
            return self._claim_in(session, limit or self.batch_size, room or {})

    def _claim_in(self, session: Session, limit: int, room: dict[str, int]) -> list[Claim]:
        """Claim up to `limit` due messages; `room` caps how many more one endpoint may take in this worker
        (default twice `per_destination`; an endpoint with no room left is not looked at, so it cannot crowd
        out the others)."""
        now = self.clock.now()
        outbox = OUTBOX.c
        earlier = OUTBOX.alias("earlier").c
        due = or_(
            and_(outbox.status == PENDING, outbox.next_attempt_at <= now),
            and_(outbox.status == IN_FLIGHT, outbox.claimed_until < now),
        )
        earlier_open = exists().where(
            earlier.endpoint == outbox.endpoint,
            earlier.ordering_key == outbox.ordering_key,
            earlier.id < outbox.id,
            earlier.status.in_((PENDING, IN_FLIGHT)),
        )
        # Which endpoints have open messages: a skip scan of the (endpoint, next_attempt_at) index of open
        # rows, one probe per endpoint however many messages each holds. Endpoints whose breaker holds
        # them (open, probing, Retry-After) and endpoints this worker has no room for are left out here,
        # so a backlog behind an open breaker costs the claim nothing.
        blocked_now = set(
            session.scalars(select(CIRCUIT_BREAKERS.c.endpoint).where(CIRCUIT_BREAKERS.c.opened_until > now))
        )
        allowed = [
            endpoint
            for endpoint in session.scalars(_OPEN_ENDPOINTS)
            if endpoint not in blocked_now and room.get(endpoint, 2 * self.per_destination) > 0
        ]
        if not allowed:
            return []
        columns = (outbox.id, outbox.status, outbox.claimed_by, outbox.attempts, outbox.endpoint, outbox.message_id)
        # Per endpoint, its longest-due messages first (so after an outage every waiting message gets its
        # turn, rather than the oldest one taking every probe): a range of the index (in-flight rows are in
        # it too, as a claim never moves next_attempt_at), stopping at the batch size. The index predicate
        # is repeated word for word, so SQLite and PostgreSQL both see that the partial index applies.
        # Twice as many as wanted: when the first ones fill an endpoint's room, others still get a turn.
        per_endpoint = [
            select(*columns, outbox.next_attempt_at)
            .where(
                text(OPEN_ROWS),
                outbox.endpoint == endpoint,
                outbox.next_attempt_at <= now,
                due,
                or_(outbox.ordering_key.is_(None), ~earlier_open),
            )
            .order_by(outbox.next_attempt_at, outbox.id)
            .limit(min(2 * limit, room.get(endpoint, 2 * self.per_destination)))
            .subquery()
            for endpoint in allowed
        ]
        parts = [select(*part.c).select_from(part) for part in per_endpoint]
        combined = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()
        picked = session.execute(
            select(combined.c.id).order_by(combined.c.next_attempt_at, combined.c.id).limit(2 * limit)
        ).scalars()
        order = {outbox_id: index for index, outbox_id in enumerate(picked)}
        if not order:
            return []
        query = select(*columns).where(outbox.id.in_(list(order)), due)
        if dialect_of(session) == "postgresql":
            # Lock what was picked, skipping rows another worker is claiming this moment.
            query = query.with_for_update(skip_locked=True, of=OUTBOX)
        candidates = sorted(session.execute(query).all(), key=lambda found: order[found.id])
        if not candidates:
            return []

        # Endpoints whose breaker is not closed but has cooled down: one probe each, if we win it.
        # Endpoints that have started failing: only what their budget across all workers admits.
        endpoints = {row.endpoint for row in candidates}
        window_start = now - timedelta(seconds=self.breaker_policy.window_seconds)
        recovering: set[str] = set()
        failing: set[str] = set()
        for found in session.execute(
            select(CIRCUIT_BREAKERS.c.endpoint, CIRCUIT_BREAKERS.c.state, CIRCUIT_BREAKERS.c.window_started_at).where(
                CIRCUIT_BREAKERS.c.endpoint.in_(endpoints),
                or_(CIRCUIT_BREAKERS.c.state != "closed", CIRCUIT_BREAKERS.c.failures > 0),
            )
        ):
            if found.state != "closed":
                recovering.add(found.endpoint)
            elif found.window_started_at is not None and found.window_started_at >= window_start:
                failing.add(found.endpoint)
        probes: dict[str, int] = {}
        for endpoint in sorted(recovering):
            if breaker.take_probe(session, endpoint, now, now + self.lease):
                probes[endpoint] = next(row.id for row in candidates if row.endpoint == endpoint)
        room = dict(room)
        for endpoint in sorted(failing):
            wanted = min(
                sum(1 for row in candidates if row.endpoint == endpoint),
                room.get(endpoint, 2 * self.per_destination),
            )
            room[endpoint] = breaker.admit(session, endpoint, wanted, now, now + self.lease, self.breaker_policy)
        chosen = []
        taken_per_endpoint: dict[str, int] = {}
        for row in candidates:
            if row.endpoint in recovering and probes.get(row.endpoint) != row.id:
                continue
            already = taken_per_endpoint.get(row.endpoint, 0)
            if already >= room.get(row.endpoint, 2 * self.per_destination):
                continue  # this worker already has as many requests to that endpoint as it may
            taken_per_endpoint[row.endpoint] = already + 1
            chosen.append(row)
            if len(chosen) == limit:
                break
        if not chosen:
            return []

        claimed_until = now + self.lease
        updated = session.execute(
            OUTBOX.update()
            .where(outbox.id.in_([row.id for row in chosen]), due)
            .values(
                status=IN_FLIGHT,
                claimed_by=self.worker_id,
                claimed_until=claimed_until,
                attempts=outbox.attempts + 1,
                updated_at=now,
            )
            .returning(
                outbox.id,
                outbox.attempts,
                outbox.message_id,
                outbox.idempotency_key,
                outbox.type,
                outbox.corporation,
                outbox.adapter,
                outbox.business_key,
                outbox.correlation_id,
                outbox.payload,
            )
        ).all()
        claimed = {row.id: row for row in updated}

        claims: list[Claim] = []
        lost: list[dict[str, Any]] = []
        poisoned: list[Claim] = []
        for row in chosen:
            taken = claimed.get(row.id)
            if taken is None:
                continue
            claim = Claim(
                id=taken.id,
                attempt=taken.attempts,
                message_id=taken.message_id,
                idempotency_key=taken.idempotency_key,
                type=taken.type,
                corporation=taken.corporation,
                adapter=taken.adapter,
                business_key=taken.business_key,
                correlation_id=taken.correlation_id,
                payload=taken.payload,
                probe=row.endpoint in probes,
                admitted=row.endpoint in failing,
            )
            if row.status == IN_FLIGHT:
                lost.append(
                    {
                        "outbox_id": row.id,
                        "attempt_no": row.attempts,
                        "worker": row.claimed_by,
                        "started_at": now,
                        "finished_at": now,
                        "outcome": AttemptOutcome.LEASE_EXPIRED.value,
                        "error": f"worker {row.claimed_by} did not finish within its lease",
                    }
                )
            if row.status == IN_FLIGHT and claim.attempt > self.policy.max_attempts:
                poisoned.append(claim)  # attempts used up by workers that died delivering it
            else:
                claims.append(claim)
        if lost:
            session.execute(insert_ignore(session, DELIVERY_ATTEMPTS, ["outbox_id", "attempt_no"]), lost)
            audit.record_many(
                session,
                [
                    {
                        "at": now,
                        "actor": f"worker:{self.worker_id}",
                        "action": "delivery.lease_expired",
                        "entity_type": "outbox",
                        "entity_id": str(entry["outbox_id"]),
                        "keys": AuditKeys(message_id=_message_id(chosen, entry["outbox_id"])),
                        "detail": {"attempt": entry["attempt_no"], "previous_worker": entry["worker"]},
                    }
                    for entry in lost
                ],
            )
            log.warning("took over %d message(s) whose worker's lease expired", len(lost))
        for claim in poisoned:
            self._bury(session, claim, now, "attempts used up: the workers delivering it kept vanishing")
        return claims

    def _bury(self, session: Session, claim: Claim, now: datetime, reason: str) -> None:
        session.execute(
            OUTBOX.update()
            .where(OUTBOX.c.id == claim.id)
            .values(status=DEAD, dead_at=now, claimed_by=None, claimed_until=None, last_error=reason, updated_at=now)
        )
        audit.record(
            session,
            at=now,
            actor=f"worker:{self.worker_id}",
            action="delivery.dead_lettered",
            entity_type="outbox",
            entity_id=str(claim.id),
            keys=AuditKeys(correlation_id=claim.correlation_id, message_id=claim.message_id),
            detail={"attempt": claim.attempt, "reason": reason},
        )

    # --- 2. deliver ---------------------------------------------------------------------------------------

    def _adapter_for(self, destination: Destination) -> Adapter[Any]:
        adapter = self._adapters.get(destination.endpoint)
        if adapter is None:
            try:
                adapter = self.resolver(destination)
            except Exception as error:
                raise PermanentError(
                    f"no adapter for {destination.endpoint}: {type(error).__name__}: {error}",
                    adapter=destination.adapter,
                ) from error
            self._adapters[destination.endpoint] = adapter
        return adapter

    async def _deliver(self, claim: Claim) -> AttemptResult:
        started_at = self.clock.now()
        started = time.perf_counter()
        keys = AuditKeys(correlation_id=claim.correlation_id, message_id=claim.message_id)
        try:
            with vendor_boundary(claim.adapter):
                message = parse_message(claim.payload)
            keys = audit.keys_of(message)
            adapter = self._adapter_for(claim.destination)
            async with asyncio.timeout(self.delivery_timeout):
                with vendor_boundary(adapter.name):
                    receipt = await adapter.deliver(message, idempotency_key=claim.idempotency_key)
        except Exception as raised:
            error: AdapterError = translate(raised, claim.adapter)
            return AttemptResult(
                claim=claim,
                started_at=started_at,
                finished_at=self.clock.now(),
                seconds=time.perf_counter() - started,
                outcome=classify(error),
                error=str(error)[:2000],
                error_class=type(error).__name__,
                status_code=getattr(error, "status", None),
                retry_after=getattr(error, "retry_after", None),
                keys=keys,
            )
        return AttemptResult(
            claim=claim,
            started_at=started_at,
            finished_at=self.clock.now(),
            seconds=time.perf_counter() - started,
            outcome=AttemptOutcome.DELIVERED,
            status_code=receipt.status,
            vendor_reference=receipt.vendor_reference,
            duplicate=receipt.duplicate,
            keys=keys,
        )

    # --- 3. record ----------------------------------------------------------------------------------------

    def _record(self, results: list[AttemptResult]) -> _Tally:
        """Write a batch of outcomes in one transaction: one UPDATE of the outbox per kind of outcome
        (executemany), one INSERT of the attempts, one of the audit entries, one breaker change per endpoint."""
        tally = _Tally()
        if not results:
            return tally
        with self.database.transaction() as session:
            now = self.clock.now()
            held = self._still_ours(session, results)
            unsent = [r for r in held if not r.sent]
            if unsent:
                # Never sent: the message goes back as it was, its attempt not spent, no attempt row.
                session.execute(
                    _RELEASE_UNSENT,
                    [{"b_id": r.claim.id, "b_attempt": r.claim.attempt, "b_worker": self.worker_id} for r in unsent],
                )
            ours = [r for r in held if r.sent]
            attempts: list[dict[str, Any]] = []
            entries: list[dict[str, Any]] = []
            updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for result in ours:
                claim = result.claim
                values, action, next_at = self._next_state(result, now)
                values["updated_at"] = now
                shape = tuple(sorted(values))
                updates.setdefault(shape, []).append(
                    {
                        "b_id": claim.id,
                        "b_attempt": claim.attempt,
                        "b_worker": self.worker_id,
                        **{f"v_{k}": v for k, v in values.items()},
                    }
                )
                attempts.append(
                    {
                        "outbox_id": claim.id,
                        "attempt_no": claim.attempt,
                        "worker": self.worker_id,
                        "started_at": result.started_at,
                        "finished_at": result.finished_at,
                        "outcome": result.outcome.value,
                        "error_class": result.error_class,
                        "error": result.error,
                        "status_code": result.status_code,
                        "retry_after": result.retry_after,
                        "next_attempt_at": next_at,
                    }
                )
                detail: dict[str, Any] = {"attempt": claim.attempt, "outcome": result.outcome.value}
                if result.status_code is not None:
                    detail["status"] = result.status_code
                if result.error_class:
                    detail["error_class"] = result.error_class
                if next_at is not None:
                    detail["next_attempt_at"] = next_at.isoformat()
                if result.duplicate:
                    detail["receiver_had_it"] = True  # an earlier attempt reached it; no second effect
                entries.append(
                    {
                        "at": now,
                        "actor": f"worker:{self.worker_id}",
                        "action": action,
                        "entity_type": "outbox",
                        "entity_id": str(claim.id),
                        "keys": result.keys,
                        "detail": {**detail, "destination": claim.endpoint},
                    }
                )
                tally.seconds.append((claim.adapter, result.seconds))
                if result.outcome is AttemptOutcome.DELIVERED:
                    tally.delivered.append(claim.adapter)
                else:
                    tally.failed.append((claim.adapter, result.outcome.value))
                    if values["status"] == DEAD:
                        tally.dead.append(claim.adapter)
            for shape, rows in updates.items():
                session.execute(_bulk_update(shape), rows)
            if attempts:
                session.execute(insert_ignore(session, DELIVERY_ATTEMPTS, ["outbox_id", "attempt_no"]), attempts)
            # Every worker takes breaker-row locks in endpoint order, so two recording transactions never
            # wait on each other in a circle (their outbox rows are their own claims, never shared).
            by_endpoint: dict[str, list[AttemptResult]] = {}
            for result in ours:
                by_endpoint.setdefault(result.claim.endpoint, []).append(result)
            for endpoint in sorted(by_endpoint):
                self._count_breaker(session, endpoint, by_endpoint[endpoint], now, entries, tally)
            audit.record_many(session, entries)
        return tally

    def _still_ours(self, session: Session, results: list[AttemptResult]) -> list[AttemptResult]:
        """The results whose claim this worker still holds (same worker, same attempt, still in flight),
        their rows locked on PostgreSQL until the recording commits; a worker that lost a claim to a lease
        take-over records nothing for it, and the receiver dedupes the second delivery by its key."""
        outbox = OUTBOX.c
        query = select(outbox.id, outbox.attempts).where(
            outbox.id.in_([result.claim.id for result in results]),
            outbox.claimed_by == self.worker_id,
            outbox.status == IN_FLIGHT,
        )
        if dialect_of(session) == "postgresql":
            query = query.with_for_update(of=OUTBOX)
        held = {row.id: row.attempts for row in session.execute(query.order_by(outbox.id))}
        ours = []
        for result in results:
            if held.get(result.claim.id) == result.claim.attempt:
                ours.append(result)
            else:
                log.warning(
                    "outbox %d: claim lost to a take-over; outcome %s not recorded", result.claim.id, result.outcome
                )
        return ours

    def _next_state(self, result: AttemptResult, now: datetime) -> tuple[dict[str, Any], str, datetime | None]:
        """The outbox row's new values after `result`, the audit action, and the next attempt's moment."""
        released = {"claimed_by": None, "claimed_until": None}
        if result.outcome is AttemptOutcome.DELIVERED:
            values = {
                **released,
                "status": DELIVERED,
                "delivered_at": result.finished_at,
                "last_status": result.status_code,
                "vendor_reference": result.vendor_reference,
            }
            return values, "delivery.delivered", None
        failure = {
            **released,
            "last_error": result.error,
            "last_error_class": result.error_class,
            "last_status": result.status_code,
        }
        # A failed probe says the endpoint is still down, not that the message is bad: it never makes a
        # dead letter, so a long outage cannot use up the attempts of the messages that probe it.
        retry = not self.policy.exhausted(result.claim.attempt) or result.claim.probe
        if result.outcome is AttemptOutcome.TRANSIENT and retry:
            next_at = now + timedelta(seconds=self.policy.delay(result.claim.attempt, result.retry_after, self.rng))
            return {**failure, "status": PENDING, "next_attempt_at": next_at}, "delivery.retry_scheduled", next_at
        if result.outcome is AttemptOutcome.TRANSIENT:
            failure["last_error"] = f"gave up after {result.claim.attempt} attempts: {result.error}"[:2000]
        return {**failure, "status": DEAD, "dead_at": now}, "delivery.dead_lettered", None

    def _count_breaker(
        self,
        session: Session,
        endpoint: str,
        results: list[AttemptResult],
        now: datetime,
        entries: list[dict[str, Any]],
        tally: _Tally,
    ) -> None:
        """One breaker change for an endpoint's outcomes in this batch: the failures (and slow answers)
        counted together, else the answers as one success dated by the latest request's start."""
        slow = self.breaker_policy.slow_seconds
        failed = [
            r
            for r in results
            if r.outcome is AttemptOutcome.TRANSIENT
            or (slow is not None and r.seconds > slow and r.outcome is AttemptOutcome.DELIVERED)
        ]
        # The endpoint answered (a refusal is an answer too): it is up.
        answered = [
            r
            for r in results
            if r not in failed and (r.outcome is AttemptOutcome.DELIVERED or r.status_code is not None)
        ]
        admitted = sum(1 for r in results if r.claim.admitted)
        if failed:
            retry_after = max((r.retry_after or 0.0 for r in failed), default=0.0) or None
            opened = breaker.record_failure(
                session,
                endpoint,
                now,
                self.breaker_policy,
                retry_after=retry_after,
                error=failed[-1].error_class or "slow answer",
                count=len(failed),
                admitted=admitted,
            )
            if opened:
                tally.opened.append(endpoint)
                log.warning("circuit breaker for %s opened", endpoint)
                entries.append(_breaker_entry(self.worker_id, now, endpoint, "breaker.opened"))
        elif answered:
            started = max(r.started_at for r in answered)
            previous = breaker.record_success(session, endpoint, now, started_at=started, admitted=admitted)
            if previous is not None:
                log.info("circuit breaker for %s closed (was %s)", endpoint, previous)
                entries.append(_breaker_entry(self.worker_id, now, endpoint, "breaker.closed"))


# The distinct endpoints of open rows, by a recursive skip scan of the (endpoint, ...) partial index:
# one index probe per endpoint, on SQLite and PostgreSQL alike (neither skips through an index by itself).
# The predicate is OPEN_ROWS word for word, so both planners see that the partial index applies.
_OPEN_ENDPOINTS = text(
    """
    WITH RECURSIVE open_endpoints(endpoint) AS (
        SELECT MIN(endpoint) FROM outbox WHERE status IN ('pending', 'in_flight')
        UNION ALL
        SELECT (
            SELECT MIN(o.endpoint) FROM outbox AS o
            WHERE o.status IN ('pending', 'in_flight') AND o.endpoint > e.endpoint
        )
        FROM open_endpoints AS e WHERE e.endpoint IS NOT NULL
    )
    SELECT endpoint FROM open_endpoints WHERE endpoint IS NOT NULL
    """
)

_RELEASE_UNSENT = (
    OUTBOX.update()
    .where(
        OUTBOX.c.id == bindparam("b_id"),
        OUTBOX.c.attempts == bindparam("b_attempt"),
        OUTBOX.c.claimed_by == bindparam("b_worker"),
        OUTBOX.c.status == IN_FLIGHT,
    )
    .values(status=PENDING, attempts=OUTBOX.c.attempts - 1, claimed_by=None, claimed_until=None)
)


@functools.cache
def _bulk_update(shape: tuple[str, ...]) -> Update:
    """`UPDATE outbox SET <shape> WHERE id = ? AND <still this worker's claim>`, for executemany.

    The guard repeats what `_still_ours` checked under its lock, so a row can never be written twice."""
    outbox = OUTBOX.c
    return (
        OUTBOX.update()
        .where(
            outbox.id == bindparam("b_id"),
            outbox.attempts == bindparam("b_attempt"),
            outbox.claimed_by == bindparam("b_worker"),
            outbox.status == IN_FLIGHT,
        )
        .values({column: bindparam(f"v_{column}") for column in shape})
    )


def _breaker_entry(worker_id: str, now: datetime, endpoint: str, action: str) -> dict[str, Any]:
    return {
        "at": now,
        "actor": f"worker:{worker_id}",
        "action": action,
        "entity_type": "circuit_breaker",
        "entity_id": endpoint,
        "detail": {},
    }


def _message_id(rows: list[Any], outbox_id: int) -> str | None:
    return next((row.message_id for row in rows if row.id == outbox_id), None)


class _Flight:
    """One worker's messages in flight: a claim loop, a task per request, a recorder, overlapping.

    The database work (claim, record) runs on two threads of its own, so it neither blocks the event loop
    that carries the HTTP requests nor waits for the other: the next claim goes while the last outcomes
    are written. A message counts against the limits from its claim until its outcome is recorded.
    """

    def __init__(self, dispatcher: Dispatcher, should_stop: Callable[[], bool]) -> None:
        self.dispatcher = dispatcher
        self.should_stop = should_stop
        self.total = 0
        self.per_endpoint: Counter[str] = Counter()
        self.finished: asyncio.Queue[AttemptResult | None] = asyncio.Queue()
        self.freed = asyncio.Event()  # set whenever recorded outcomes free room (or unblock a successor)
        self.sending: set[asyncio.Task[None]] = set()
        self.connections: dict[str, asyncio.Semaphore] = {}  # requests to one endpoint at once
        # Endpoints that answered with a failure, since when (monotonic): claims for them that have not
        # gone out yet are given back unsent, so a failing vendor is not hit by this worker's whole queue.
        self.failing: dict[str, float] = {}
        self.executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="dispatch-db")

    async def run(self, *, poll_seconds: float, once: bool) -> None:
        recorder = asyncio.create_task(self._record_loop())
        try:
            await self._claim_loop(poll_seconds, once)
        finally:
            if self.sending:
                await asyncio.gather(*self.sending, return_exceptions=True)
            self.finished.put_nowait(None)
            await recorder
            self.executor.shutdown(wait=True)

    async def _in_thread(self, function: Callable[..., _T], *args: Any) -> _T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, functools.partial(function, *args))

    async def _claim_loop(self, poll_seconds: float, once: bool) -> None:
        dispatcher = self.dispatcher
        # Claim when at least half a batch fits: fewer, fuller claims cost less per message.
        wanted = max(1, min(dispatcher.batch_size, dispatcher.max_in_flight) // 2)
        failures = 0
        while not self.should_stop():
            free = dispatcher.max_in_flight - self.total
            self.freed.clear()
            if free < wanted:
                await self._wait_for_room(poll_seconds)
                continue
            # Up to twice the requests an endpoint may have at once are claimed for it: the next ones are
            # ready the moment an answer comes, while the last outcomes are still being recorded.
            room = {endpoint: 2 * dispatcher.per_destination - held for endpoint, held in self.per_endpoint.items()}
            asked_at = time.monotonic()
            try:
                retrying = db_retrying(should_stop=self.should_stop)
                claims = await self._in_thread(retrying, dispatcher._claim, min(dispatcher.batch_size, free), room)
                failures = 0
            except Exception:
                # Keep the worker alive whatever happens; the claims it holds come back after the lease.
                failures += 1
                pause = min(30.0, 0.1 * 2**failures) * (0.5 + dispatcher.rng.random() / 2)
                log.exception("dispatch claim failed (%d in a row); pausing %.1fs", failures, pause)
                await _sleep_unless(self.should_stop, pause)
                continue
            for claim in claims:
                self._launch(claim, asked_at)
            if not claims:
                if once and self.total == 0:
                    return
                await self._wait_for_room(poll_seconds)

    async def _wait_for_room(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.freed.wait(), seconds)

    def _launch(self, claim: Claim, claimed_at: float) -> None:
        self.total += 1
        self.per_endpoint[claim.endpoint] += 1
        task = asyncio.create_task(self._send(claim, claimed_at))
        self.sending.add(task)
        task.add_done_callback(self.sending.discard)

    async def _send(self, claim: Claim, claimed_at: float) -> None:
        connections = self.connections.get(claim.endpoint)
        if connections is None:
            connections = self.connections[claim.endpoint] = asyncio.Semaphore(self.dispatcher.per_destination)
        queued = connections.locked()  # every connection to the endpoint is busy: this one waits
        async with connections:
            # Held back only when the endpoint failed after this claim was made: a claim made since then
            # already went through the store's breaker (which admits a failing endpoint's budget).
            failed_since = self.failing.get(claim.endpoint)
            # A claim that waited for a connection past a quarter of its lease is given back unsent: sent
            # now, with the delivery timeout (half the lease) on top, it could still be going when its lease
            # runs out and another worker sends it again.
            lease = self.dispatcher.lease.total_seconds()
            waited_too_long = queued and time.monotonic() - claimed_at > lease * 0.25
            if waited_too_long:
                result = _unsent(claim, self.dispatcher.clock.now())
            elif failed_since is None or failed_since < claimed_at or claim.probe or claim.admitted:
                started = time.monotonic()
                result = await self.dispatcher._deliver(claim)  # _deliver turns every error into a result
                self._note(result, started)
            else:
                result = _unsent(claim, self.dispatcher.clock.now())
        self.finished.put_nowait(result)

    def _note(self, result: AttemptResult, started: float) -> None:
        endpoint = result.claim.endpoint
        if result.outcome is AttemptOutcome.TRANSIENT:
            self.failing.setdefault(endpoint, time.monotonic())
        elif endpoint in self.failing and started > self.failing[endpoint]:
            del self.failing[endpoint]  # answered since: what waits may go

    async def _record_loop(self) -> None:
        stopping = False
        while not stopping:
            first = await self.finished.get()
            batch: list[AttemptResult] = []
            if first is None:
                stopping = True
            else:
                batch.append(first)
            # Everything that finished while the last batch was written goes in this one.
            while not stopping and not self.finished.empty() and len(batch) < _RECORD_MAX:
                item = self.finished.get_nowait()
                if item is None:
                    stopping = True
                else:
                    batch.append(item)
            if batch:
                await self._record(batch)

    async def _record(self, batch: list[AttemptResult]) -> None:
        dispatcher = self.dispatcher
        try:
            retrying = db_retrying(give_up_after=dispatcher.lease.total_seconds() * 0.5)
            tally = await self._in_thread(retrying, dispatcher._record, batch)
            tally.apply()
        except Exception:
            log.exception("recording %d outcome(s) failed; their messages come back after the lease", len(batch))
        finally:
            for result in batch:
                self.total -= 1
                endpoint = result.claim.endpoint
                self.per_endpoint[endpoint] -= 1
                if self.per_endpoint[endpoint] <= 0:
                    del self.per_endpoint[endpoint]
            self.freed.set()


_RECORD_MAX = 500  # outcomes per recording transaction: bounded, so one transaction stays short
_T = TypeVar("_T")


async def _sleep_unless(should_stop: Callable[[], bool], seconds: float) -> None:
    """Sleep up to `seconds`, waking early when a stop is asked for."""
    deadline = time.monotonic() + seconds
    while not should_stop():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        await asyncio.sleep(min(left, 0.1))
