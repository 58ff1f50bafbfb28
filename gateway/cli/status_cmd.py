"""`woonbrug status`: what this gateway runs on, from the same settings every other command reads.

Which settings file and data folder, which database (redacted) at which schema, whether a server holds
the data folder, which adapters are installed and which the region uses, which workers hold messages
right now, and every circuit breaker. `--json` gives the same as one object. A database that cannot be
reached is reported as such (exit 2) after everything else that could be said.
"""

from __future__ import annotations

import json
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import click
from sqlalchemy import func, select

from adapters import ENTRY_POINT_GROUP
from gateway.core.clock import SYSTEM_CLOCK
from gateway.core.datafolder import running_server
from gateway.core.settings import chosen_config_file, get_settings
from gateway.store.engine import redact_url

__all__ = ["status"]


def _database_state(url: str) -> dict[str, Any]:
    from gateway.cli.errors import describe_failure
    from gateway.delivery import breaker
    from gateway.store import migrate
    from gateway.store.engine import Database
    from gateway.store.models import OutboxMessage

    state: dict[str, Any] = {"url": redact_url(url), "reachable": False}
    sqlite_file = _sqlite_file(url)
    if sqlite_file is not None and not sqlite_file.exists():
        # Not made yet: say so without creating it (the first command that needs it will).
        state.update(reachable=True, exists=False, schema=None, schema_head=migrate.head_revision())
        return state
    try:
        database = Database(url, application_name="woonbrug-status")
    except Exception as error:
        state["problem"] = describe_failure(error) or type(error).__name__
        return state
    try:
        state["schema"] = migrate.current_revision(database)
        state["schema_head"] = migrate.head_revision()
        state["reachable"] = True
        if state["schema"] is None:
            return state
        now = SYSTEM_CLOCK.now()
        with database.session() as session:
            counts = session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
            state["outbox"] = {status: count for status, count in counts}
            holders = session.execute(
                select(OutboxMessage.claimed_by, func.count())
                .where(OutboxMessage.claimed_until > now, OutboxMessage.claimed_by.is_not(None))
                .group_by(OutboxMessage.claimed_by)
            )
            state["workers"] = {str(worker): count for worker, count in holders}
            state["breakers"] = [view.as_dict() for view in breaker.list_breakers(session)]
    except Exception as error:
        state["reachable"] = False
        state["problem"] = describe_failure(error) or type(error).__name__
    finally:
        database.dispose()
    return state


def _sqlite_file(url: str) -> Path | None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database or "")


def _adapters(region_file: str) -> dict[str, Any]:
    installed = sorted(entry.name for entry in entry_points(group=ENTRY_POINT_GROUP))
    from gateway.cli.common import DEMO_REGION
    from gateway.flow.policy import load_region

    path = Path(region_file) if region_file else DEMO_REGION
    try:
        region = load_region(path)
        used = {corporatie.id: corporatie.adapter for corporatie in region.corporaties}
    except Exception as error:  # a broken region file is reported here; `validate-config` lists its problems
        from gateway.cli.errors import describe_failure

        return {"installed": installed, "region_file": str(path), "problem": describe_failure(error) or "unreadable"}
    return {"installed": installed, "region_file": str(path), "region": region.region.id, "corporaties": used}


def gather_status() -> dict[str, Any]:
    """Everything `woonbrug status` reports, as plain data."""
    settings = get_settings()
    config_file, _explicit = chosen_config_file()
    server = running_server(settings.data_path)
    return {
        "config_file": str(config_file) if config_file else None,
        "data_dir": str(settings.data_path.resolve()),
        "server": None if server is None else {"pid": server.pid, "address": server.address, "since": server.started},
        "database": _database_state(settings.database_url),
        "adapters": _adapters(settings.region_file),
    }


def _lines(report: dict[str, Any]) -> list[str]:
    database, adapters, server = report["database"], report["adapters"], report["server"]
    running = "running: pid {pid}, {address}, since {since}".format(**server) if server else "not running"
    lines = [
        f"settings file: {report['config_file'] or '(none: environment and defaults)'}",
        f"data folder:   {report['data_dir']}",
        f"server:        {running}",
        f"database:      {database['url']}",
    ]
    if not database["reachable"]:
        lines.append(f"               NOT reachable: {database.get('problem', '')}")
    else:
        schema, head = database.get("schema"), database.get("schema_head")
        note = "" if schema == head else f" (newest is {head}: run `woonbrug db upgrade`)"
        if database.get("exists") is False:
            lines.append("               not created yet (the first command that needs it creates it)")
        else:
            lines.append(f"               schema {schema or 'none yet'}{note}")
        if "outbox" in database:
            outbox = ", ".join(f"{status} {count}" for status, count in sorted(database["outbox"].items()))
            lines.append(f"               outbox: {outbox or 'empty'}")
    lines.append(f"adapters:      installed {', '.join(adapters['installed'])}")
    if "corporaties" in adapters:
        used = ", ".join(f"{corporatie}={adapter}" for corporatie, adapter in sorted(adapters["corporaties"].items()))
        lines.append(f"               region {adapters['region']} ({adapters['region_file']}): {used}")
    else:
        lines.append(f"               region file {adapters['region_file']}: {adapters.get('problem')}")
    workers = database.get("workers") or {}
    lines.append(
        "workers:       "
        + (", ".join(f"{worker} ({count} claimed)" for worker, count in sorted(workers.items())) or "none busy now")
    )
    breakers = database.get("breakers") or []
    lines.append(
        "breakers:      "
        + (", ".join(f"{view['endpoint']} {view['state']}" for view in breakers) or "none (every endpoint healthy)")
    )
    return lines


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def status(as_json: bool) -> None:
    """Which settings, data folder, database, server, adapters, workers and breakers this gateway uses."""
    report = gather_status()
    if as_json:
        click.echo(json.dumps(report, indent=2, sort_keys=True, default=str))
    else:
        for line in _lines(report):
            click.echo(line)
    if not report["database"]["reachable"]:
        raise SystemExit(2)
