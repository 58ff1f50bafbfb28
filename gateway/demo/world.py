"""The demo world: the region file, the three corporations' simulated vendor systems, and the gateway
parts wired to them (store, flow, intake, delivery).

- corp-a runs a VERA WRV REST API (`adapters.vera.simulator.VeraSimulator`, a real server on loopback);
- corp-b runs the Woonstee ERP over SOAP (`adapters.soap_erp.simulator.ErpSimulator`, likewise), which
  signs a lease by itself once it receives an allocation;
- corp-c exchanges CSV files through a drop folder (`adapters.csv`).

`DemoWorld` starts them on free ports and points the region's adapters at them; the demo run
(`gateway.demo.run`) and `woonbrug serve --demo` both use it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adapters import AdapterRegistry, discover
from adapters.soap_erp.simulator import ErpSimulator
from adapters.vera.simulator import DEFAULT_API_KEY, VeraSimulator
from gateway.core.clock import Clock, SimulatedClock
from gateway.delivery.dispatch import Dispatcher
from gateway.flow.lottery import seeded_lotingzaad_source
from gateway.flow.parameters import default_parameter_table
from gateway.flow.policy import DEMO_REGION, RegionConfig, load_region
from gateway.flow.service import FlowService
from gateway.inbound.intake import Intake
from gateway.region import RegionResolver
from gateway.store import migrate
from gateway.store.engine import Database

__all__ = ["DEMO_REGION", "DEMO_SEED", "DEMO_START", "DemoWorld", "demo_world"]

DEMO_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DEMO_SEED = 20260302


@dataclass
class DemoWorld:
    """Everything the demo runs on; valid inside `demo_world()`."""

    workdir: Path
    db: Database
    region: RegionConfig
    registry: AdapterRegistry
    clock: Clock
    vera: VeraSimulator
    erp: ErpSimulator
    drop_folder: Path
    resolver: RegionResolver
    flow: FlowService
    intake: Intake
    dispatcher: Dispatcher


def simulator_overrides(vera_url: str, erp_url: str, drop_folder: Path) -> dict[str, dict[str, Any]]:
    """Adapter settings that point each corporation at its running simulator (and carry the demo secrets)."""
    return {
        "corp-a": {"base_url": vera_url, "api_key": DEFAULT_API_KEY},
        "corp-b": {"endpoint": f"{erp_url}/erp"},
        "corp-c": {"drop_folder": str(drop_folder)},
    }


@contextmanager
def demo_world(
    workdir: Path, *, clock: Clock | None = None, fresh: bool = True, seed: int = DEMO_SEED
) -> Iterator[DemoWorld]:
    """Start the simulators and wire the gateway to them; a fresh SQLite database under `workdir`.

    `seed` also fixes the listings' secret lot seeds (a demo only: in a real region they come from the
    operating system's randomness), so the same seed gives the same rankings."""
    workdir.mkdir(parents=True, exist_ok=True)
    if fresh:
        for leftover in ("woonbrug.sqlite", "woonbrug.sqlite-wal", "woonbrug.sqlite-shm"):
            (workdir / leftover).unlink(missing_ok=True)
        shutil.rmtree(workdir / "corp-c", ignore_errors=True)
    drop_folder = workdir / "corp-c"
    drop_folder.mkdir(parents=True, exist_ok=True)
    clock = clock or SimulatedClock(DEMO_START)
    db = Database(f"sqlite:///{workdir / 'woonbrug.sqlite'}")
    with ExitStack() as stack:
        stack.callback(db.dispose)  # also when a step below fails
        migrate.upgrade(db)
        region = load_region(DEMO_REGION)
        registry = discover()
        vera = VeraSimulator()
        erp = ErpSimulator(corporatie="corp-b", clock=clock.now)
        stack.enter_context(vera.running())
        erp_server = stack.enter_context(erp.running())
        resolver = RegionResolver(
            region, registry=registry, overrides=simulator_overrides(vera.url, erp_server.url, drop_folder)
        )
        flow = FlowService(
            db,
            region,
            parameters=default_parameter_table(),
            clock=clock,
            capabilities=lambda adapter: registry.get(adapter).capabilities,
            lotingzaad_source=seeded_lotingzaad_source(seed),
        )
        yield DemoWorld(
            workdir=workdir,
            db=db,
            region=region,
            registry=registry,
            clock=clock,
            vera=vera,
            erp=erp,
            drop_folder=drop_folder,
            resolver=resolver,
            flow=flow,
            intake=Intake(flow, resolver.for_corporatie),
            dispatcher=Dispatcher(db, resolver, clock=clock, worker_id="demo"),
        )
