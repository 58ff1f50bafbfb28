"""The gateway's time, injectable so tests and the demo can run weeks of allocation or minutes of backoff
in milliseconds.

Every moment the gateway stores or compares (a listing's closing, an offer's deadline, a delivery's next
attempt, a lease end, a breaker's cool-down, a key's expiry) comes from a `Clock`, never from the
database's `now()` or `datetime.now()` at the call site, so a `SimulatedClock` moves all of them together.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["SYSTEM_CLOCK", "Clock", "SimulatedClock", "SystemClock"]


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware (UTC)."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class SimulatedClock:
    """A clock that moves only when told to. Thread-safe (a simulator thread may read it)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("SimulatedClock needs an aware start moment")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> datetime:
        with self._lock:
            self._now += timedelta(seconds=seconds)
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            if moment < self._now:
                raise ValueError("a simulated clock does not go back")
            self._now = moment.astimezone(UTC)


SYSTEM_CLOCK = SystemClock()
