"""When to try again: the persisted retry schedule of messages, and in-process retries of the database.

Messages: exponential backoff with full jitter and a cap (`delay = uniform(0, min(cap, base * 2**n))`,
which spreads a crowd of retries evenly instead of in waves), never sooner than the vendor's
Retry-After, and a dead letter after `max_attempts`. The next moment is stored in the outbox row, so a
restart continues the schedule rather than starting it over.

What to do with an error follows the adapter SDK's grouping: `TransientError` is retried;
`PermanentError` and `MappingError` are not (the message becomes a dead letter at once). Anything else
an adapter lets slip is translated by the SDK's boundary table first.

The database: a dropped connection, a restarting PostgreSQL or a busy SQLite is retried in-process with
tenacity (exponential backoff with full jitter), until it works or the caller's deadline or stop arrives.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_delay, wait_random_exponential
from tenacity.stop import stop_base

from adapters import MappingError, PermanentError, TransientError, translate
from gateway.core.settings import DeliverySettings
from gateway.store.engine import is_transient_db_error
from gateway.store.models import AttemptOutcome

__all__ = ["RetryPolicy", "classify", "db_retrying"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a message is retried."""

    max_attempts: int = 12
    base_seconds: float = 2.0
    cap_seconds: float = 600.0
    retry_after_cap_seconds: float = 3600.0

    @classmethod
    def from_settings(cls, settings: DeliverySettings) -> RetryPolicy:
        return cls(
            max_attempts=settings.max_attempts,
            base_seconds=settings.backoff_base_seconds,
            cap_seconds=settings.backoff_cap_seconds,
            retry_after_cap_seconds=settings.retry_after_cap_seconds,
        )

    def backoff(self, failed_attempts: int, rng: random.Random) -> float:
        """Full-jitter backoff after `failed_attempts` (>= 1) failures, in seconds."""
        exponent = min(max(failed_attempts - 1, 0), 60)  # 2**60 * base is beyond any cap; avoids overflow
        ceiling = min(self.cap_seconds, self.base_seconds * 2.0**exponent)
        return rng.uniform(0.0, ceiling)

    def delay(self, failed_attempts: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds until the next attempt: the backoff, but never sooner than the vendor's Retry-After."""
        delay = self.backoff(failed_attempts, rng)
        if retry_after is not None and retry_after > 0:
            delay = max(delay, min(retry_after, self.retry_after_cap_seconds))
        return delay

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.max_attempts


def classify(error: BaseException) -> AttemptOutcome:
    """What an adapter's error means for the message (unknown exceptions go through the SDK table)."""
    error = translate(error)
    if isinstance(error, TransientError):
        return AttemptOutcome.TRANSIENT
    if isinstance(error, MappingError):
        return AttemptOutcome.MAPPING
    if isinstance(error, PermanentError):
        return AttemptOutcome.PERMANENT
    return AttemptOutcome.PERMANENT  # an AdapterError outside the three groups: a bug, not worth retrying


class _stop_when(stop_base):
    def __init__(self, predicate: Callable[[], bool]) -> None:
        self.predicate = predicate

    def __call__(self, retry_state: RetryCallState) -> bool:
        return self.predicate()


def _log_retry(retry_state: RetryCallState) -> None:
    outcome = retry_state.outcome
    error = outcome.exception() if outcome is not None else None
    log.warning(
        "database unavailable (%s), retry %d in %.2fs",
        type(error).__name__,
        retry_state.attempt_number,
        retry_state.upcoming_sleep,
    )


def db_retrying(
    *,
    give_up_after: float | None = None,
    should_stop: Callable[[], bool] | None = None,
    max_wait: float = 5.0,
) -> Retrying:
    """A tenacity `Retrying` for database work: retries transient database errors with backoff."""
    stop: stop_base = _stop_when(should_stop or (lambda: False))
    if give_up_after is not None:
        stop = stop | stop_after_delay(give_up_after)
    return Retrying(
        retry=retry_if_exception(is_transient_db_error),
        wait=wait_random_exponential(multiplier=0.05, max=max_wait),
        stop=stop,
        reraise=True,
        before_sleep=_log_retry,
    )
