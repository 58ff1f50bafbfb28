"""`woonbrug serve`: the API with its dashboard (`/dashboard`), and the dispatch workers, in one process or apart.

- Embedded (default): one process serves the API (uvicorn, one worker) and runs `--workers` dispatch
  loops in threads beside it. With SQLite this is the whole gateway on one machine.
- `--api-only`: only the API, for several API processes behind a load balancer on one PostgreSQL.
- `--worker-only`: only the dispatch workers, as `--workers` supervised processes.

With a region, the embedded and worker-only modes also run the flow loop (`gateway.flow.scheduler`):
every `--flow-interval` seconds it closes response windows and expires offers that are due, and polls
the corporations' systems for vacancies and signed leases.

On SQLite the schema is brought to the newest migration at start (the embedded default should just
run); on PostgreSQL it is only checked, since several hosts must not migrate at once.

`--demo` (what `make run` does) first runs the demo region into the data folder (`gateway.demo`; the
settings' `data_dir`, or `--demo-dir`), keeps its simulated vendor systems running so the workers can
still deliver to them, issues a key for region staff, each demo corporation and each municipality
(printed once), and then serves API, dashboard and a worker. Every other command reads that same
database, so `woonbrug keys create`, `dlq list` and `report` work on what the demo server serves.

A serving process (embedded or demo) holds the data folder's lock (`gateway.core.datafolder`), so a
second server or a `woonbrug demo` cannot replace the database under it. The port is checked before
anything runs, so a taken port fails at once, not after the demo has printed its keys.
"""

from __future__ import annotations

import errno
import logging
import signal
import socket
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from gateway.core.datafolder import ServerLock

__all__ = ["serve"]

log = logging.getLogger("woonbrug.serve")


def _load_region(path: Path | None) -> Any:
    if path is None:
        return None
    from gateway.flow.issues import ConfigError
    from gateway.flow.policy import load_region

    try:
        return load_region(path)
    except ConfigError as error:
        click.echo(f"{error.source}: {len(error.issues)} problem(s)", err=True)
        for issue in error.issues:
            click.echo(f"  {issue}", err=True)
        sys.exit(2)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--region",
    "region_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="WOONBRUG_REGION_FILE",
    help="Region file (gemeenten, corporaties, portals, policy); without it the flow endpoints answer 503.",
)
@click.option("--api-only", is_flag=True, help="Serve the API only (no dispatch workers).")
@click.option("--worker-only", is_flag=True, help="Run the dispatch workers only (no API).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(0, 64), help="Dispatch workers to run.")
@click.option("--database-url", default=None, help="Overrides WOONBRUG_DATABASE_URL.")
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["debug", "info", "warning", "error"]),
)
@click.option(
    "--flow-interval",
    default=30.0,
    show_default=True,
    type=click.FloatRange(0.1, 3600),
    help="Seconds between rounds of the flow loop (due windows and offers, polling corporations).",
)
@click.option("--demo", is_flag=True, help="Run the demo region first and serve it (with printed keys).")
@click.option(
    "--demo-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data folder for --demo (default: the settings' data_dir, ./woonbrug-data); its demo database is "
    "replaced on every start.",
)
@click.option("--demo-seekers", default=None, type=click.IntRange(1, 100_000), help="Seekers in the demo.")
@click.option("--demo-listings", default=None, type=click.IntRange(1, 1000), help="Demo listings per corporation.")
def serve(
    host: str,
    port: int,
    region_file: Path | None,
    api_only: bool,
    worker_only: bool,
    workers: int,
    database_url: str | None,
    log_level: str,
    flow_interval: float,
    demo: bool,
    demo_dir: Path | None,
    demo_seekers: int | None,
    demo_listings: int | None,
) -> None:
    """Run the gateway: API, dashboard and dispatch workers (embedded), or one part (--api-only / --worker-only)."""
    if api_only and worker_only:
        raise click.UsageError("--api-only and --worker-only exclude each other")
    if demo and (api_only or worker_only or region_file or database_url):
        raise click.UsageError("--demo serves its own region and database: no --region, --database-url, --*-only")
    from gateway.core.logging import configure_logging
    from gateway.core.settings import get_settings
    from gateway.delivery.worker import WorkerOptions

    configure_logging(log_level.upper())
    if not worker_only:
        ensure_port_free(host, port)
    if demo:
        folder = demo_dir or get_settings().data_path
        with _hold_data_folder(folder, host, port, f"sqlite:///{folder / 'woonbrug.sqlite'}"):
            _serve_demo(host, port, folder, demo_seekers, demo_listings, flow_interval)
        return
    settings = get_settings(database_url=database_url)
    region = _load_region(region_file)
    from gateway.cli.common import open_database

    database = open_database(settings.database_url)
    resolver: Any = settings.adapter_resolver
    if region is not None and resolver is None:
        from gateway.region import RegionResolver

        resolver = RegionResolver(region)
    options = WorkerOptions.from_settings(settings, resolver=resolver)
    flow_loop = None
    if region is not None and not api_only:
        from gateway.region import RegionResolver

        flow_loop = FlowLoop(database, region, lambda: RegionResolver(region), flow_interval)
    if worker_only:
        if flow_loop is not None:
            flow_loop.start()
        try:
            _run_pool(options, max(workers, 1))
        finally:
            if flow_loop is not None:
                flow_loop.stop()
            database.dispose()
        return
    if api_only:
        _run_embedded(database, region, options, host, port, 0, flow_loop)
        return
    with _hold_data_folder(settings.data_path, host, port, settings.database_url):
        _run_embedded(database, region, options, host, port, workers, flow_loop)


