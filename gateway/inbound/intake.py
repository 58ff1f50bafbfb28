"""Intake: reading what each corporation's system has new, through the inbound pipeline into the flow.

For every corporation whose adapter polls (or reads a drop folder), `Intake.poll` asks the adapter for
what changed since the stored cursor and hands it to the pipeline (`gateway.inbound.pipeline`) on that
corporation's channel: ownership check, inbox, apply each in its own transaction, rejections kept. The
cursor moves on only after everything of a poll is stored. Messages stored but not yet applied (a crash
in between) are applied by `apply_pending`, which every round runs first.

An adapter that fails in any way (a vendor outage, a refusal, or a plain bug such as a drop folder that
is a file) marks that corporation's poll unhealthy with the reason (`gateway.inbound.health`), and the
next corporation is polled all the same: one failing system never stops a region's intake.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from adapters import Adapter, AdapterError, Transport
from gateway.core.logging import scrub
from gateway.flow.policy import CorporatieConfig
from gateway.flow.records import IntakeCursor
from gateway.flow.service import FlowService
from gateway.inbound import health
from gateway.inbound.ownership import Channel, Via
from gateway.inbound.pipeline import InboundPipeline, InboundResult

__all__ = ["Intake", "IntakeResult"]

log = logging.getLogger(__name__)

IntakeResult = InboundResult
"""What a poll did (the pipeline's counts, and one error text per corporation that could not be polled)."""


def failure_reason(error: Exception) -> str:
    """What is kept of a failed poll: an adapter's own reason (scrubbed), else only the kind of error."""
    if isinstance(error, AdapterError):
        return scrub(str(error))[:500]
    return f"the adapter failed ({type(error).__name__})"


class Intake:
    """Polls the region's corporations and applies what arrives to the flow."""

    def __init__(self, flow: FlowService, adapters: Callable[[CorporatieConfig], Adapter[Any]]) -> None:
        self.flow = flow
        self.db = flow.db
        self.adapters = adapters
        self.pipeline = InboundPipeline(flow)

    def pollable(self) -> list[CorporatieConfig]:
        """The corporations whose adapter polls or reads a drop folder (one whose adapter cannot even be
        built is polled too, so that its failure is recorded)."""
        wanted = {Transport.POLL, Transport.FILE_DROP}
        out = []
        for corporatie in self.flow.region.corporaties:
            try:
                transports = self.adapters(corporatie).capabilities.transports
            except Exception:  # a broken configuration shows up as a failed poll, below
                out.append(corporatie)
                continue
            if wanted & transports:
                out.append(corporatie)
        return out

    async def poll_all(self) -> IntakeResult:
        total = IntakeResult()
        total.refused_by_flow += self.apply_pending()
        for corporatie in self.pollable():
            total.add(await self.poll(corporatie))
        return total

    async def poll(self, corporatie: CorporatieConfig) -> IntakeResult:
        """One poll of one corporation's system: fetch, hand to the pipeline, move the cursor."""
        result = IntakeResult()
        now = self.flow.clock.now()
        with self.db.session() as session:
            row = session.get(IntakeCursor, (corporatie.id, corporatie.adapter))
            cursor = row.cursor if row else None
        try:
            polled = await self.adapters(corporatie).poll(cursor)
        except Exception as error:  # any failure of one corporation's system stays with that corporation
            reason = failure_reason(error)
            log.warning("intake from %s failed: %s", corporatie.id, reason)
            result.errors.append(f"{corporatie.id}: {reason}")
            with self.db.transaction() as session:
                health.record_failure(session, corporatie.id, corporatie.adapter, reason, now)
            return result
        channel = Channel(corporatie.id, Via.POLL)
        result.add(self.pipeline.take(channel, [*polled.rejects, *polled.messages], adapter=corporatie.adapter))
        result.skipped += polled.skipped  # the adapter logs its own notices (`polled.notices`) once per poll
        with self.db.transaction() as session:
            cursor_row = session.get(IntakeCursor, (corporatie.id, corporatie.adapter))
            if cursor_row is None:
                session.add(
                    IntakeCursor(
                        corporatie=corporatie.id, adapter=corporatie.adapter, cursor=polled.cursor, updated_at=now
                    )
                )
            else:
                cursor_row.cursor, cursor_row.updated_at = polled.cursor, now
            health.record_success(session, corporatie.id, corporatie.adapter, now)
        return result

    def apply_pending(self) -> int:
        """Apply every stored, unapplied inbound message to the flow; returns how many the flow refused."""
        return self.pipeline.apply_pending()
