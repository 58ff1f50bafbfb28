"""The flow loop of a running gateway: it closes due windows, survives a failing round, and stops."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from adapters import Capabilities
from gateway.core.clock import SimulatedClock
from gateway.flow.parameters import default_parameter_table
from gateway.flow.records import PublicatieRecord
from gateway.flow.scheduler import run_flow_loop
from gateway.flow.service import FlowService
from schemas import MESSAGE_TYPES
from tests.flow.builders import region
from tests.flow.test_service import START, vacancy
from tests.store.databases import sqlite_database


def test_the_loop_closes_due_windows_and_keeps_going_after_a_failure(tmp_path: Path) -> None:
    clock = SimulatedClock(START)
    every_type = Capabilities(encodes=frozenset(MESSAGE_TYPES))
    with sqlite_database(tmp_path) as db:
        flow = FlowService(
            db, region(), parameters=default_parameter_table(), clock=clock, capabilities=lambda _a: every_type
        )
        publicatie = flow.publish_vacancy(vacancy())
        real_tick = flow.tick
        calls = {"n": 0}

        def flaky_tick() -> object:
            calls["n"] += 1
            if calls["n"] == 1:
                raise RuntimeError("database restarting")
            return real_tick()

        flow.tick = flaky_tick  # type: ignore[method-assign]

        async def sleep(_seconds: float) -> None:
            clock.advance(timedelta(days=4).total_seconds())  # each round moves the region four days on

        rounds = asyncio.run(run_flow_loop(flow, None, lambda: calls["n"] >= 3, sleep=sleep))
        assert rounds == 3
        with db.session() as session:
            assert session.get(PublicatieRecord, publicatie.id).status == "AAN"  # type: ignore[union-attr]