def display_url(host: str, port: int) -> str:
    return f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"  # noqa: S104 - a display URL


def ensure_port_free(host: str, port: int) -> None:
    """Fail now, with a clear line, when the port is taken (uvicorn would say so only after the demo ran)."""
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: TIME_WAIT is no conflict
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise click.ClickException(
                    f"port {port} on {host} is taken (another `woonbrug serve`?): stop that one, or give --port"
                ) from error
            raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from error


def _hold_data_folder(folder: Path, host: str, port: int, database: str) -> ServerLock:
    from datetime import UTC, datetime

    from gateway.core.datafolder import ServerLock
    from gateway.store.engine import redact_url

    started = datetime.now(UTC).isoformat(timespec="seconds")
    return ServerLock(folder).acquire(address=display_url(host, port), database=redact_url(database), started=started)


def _serve_demo(
    host: str, port: int, workdir: Path, seekers: int | None, listings: int | None, flow_interval: float
) -> None:
    """Run the demo region, then serve it with its simulators still up, one worker and a key per tenant."""
    import asyncio
    from dataclasses import replace

    from gateway.core.clock import SimulatedClock
    from gateway.delivery.worker import WorkerOptions
    from gateway.demo import run as demo_run
    from gateway.demo.world import DEMO_START, demo_world
    from gateway.region import RegionResolver

    defaults = demo_run.DemoOptions()
    options = replace(
        defaults,
        seekers=seekers or defaults.seekers,
        listings_per_corporatie=listings or defaults.listings_per_corporatie,
    )
    from gateway.cli.common import prepare_demo_folder

    prepare_demo_folder(workdir, locked_by_us=True)  # serve holds the folder's lock already
    clock = SimulatedClock(DEMO_START)
    click.echo(
        f"Running the demo region into {workdir} ({options.seekers} seekers, "
        f"{options.listings_per_corporatie} listings per corporation) ...",
        err=True,
    )
    with demo_world(workdir, clock=clock) as world:

        async def run() -> dict[str, Any]:
            try:
                return await demo_run._run(world, clock, options)
            finally:
                await world.resolver.aclose()  # bound to this event loop; the worker builds its own below

        summary = asyncio.run(run())
        keys = _demo_keys(world)
        base = display_url(host, port)
        click.echo(f"Demo ready: {summary['listings']} listings, {summary['allocations']} allocations.")
        click.echo(f"Dashboard: {base}/dashboard/   API: {base}/api/v1 (docs: {base}/docs)")
        click.echo("Keys (shown once; sign in to the dashboard with one, or send it as Authorization: Bearer):")
        for tenant, role, key in keys:
            click.echo(f"  {tenant:<16} {role:<13} {key}")
        # One worker: its adapters talk to the simulators of this process, in the worker's own event loop.
        resolver = RegionResolver(world.region, registry=world.registry, overrides=world.resolver.overrides)
        worker = WorkerOptions(database_url=f"sqlite:///{workdir / 'woonbrug.sqlite'}", resolver=resolver)
        flow_loop = FlowLoop(
            world.db,
            world.region,
            lambda: RegionResolver(world.region, registry=world.registry, overrides=world.resolver.overrides),
            flow_interval,
        )
        _run_embedded(world.db, world.region, worker, host, port, 1, flow_loop)


