"""`woonbrug serve`: the API, the dispatch workers and (later) the dashboard, in one process or apart.

- Embedded (default): one process serves the API (uvicorn, one worker) and runs `--workers` dispatch
  loops in threads beside it. With SQLite this is the whole gateway on one machine.
- `--api-only`: only the API, for several API processes behind a load balancer on one PostgreSQL.
- `--worker-only`: only the dispatch workers, as `--workers` supervised processes.

On SQLite the schema is brought to the newest migration at start (the embedded default should just
run); on PostgreSQL it is only checked, since several hosts must not migrate at once.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

import click

__all__ = ["open_database", "serve"]

log = logging.getLogger("woonbrug.serve")


def open_database(url: str, *, application_name: str = "woonbrug") -> Any:
    """The store at `url`, at the newest schema: SQLite is migrated, PostgreSQL must be already."""
    from gateway.store import migrate
    from gateway.store.engine import Database, redact_url

    database = Database(url, application_name=application_name)
    current, head = migrate.current_revision(database), migrate.head_revision()
    if current != head:
        if database.dialect == "sqlite":
            migrate.upgrade(database)
        else:
            database.dispose()
            raise click.ClickException(
                f"the database {redact_url(url)} is at schema {current or 'nothing'}, not {head}: run the migrations"
            )
    return database


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
    envvar="WOONBRUG_REGION",
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
def serve(
    host: str,
    port: int,
    region_file: Path | None,
    api_only: bool,
    worker_only: bool,
    workers: int,
    database_url: str | None,
    log_level: str,
) -> None:
    """Run the gateway: API and dispatch workers (embedded), or one of them (--api-only / --worker-only)."""
    if api_only and worker_only:
        raise click.UsageError("--api-only and --worker-only exclude each other")
    from gateway.api.logging import configure_logging
    from gateway.delivery.worker import WorkerOptions
    from gateway.settings import get_settings

    configure_logging(log_level.upper())
    settings = get_settings(database_url=database_url)
    region = _load_region(region_file)
    database = open_database(settings.database_url)
    resolver: Any = settings.adapter_resolver
    if region is not None and resolver is None:
        from gateway.flow.intake import RegionResolver

        resolver = RegionResolver(region)
    options = WorkerOptions.from_settings(settings, resolver=resolver)
    if worker_only:
        database.dispose()
        _run_pool(options, max(workers, 1))
        return
    _run_embedded(database, region, options, host, port, 0 if api_only else workers)


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


def _run_embedded(database: Any, region: Any, options: Any, host: str, port: int, workers: int) -> None:
    import uvicorn

    from gateway.api.app import create_app
    from gateway.delivery.worker import run_worker

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
    app = create_app(database, region)
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
        for thread in threads:
            thread.join(timeout=30)
        database.dispose()
