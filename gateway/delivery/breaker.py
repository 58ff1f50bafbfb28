"""The circuit breaker per endpoint (corporation + adapter), kept in the database so all workers share it.

- closed: messages flow. `threshold` transient failures within `window_seconds` open it; an answer
  slower than `slow_seconds` counts as a failure too (the message itself is delivered).
- failing (closed, with failures in the window): at most `budget` requests to the endpoint are out at
  once across all workers (`admit`), so a vendor that starts failing sees a trickle, not every worker's
  full concurrency, until it opens or answers again.
- Retry-After: a vendor asking to wait holds the endpoint for every worker until then (`opened_until`
  on a closed breaker), not only the message that got the answer.
- open: no message for the endpoint is claimed until `opened_until` (the cool-down, or the vendor's
  Retry-After when that is longer). Waiting messages keep their attempts: a vendor outage does not
  use up retries, so it does not fill the dead letters.
- half-open: after the cool-down one worker takes one message as a probe (an atomic state change,
  so two workers cannot both probe; the probe holds it until its claim's lease ends, so a vanished
  probe frees the slot). Success closes the breaker; failure opens it for another cool-down. The probe
  counts as an attempt of its message, but a transient failure of a probe never makes it a dead letter.

A success resets the breaker only when its request started at or after the last failure (`failed_at`):
a late answer to a request sent before the vendor went down never closes a breaker another worker
opened since, nor throws away the Retry-After it stored. A permanent refusal (HTTP 4xx) shows that the
endpoint is up and answering, so it counts as a success.

Every change reads the breaker's row under a row lock (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's
single writer on SQLite) and writes it in the same transaction, so concurrent workers never lose each
other's counts. A healthy endpoint's row is only read, never written, so the common path takes no lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, exists, or_, select, update
from sqlalchemy.orm import Session

from gateway.core.settings import DeliverySettings
from gateway.store.dialect import insert_ignore
from gateway.store.models import CIRCUIT_BREAKERS, OUTBOX, BreakerState, CircuitBreakerRow

__all__ = [
    "BreakerPolicy",
    "BreakerView",
    "admit",
    "blocked",
    "list_breakers",
    "record_failure",
    "record_success",
    "reset",
    "take_probe",
]


@dataclass(frozen=True)
class BreakerPolicy:
    threshold: int = 5
    cooldown_seconds: float = 30.0
    window_seconds: float = 60.0
    slow_seconds: float | None = None  # an answer slower than this counts as a failure (None: never)
    budget: int = 1  # requests out at once, across all workers, to an endpoint that is failing

    @classmethod
    def from_settings(cls, settings: DeliverySettings) -> BreakerPolicy:
        return cls(
            threshold=settings.breaker_threshold,
            cooldown_seconds=settings.breaker_cooldown_seconds,
            window_seconds=settings.breaker_window_seconds,
            slow_seconds=settings.breaker_slow_seconds,
            budget=settings.breaker_budget,
        )


@dataclass(frozen=True)
class BreakerView:
    endpoint: str
    state: str
    failures: int
    opened_until: datetime | None
    last_error: str | None
    updated_at: datetime

    def as_dict(self) -> dict[str, object]:
        return {
            "endpoint": self.endpoint,
            "state": self.state,
            "failures": self.failures,
            "opened_until": self.opened_until.isoformat() if self.opened_until else None,
            "last_error": self.last_error,
            "updated_at": self.updated_at.isoformat(),
        }


def blocked(now: datetime) -> ColumnElement[bool]:
    """SQL: the outbox row's endpoint has a breaker that lets nothing through at `now` (open, probing, or
    held by a vendor's Retry-After)."""
    breaker = CIRCUIT_BREAKERS.c
    return exists().where(breaker.endpoint == OUTBOX.c.endpoint, breaker.opened_until > now)


