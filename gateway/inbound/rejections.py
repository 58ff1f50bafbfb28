"""Rejections at the boundary, kept with their located reason and remembered by content.

`remember` stores a rejection once per (channel corporation, content hash): the same bad record or the
same refused message arriving again (a vendor whose export is read from the start on every poll) only
counts up `seen` and `last_seen_at`, and the caller does not log or audit it again. `recent` is what
region staff see on the dashboard.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.inbound.ownership import Channel
from gateway.inbound.records import InboundRejection

__all__ = ["FLOW", "MAPPING", "OWNERSHIP", "content_hash", "recent", "remember"]

MAPPING = "mapping"  # the adapter could not translate the record
OWNERSHIP = "ownership"  # the message spoke for another corporation, or about its units or allocations
FLOW = "flow"  # the flow (or the store) refused to apply it

REASON_LIMIT = 500


def content_hash(*parts: Any) -> str:
    """A SHA-256 over `parts` (JSON-able values), the same for the same content whatever its key order."""
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def remember(
    session: Session,
    channel: Channel,
    *,
    kind: str,
    reason: str,
    digest: str,
    now: datetime,
    location: str | None = None,
    message_type: str | None = None,
    message_id: str | None = None,
    inbox_id: int | None = None,
) -> bool:
    """Keep a rejection in the caller's transaction; True when it is new, False when seen before."""
    query = select(InboundRejection).where(
        InboundRejection.corporatie == channel.tenant, InboundRejection.content_hash == digest
    )
    existing = session.scalars(query).one_or_none()
    if existing is None:
        row = InboundRejection(
            corporatie=channel.tenant,
            channel=channel.via.value,
            kind=kind,
            message_type=message_type,
            message_id=message_id,
            inbox_id=inbox_id,
            location=location[:500] if location else None,
            reason=reason[:REASON_LIMIT],
            content_hash=digest,
            seen=1,
            first_seen_at=now,
            last_seen_at=now,
        )
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
            return True
        except IntegrityError:  # another process stored the same rejection just now
            existing = session.scalars(query).one()
    existing.seen += 1
    existing.last_seen_at = now
    return False


def recent(session: Session, corporatie: str | None = None, *, limit: int = 50) -> Sequence[InboundRejection]:
    """The latest rejections, newest first (of one corporation's channel, or all)."""
    query = select(InboundRejection).order_by(InboundRejection.last_seen_at.desc(), InboundRejection.id.desc())
    if corporatie is not None:
        query = query.where(InboundRejection.corporatie == corporatie)
    return session.scalars(query.limit(limit)).all()
