"""The retry policy: full-jitter backoff with a cap, Retry-After as a floor, errors sorted by what to do."""

from __future__ import annotations

import random

import httpx
import pytest
from sqlalchemy.exc import OperationalError

from adapters import MappingError, PermanentError, TransientError
from gateway.core.settings import DeliverySettings
from gateway.delivery import RetryPolicy, classify
from gateway.delivery.retry import db_retrying
from gateway.store import AttemptOutcome


def test_backoff_grows_exponentially_within_full_jitter_and_the_cap() -> None:
    policy = RetryPolicy(base_seconds=2.0, cap_seconds=60.0)
    rng = random.Random(1)
    for failed, ceiling in [(1, 2.0), (2, 4.0), (3, 8.0), (5, 32.0), (6, 60.0), (40, 60.0), (10_000, 60.0)]:
        samples = [policy.backoff(failed, rng) for _ in range(300)]
        assert all(0.0 <= s <= ceiling for s in samples)
        # Full jitter spreads over the whole range, not around one value.
        assert min(samples) < ceiling * 0.1
        assert max(samples) > ceiling * 0.9


def test_retry_after_is_a_floor_and_is_capped() -> None:
    policy = RetryPolicy(base_seconds=1.0, cap_seconds=10.0, retry_after_cap_seconds=300.0)
    rng = random.Random(2)
    assert all(policy.delay(1, 45.0, rng) == 45.0 for _ in range(50))
    assert policy.delay(1, 10_000.0, rng) == 300.0
    assert all(policy.delay(1, None, rng) <= 1.0 for _ in range(50))


def test_attempts_are_used_up_at_the_maximum() -> None:
    policy = RetryPolicy(max_attempts=3)
    assert not policy.exhausted(2)
    assert policy.exhausted(3)


def test_the_policy_follows_the_settings() -> None:
    settings = DeliverySettings(max_attempts=4, backoff_base_seconds=0.5, backoff_cap_seconds=9.0)
    policy = RetryPolicy.from_settings(settings)
    assert (policy.max_attempts, policy.base_seconds, policy.cap_seconds) == (4, 0.5, 9.0)


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (TransientError("503", retry_after=3), AttemptOutcome.TRANSIENT),
        (PermanentError("400", status=400), AttemptOutcome.PERMANENT),
        (MappingError("bad field"), AttemptOutcome.MAPPING),
        (httpx.ConnectError("refused"), AttemptOutcome.TRANSIENT),  # through the SDK's boundary table
        (httpx.InvalidURL("nope"), AttemptOutcome.PERMANENT),
        (RuntimeError("a bug"), AttemptOutcome.PERMANENT),  # unknown: not retried forever
    ],
)
def test_errors_are_classified_by_what_the_caller_should_do(error: Exception, outcome: AttemptOutcome) -> None:
    assert classify(error) is outcome


def test_database_errors_are_retried_until_they_pass() -> None:
    calls = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))
        return "ok"

    assert db_retrying(max_wait=0.01)(flaky) == "ok"
    assert len(calls) == 3


def test_other_database_errors_and_a_stop_are_not_retried() -> None:
    calls = []

    def broken() -> None:
        calls.append(1)
        raise ValueError("not a database outage")

    with pytest.raises(ValueError, match="not a database outage"):
        db_retrying()(broken)
    assert len(calls) == 1

    def down() -> None:
        calls.append(1)
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    with pytest.raises(OperationalError):
        db_retrying(should_stop=lambda: len(calls) >= 4, max_wait=0.01)(down)
    assert len(calls) == 4