def take_probe(session: Session, endpoint: str, now: datetime, probe_until: datetime) -> bool:
    """Move a cooled-down breaker to half-open for this worker's probe; False when another got there first."""
    result = session.execute(
        update(CircuitBreakerRow)
        .where(
            CircuitBreakerRow.endpoint == endpoint,
            CircuitBreakerRow.state != BreakerState.CLOSED.value,
            or_(CircuitBreakerRow.opened_until.is_(None), CircuitBreakerRow.opened_until <= now),
        )
        .values(state=BreakerState.HALF_OPEN.value, opened_until=probe_until, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


def admit(session: Session, endpoint: str, wanted: int, now: datetime, until: datetime, policy: BreakerPolicy) -> int:
    """How many of `wanted` requests a failing (closed, failures > 0) endpoint lets through now, counted
    against `policy.budget` across all workers until `until` (the claim's lease)."""
    row = CircuitBreakerRow
    found = session.execute(
        select(row.admitted, row.admitted_until).where(row.endpoint == endpoint).with_for_update()
    ).one_or_none()
    if found is None:
        return wanted
    out = found.admitted if found.admitted_until is not None and found.admitted_until > now else 0
    granted = max(0, min(wanted, policy.budget - out))
    if granted:
        session.execute(
            update(row)
            .where(row.endpoint == endpoint)
            .values(admitted=out + granted, admitted_until=until)
            .execution_options(synchronize_session=False)
        )
    return granted


def _locked(session: Session, endpoint: str) -> Any:
    """The breaker's row, locked until the transaction ends (PostgreSQL; SQLite's writer lock covers it)."""
    row = CircuitBreakerRow
    return session.execute(
        select(row.state, row.failures, row.opened_until, row.window_started_at, row.failed_at, row.admitted)
        .where(row.endpoint == endpoint)
        .with_for_update()
    ).one_or_none()


def record_success(
    session: Session, endpoint: str, now: datetime, *, started_at: datetime | None = None, admitted: int = 0
) -> str | None:
    """An answer from the endpoint to a request that started at `started_at` (default: now). Closes the
    breaker when the request started at or after the last failure; returns the state it left, or None.
    `admitted`: how many of the recorded requests were admitted by `admit` (their budget is given back)."""
    row = CIRCUIT_BREAKERS.c
    unhealthy = session.execute(
        select(row.endpoint).where(
            row.endpoint == endpoint,
            or_(row.state != BreakerState.CLOSED.value, row.failures != 0, row.admitted != 0),
        )
    ).scalar_one_or_none()
    if unhealthy is None:
        return None  # healthy already: no write, so the hot path takes no row lock
    current = _locked(session, endpoint)
    if current is None:
        return None
    started = started_at or now
    if current.failed_at is not None and started < current.failed_at:
        # A late answer: it says the endpoint was up before it last failed, not that it is up now.
        if admitted:
            _give_back(session, endpoint, current.admitted, admitted)
        return None
    _close(session, endpoint, now)
    return current.state if current.state != BreakerState.CLOSED.value else None


def _give_back(session: Session, endpoint: str, out: int, returned: int) -> None:
    session.execute(
        update(CircuitBreakerRow)
        .where(CircuitBreakerRow.endpoint == endpoint)
        .values(admitted=max(0, out - returned))
        .execution_options(synchronize_session=False)
    )


def record_failure(
    session: Session,
    endpoint: str,
    now: datetime,
    policy: BreakerPolicy,
    *,
    retry_after: float | None = None,
    error: str | None = None,
    count: int = 1,
    admitted: int = 0,
) -> bool:
    """Count `count` transient failures (or slow answers); returns True when they opened the breaker.

    A Retry-After holds the endpoint for every worker until it has passed, open or not."""
    session.execute(
        insert_ignore(session, CircuitBreakerRow, ["endpoint"]).values(
            endpoint=endpoint, state=BreakerState.CLOSED.value, failures=0, updated_at=now
        )
    )
    current = _locked(session, endpoint)
    assert current is not None  # inserted above when missing
    state: str = current.state
    opened_until: datetime | None = current.opened_until
    window_started_at: datetime | None = current.window_started_at
    failures: int = current.failures
    out_of_window = window_started_at is None or (now - window_started_at).total_seconds() > policy.window_seconds
    if state == BreakerState.CLOSED.value and out_of_window:
        failures, window_started_at = 0, now  # the old failures no longer count
    failures += count
    opens = state == BreakerState.HALF_OPEN.value or (
        state == BreakerState.CLOSED.value and failures >= policy.threshold
    )
    waited = now + timedelta(seconds=retry_after) if retry_after and retry_after > 0 else None
    if opens:
        state = BreakerState.OPEN.value
        opened_until = now + timedelta(seconds=max(policy.cooldown_seconds, retry_after or 0.0))
    elif waited is not None and (opened_until is None or waited > opened_until):
        opened_until = waited
    session.execute(
        update(CircuitBreakerRow)
        .where(CircuitBreakerRow.endpoint == endpoint)
        .values(
            failures=failures,
            state=state,
            opened_until=opened_until,
            window_started_at=window_started_at,
            failed_at=now,
            admitted=0 if opens else max(0, current.admitted - admitted),
            last_error=error[:500] if error else None,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return opens


def list_breakers(session: Session) -> list[BreakerView]:
    rows = session.scalars(select(CircuitBreakerRow).order_by(CircuitBreakerRow.endpoint))
    return [BreakerView(r.endpoint, r.state, r.failures, r.opened_until, r.last_error, r.updated_at) for r in rows]


def reset(session: Session, endpoint: str, now: datetime) -> bool:
    """Close a breaker by hand (the operator knows the vendor is back); False when there is none."""
    return _close(session, endpoint, now)


def _close(session: Session, endpoint: str, now: datetime) -> bool:
    """Set the breaker of `endpoint` closed with nothing counted; False when there is none."""
    result = session.execute(
        update(CircuitBreakerRow)
        .where(CircuitBreakerRow.endpoint == endpoint)
        .values(
            state=BreakerState.CLOSED.value,
            failures=0,
            opened_until=None,
            window_started_at=None,
            admitted=0,
            admitted_until=None,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1
