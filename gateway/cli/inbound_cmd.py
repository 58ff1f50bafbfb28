"""`woonbrug inbound`: what the inbound pipeline refused, and whether each corporation's system can be polled.

The same reads as the dashboard's overview (`gateway.inbound.rejections`, `gateway.inbound.health`).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from gateway.cli.common import open_database
from gateway.core.settings import get_settings
from gateway.inbound import health, rejections

DATABASE_URL = click.option("--database-url", metavar="URL", help="Store URL (default: WOONBRUG_DATABASE_URL).")


@click.group()
def inbound() -> None:
    """What came in: refusals at the boundary and the health of each corporation's poll."""


@inbound.command("health")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@DATABASE_URL
def health_cmd(as_json: bool, database_url: str | None) -> None:
    """Whether each corporation's system could be polled at the last round (exit 1 if one could not)."""
    database = open_database(get_settings(database_url=database_url).database_url)
    try:
        with database.session() as session:
            rows: list[dict[str, Any]] = [
                {
                    "corporatie": row.corporatie,
                    "adapter": row.adapter,
                    "healthy": row.healthy,
                    "reason": row.reason,
                    "failing_since": row.failing_since.isoformat() if row.failing_since else None,
                    "last_poll_at": row.last_poll_at.isoformat(),
                }
                for row in health.all_health(session)
            ]
    finally:
        database.dispose()
    if as_json:
        click.echo(json.dumps(rows, indent=2))
    else:
        for row in rows:
            state = "healthy" if row["healthy"] else f"FAILING since {row['failing_since']}: {row['reason']}"
            click.echo(f"{row['corporatie']}/{row['adapter']:<12} {state}  (last poll {row['last_poll_at']})")
        if not rows:
            click.echo("no polls yet")
    if any(not row["healthy"] for row in rows):
        sys.exit(1)


@inbound.command("rejections")
@click.option("--corporatie", help="Only what came through this corporation's channel.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@DATABASE_URL
def rejections_cmd(corporatie: str | None, limit: int, as_json: bool, database_url: str | None) -> None:
    """The latest refusals at the boundary, newest first: whose channel, what kind, where and why."""
    database = open_database(get_settings(database_url=database_url).database_url)
    try:
        with database.session() as session:
            rows: list[dict[str, Any]] = [
                {
                    "corporatie": row.corporatie,
                    "channel": row.channel,
                    "kind": row.kind,
                    "message_type": row.message_type,
                    "message_id": row.message_id,
                    "location": row.location,
                    "reason": row.reason,
                    "seen": row.seen,
                    "last_seen_at": row.last_seen_at.isoformat(),
                }
                for row in rejections.recent(session, corporatie, limit=limit)
            ]
    finally:
        database.dispose()
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("nothing refused")
    for row in rows:
        click.echo(
            f"{row['last_seen_at']}  {row['corporatie']} ({row['channel']})  {row['kind']}  "
            f"{row['message_type'] or '-'}  seen {row['seen']}x\n"
            f"          {row['location'] or '(whole message)'}: {row['reason']}"
        )
