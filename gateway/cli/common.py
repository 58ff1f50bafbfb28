"""Wiring shared by the commands that work on a region's store: settings -> database, region, flow.

The embedded SQLite database is brought to the newest schema on first use, so `woonbrug import` works
on a fresh machine. A PostgreSQL store shared by several hosts is upgraded deliberately
(`woonbrug db upgrade`), so a command refuses to run against an older schema rather than migrate it
behind the operator's back.
"""

from __future__ import annotations

from pathlib import Path

import click

from gateway.core.clock import SYSTEM_CLOCK, Clock
from gateway.core.settings import Settings, get_settings
from gateway.flow.issues import ConfigError
from gateway.flow.parameters import default_parameter_table
from gateway.flow.policy import DEMO_REGION, RegionConfig, load_region
from gateway.flow.service import FlowService
from gateway.store import migrate
from gateway.store.engine import Database, redact_url

__all__ = ["DEMO_MARKER", "DEMO_REGION", "open_database", "open_flow", "prepare_demo_folder", "region_of"]

# Written beside the database the demo made: only such a database may the next demo run replace.
DEMO_MARKER = "demo-database"


def prepare_demo_folder(folder: Path, *, locked_by_us: bool = False) -> None:
    """Make sure the demo may (re)create its database in `folder`: no server is serving it (unless it is
    `serve --demo` itself, `locked_by_us`), and any database there is one an earlier demo made (a real
    region's data is never replaced by the demo)."""
    from gateway.core.datafolder import running_server

    server = None if locked_by_us else running_server(folder)
    if server is not None:
        raise click.ClickException(
            f"a woonbrug server ({server.describe()}) is serving the data folder {folder}: the demo would "
            "replace its database. Stop that server first, or give the demo another folder (--workdir / --demo-dir)"
        )
    if (folder / "woonbrug.sqlite").exists() and not (folder / DEMO_MARKER).exists():
        raise click.ClickException(
            f"{folder / 'woonbrug.sqlite'} was not made by the demo: the demo replaces its database on every "
            "run, so it leaves this one alone. Give the demo another folder (--workdir / --demo-dir)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DEMO_MARKER).write_text(
        "The demo made woonbrug.sqlite in this folder; the next `woonbrug demo` may replace it.\n", encoding="utf-8"
    )


def open_database(url: str, *, application_name: str = "woonbrug") -> Database:
    """The store at `url`, at the newest schema: SQLite is brought there (creating its folder), PostgreSQL
    must already be (`woonbrug db upgrade`)."""
    database = Database(url, application_name=application_name)
    if database.dialect == "sqlite":
        if database.url.database:
            Path(database.url.database).parent.mkdir(parents=True, exist_ok=True)
        migrate.upgrade(database)
        return database
    current, head = migrate.current_revision(database), migrate.head_revision()
    if current != head:
        database.dispose()
        raise click.ClickException(
            f"the database {redact_url(database.url)} is at schema {current or 'nothing'}, not {head}: "
            "run `woonbrug db upgrade`"
        )
    return database


def region_of(settings: Settings, path: Path | None = None) -> RegionConfig:
    """The region file given, else WOONBRUG_REGION_FILE, else the demo region shipped with Woonbrug."""
    chosen = path or (Path(settings.region_file) if settings.region_file else DEMO_REGION)
    try:
        return load_region(chosen)
    except ConfigError as error:
        raise click.ClickException(str(error)) from error


def open_flow(
    *, region_file: Path | None = None, database_url: str | None = None, clock: Clock = SYSTEM_CLOCK
) -> FlowService:
    settings = get_settings(database_url=database_url)
    database = open_database(settings.database_url)
    return FlowService(database, region_of(settings, region_file), parameters=default_parameter_table(), clock=clock)
