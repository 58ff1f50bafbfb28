"""Poll health per corporation: whether the last poll of its system worked, and if not, why and since when.

The intake records every poll here; `woonbrug status`-like views, the dashboard and tests read it. A
reason is stored scrubbed and short: it names the kind of failure, never data from the vendor's records.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.inbound.records import PollHealth

__all__ = ["all_health", "record_failure", "record_success"]


def _row(session: Session, corporatie: str, adapter: str, now: datetime) -> PollHealth:
    row = session.get(PollHealth, (corporatie, adapter), with_for_update=True)
    if row is None:
        row = PollHealth(corporatie=corporatie, adapter=adapter, healthy=True, last_poll_at=now)
        session.add(row)
    return row


def record_success(session: Session, corporatie: str, adapter: str, now: datetime) -> None:
    row = _row(session, corporatie, adapter, now)
    row.healthy, row.reason, row.failing_since = True, None, None
    row.last_poll_at, row.last_ok_at = now, now


def record_failure(session: Session, corporatie: str, adapter: str, reason: str, now: datetime) -> None:
    row = _row(session, corporatie, adapter, now)
    if row.healthy or row.failing_since is None:
        row.failing_since = now
    row.healthy, row.reason, row.last_poll_at = False, reason[:500], now


def all_health(session: Session, corporatie: str | None = None) -> Sequence[PollHealth]:
    """Every corporation's poll health (or one's), unhealthy first."""
    query = select(PollHealth).order_by(PollHealth.healthy, PollHealth.corporatie, PollHealth.adapter)
    if corporatie is not None:
        query = query.where(PollHealth.corporatie == corporatie)
    return session.scalars(query).all()