def _demo_keys(world: Any) -> list[tuple[str, str, str]]:
    """A key for region staff, each demo corporation, each municipality (tenant = its CBS code) and each
    portal (for trying the API as a portal builder would)."""
    from gateway.tenants.service import Role, create_key

    tenants = [("regiobeheer", Role.ADMIN)]
    tenants += [(corporatie.id, Role.CORPORATION) for corporatie in world.region.corporaties]
    tenants += [(gemeente.code, Role.MUNICIPALITY) for gemeente in world.region.gemeenten]
    tenants += [(portal.id, Role.PORTAL) for portal in world.region.portals]
    with world.db.transaction() as session:
        return [
            (tenant, role.value, create_key(session, tenant=tenant, role=role, now=world.clock.now(), actor="demo").key)
            for tenant, role in tenants
        ]


def _run_pool(options: Any, processes: int) -> None:
    from gateway.delivery.worker import WorkerPool

    pool = WorkerPool(options, processes=processes).start()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        pool.request_stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    log.info("dispatch workers started: %d process(es)", processes)
    pool.supervise()


def _stop_quietly(_signum: int, _frame: FrameType | None) -> None:
    log.info("stopping")


class FlowLoop:
    """The flow loop in a thread of its own, with its own event loop (the intake's adapters live there)."""

    def __init__(self, database: Any, region: Any, make_resolver: Any, interval: float) -> None:
        self.database, self.region, self.make_resolver, self.interval = database, region, make_resolver, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="woonbrug-flow", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        import asyncio

        from gateway.flow.parameters import default_parameter_table
        from gateway.flow.scheduler import run_flow_loop
        from gateway.flow.service import FlowService
        from gateway.inbound.intake import Intake

        flow = FlowService(self.database, self.region, parameters=default_parameter_table())
        resolver = self.make_resolver()

        async def sleep(seconds: float) -> None:
            await asyncio.to_thread(self._stop.wait, seconds)  # wakes at once on stop

        async def main() -> None:
            try:
                await run_flow_loop(
                    flow,
                    Intake(flow, resolver.for_corporatie),
                    self._stop.is_set,
                    sleep=sleep,
                    interval_seconds=self.interval,
                )
            finally:
                await resolver.aclose()

        asyncio.run(main())


def _run_embedded(
    database: Any, region: Any, options: Any, host: str, port: int, workers: int, flow_loop: FlowLoop | None = None
) -> None:
    import uvicorn

    from gateway.delivery.worker import run_worker
    from gateway.server import create_gateway_app

    stop = threading.Event()
    threads = [
        threading.Thread(
            target=run_worker,
            args=(options, stop.is_set),
            kwargs={"worker_id": f"embedded-{index}"},
            name=f"woonbrug-dispatch-{index}",
            daemon=True,
        )
        for index in range(workers)
    ]
    for thread in threads:
        thread.start()
    if flow_loop is not None:
        flow_loop.start()
    app = create_gateway_app(database, region)
    # uvicorn handles SIGINT/SIGTERM: it stops accepting and finishes open requests. Afterwards it raises
    # the signal again for the handler that was there before; a quiet one lets us stop the workers and
    # exit 0, which is what a graceful stop is.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _stop_quietly)
    config = uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False, workers=1)
    try:
        uvicorn.Server(config).run()
    finally:
        stop.set()
        if flow_loop is not None:
            flow_loop.stop()
        for thread in threads:
            thread.join(timeout=30)
        database.dispose()
