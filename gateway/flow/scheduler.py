"""The flow's clockwork in a running gateway: close response windows and expire offers when their time
comes, and read what corporations' systems have new.

`woonbrug serve` runs `run_flow_loop` beside the API and the delivery workers. Several gateway processes
may run it against one PostgreSQL store: each step locks the listing or offer it changes and checks its
status first, so a step another process already took is skipped, not done twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from gateway.flow.service import FlowService

__all__ = ["run_flow_loop"]

log = logging.getLogger(__name__)


class Poller(Protocol):
    """What the loop polls with (`gateway.inbound.intake.Intake`): the flow does not import the inbound side."""

    async def poll_all(self) -> Any: ...


async def run_flow_loop(
    flow: FlowService,
    intake: Poller | None,
    should_stop: Callable[[], bool],
    *,
    interval_seconds: float = 30.0,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> int:
    """Tick and poll every `interval_seconds` until `should_stop()`; returns how many rounds ran.

    A failing round is logged and the loop goes on: a vendor system that is down, or a database that
    restarts, must not stop allocation for the whole region.
    """
    rounds = 0
    while not should_stop():
        try:
            # The flow's steps are synchronous database work: keep them off the event loop.
            ticked = await asyncio.to_thread(flow.tick)
            if ticked.windows_closed or ticked.offers_expired:
                log.info(
                    "flow tick: %d windows closed, %d offers expired",
                    len(ticked.windows_closed),
                    len(ticked.offers_expired),
                )
            if intake is not None:
                polled = await intake.poll_all()
                if polled.received or polled.rejected or polled.errors:
                    log.info(
                        "intake: %d received, %d rejected, %d failed polls",
                        polled.received,
                        polled.rejected,
                        len(polled.errors),
                    )
        except Exception:
            log.exception("flow round failed; trying again next round")
        rounds += 1
        await sleep(interval_seconds)
    return rounds
