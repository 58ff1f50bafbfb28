"""The inbound side's tables: rejected records and messages, and the health of each corporation's poll.

- `inbound_rejection`: one row per distinct thing refused at the boundary (a record the adapter could not
  translate, a message speaking for another corporation, a message the flow refused), keyed by the
  channel's corporation and a content hash, so that the same refusal seen again (a vendor re-sending an
  unchanged bad record on every poll) is counted, not reported again. Reasons and locations only; no
  values from the record.
- `inbound_poll_health`: per corporation and adapter, whether its last poll worked and, if not, why.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gateway.store.base import Base, BigId, UTCDateTime

__all__ = ["InboundRejection", "PollHealth"]

KEY = 100


class InboundRejection(Base):
    __tablename__ = "inbound_rejection"
    __table_args__ = (UniqueConstraint("corporatie", "content_hash"), Index(None, "last_seen_at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    corporatie: Mapped[str] = mapped_column(String(KEY), index=True)  # the channel's tenant: the real sender
    channel: Mapped[str] = mapped_column(String(16))  # api, webhook, poll, import
    kind: Mapped[str] = mapped_column(String(16))  # mapping, ownership, flow
    message_type: Mapped[str | None] = mapped_column(String(64), default=None)
    message_id: Mapped[str | None] = mapped_column(String(KEY), default=None)
    inbox_id: Mapped[int | None] = mapped_column(default=None)
    location: Mapped[str | None] = mapped_column(String(500), default=None)
    reason: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    seen: Mapped[int] = mapped_column(default=1)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PollHealth(Base):
    __tablename__ = "inbound_poll_health"

    corporatie: Mapped[str] = mapped_column(String(KEY), primary_key=True)
    adapter: Mapped[str] = mapped_column(String(KEY), primary_key=True)
    healthy: Mapped[bool]
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_poll_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_ok_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
