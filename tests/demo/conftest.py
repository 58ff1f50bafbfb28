"""One demo run shared by the demo and report tests (it takes a while): the summary, what each owner's
system received, and the database file it left."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from gateway.core.clock import SimulatedClock
from gateway.demo import run as demo_run
from gateway.demo.run import DemoOptions
from gateway.demo.world import DEMO_START, demo_world
from gateway.flow.records import AanbiedingRecord, OvereenkomstRecord, PublicatieRecord, ToewijzingRecord
from gateway.store.models import OutboxMessage

OPTIONS = DemoOptions(seekers=120, listings_per_corporatie=5, accept=0.5, refuse=0.3, seed=7)


@pytest.fixture(scope="session")
def finished(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run the demo once and keep what the tests look at: the summary and each owner system's record."""
    workdir = tmp_path_factory.mktemp("demo")
    clock = SimulatedClock(DEMO_START)

    async def go() -> dict[str, Any]:
        with demo_world(workdir, clock=clock, seed=OPTIONS.seed) as world:
            try:
                result = await demo_run._run(world, clock, OPTIONS)
            finally:
                await world.resolver.aclose()
            with world.db.session() as session:
                toewijzingen = list(session.execute(select(ToewijzingRecord.id, ToewijzingRecord.corporatie)).all())
                offers = list(session.execute(select(AanbiedingRecord.status, AanbiedingRecord.detail_status)).all())
                statuses = list(session.scalars(select(PublicatieRecord.status)))
                contracts = session.scalar(select(func.count()).select_from(OvereenkomstRecord))
                outbox = list(session.execute(select(OutboxMessage.type, OutboxMessage.status)).all())
            return {
                "summary": result,
                "toewijzingen": toewijzingen,
                "offers": offers,
                "statuses": statuses,
                "contracts": contracts,
                "outbox": outbox,
                "vera": [body["id"] for body in world.vera.records("toewijzingen")],
                "erp": [row["ToewijzingId"] for row in world.erp.allocations()],
                "csv": _csv_toewijzing_ids(world.drop_folder / "outbox"),
                "database": workdir / "woonbrug.sqlite",
            }

    return asyncio.run(go())


def _csv_toewijzing_ids(outbox: Path) -> list[str]:
    ids = []
    for path in sorted(outbox.glob("toewijzing*.csv")):
        text = path.read_bytes().decode("utf-8-sig")
        reader = csv.reader(io.StringIO(text), delimiter=";")
        header = next(reader)
        column = next(i for i, name in enumerate(header) if "oewijzing" in name)
        ids += [row[column] for row in reader if row]
    return ids
