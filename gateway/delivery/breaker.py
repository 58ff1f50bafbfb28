"""The circuit breaker per endpoint (corporation + adapter), kept in the database so all workers share it.

- closed: messages flow. `threshold` consecutive transient failures open it.
- open: no message for the endpoint is claimed until `opened_until` (the cool-down, or the vendor's
  Retry-After when that is longer). Waiting messages keep their attempts: a vendor outage does not
  use up retries, so it does not fill the dead letters.
- half-open: after the cool-down one worker takes one message as a probe (an atomic state change,
  so two workers cannot both probe). Success closes the breaker; failure opens it for another
  cool-down. The probe counts as an attempt of its message, but a transient failure of a probe never
  makes it a dead letter (the dispatcher schedules it again however many attempts it has used). If
  the probing worker vanishes, the probe's claim runs out and another probe may go.

Only transient failures count. A permanent refusal (HTTP 4xx) shows that the endpoint is up and
answering, so it resets the count like a success.

Every change reads the breaker's row under a row lock (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's
single writer on SQLite) and writes it in the same transaction, so concurrent workers never lose each
other's counts. A healthy endpoint's row is only read, never written, so the common path takes no lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, exists, or_, select, update
from sqlalchemy.orm import Session

from gateway.core.settings import DeliverySettings
from gateway.store.dialect import insert_ignore
from gateway.store.models import CIRCUIT_BREAKERS, OUTBOX, BreakerState, CircuitBreakerRow

__all__ = [
    "BreakerPolicy",
    "BreakerView",
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

    @classmethod
    def from_settings(cls, settings: DeliverySettings) -> BreakerPolicy:
        return cls(threshold=settings.breaker_threshold, cooldown_seconds=settings.breaker_cooldown_seconds)


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
    """SQL: the outbox row's endpoint has a breaker that lets nothing through at `now`."""
    breaker = CIRCUIT_BREAKERS.c
    return exists().where(
        breaker.endpoint == OUTBOX.c.endpoint,
        breaker.state != BreakerState.CLOSED.value,
        breaker.opened_until > now,
    )


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


def _locked_state(session: Session, endpoint: str) -> tuple[str, int, datetime | None] | None:
    """The breaker's row, locked until the transaction ends (PostgreSQL; SQLite's writer lock covers it)."""
    row = CircuitBreakerRow
    found = session.execute(
        select(row.state, row.failures, row.opened_until).where(row.endpoint == endpoint).with_for_update()
    ).one_or_none()
    return None if found is None else (found.state, found.failures, found.opened_until)


def record_success(session: Session, endpoint: str, now: datetime) -> str | None:
    """Close the breaker after a success; returns the state it left, or None when nothing changed."""
    row = CIRCUIT_BREAKERS.c
    unhealthy = session.execute(
        select(row.endpoint).where(
            row.endpoint == endpoint, or_(row.state != BreakerState.CLOSED.value, row.failures != 0)
        )
    ).scalar_one_or_none()
    if unhealthy is None:
        return None  # healthy already: no write, so the hot path takes no row lock
    current = _locked_state(session, endpoint)
    if current is None:
        return None
    session.execute(
        CIRCUIT_BREAKERS.update()
        .where(row.endpoint == endpoint)
        .values(state=BreakerState.CLOSED.value, failures=0, opened_until=None, updated_at=now)
    )
    return current[0] if current[0] != BreakerState.CLOSED.value else None


def record_failure(
    session: Session,
    endpoint: str,
    now: datetime,
    policy: BreakerPolicy,
    *,
    retry_after: float | None = None,
    error: str | None = None,
) -> bool:
    """Count a transient failure; returns True when this failure opened the breaker."""
    session.execute(
        insert_ignore(session, CircuitBreakerRow, ["endpoint"]).values(
            endpoint=endpoint, state=BreakerState.CLOSED.value, failures=0, updated_at=now
        )
    )
    current = _locked_state(session, endpoint)
    assert current is not None  # inserted above when missing
    state, failures, opened_until = current
    failures += 1
    opens = state == BreakerState.HALF_OPEN.value or (
        state == BreakerState.CLOSED.value and failures >= policy.threshold
    )
    if opens:
        state = BreakerState.OPEN.value
        opened_until = now + timedelta(seconds=max(policy.cooldown_seconds, retry_after or 0.0))
    session.execute(
        update(CircuitBreakerRow)
        .where(CircuitBreakerRow.endpoint == endpoint)
        .values(
            failures=failures,
            state=state,
            opened_until=opened_until,
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
    result = session.execute(
        update(CircuitBreakerRow)
        .where(CircuitBreakerRow.endpoint == endpoint)
        .values(state=BreakerState.CLOSED.value, failures=0, opened_until=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1
