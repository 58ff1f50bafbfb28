"""`woonbrug dlq` and `woonbrug breakers`: dead letters, their replay, and the circuit breakers per endpoint.

These call the same service functions as the admin API (`gateway.delivery.deadletters`, `.breaker`).
"""

from __future__ import annotations

import getpass
import json
from typing import Any

import click

from gateway.cli.common import open_database
from gateway.core.clock import SYSTEM_CLOCK
from gateway.core.settings import get_settings
from gateway.delivery import breaker, deadletters
from gateway.store import audit
from gateway.store.engine import Database

DATABASE_URL = click.option("--database-url", metavar="URL", help="Store URL (default: WOONBRUG_DATABASE_URL).")


def _open(database_url: str | None) -> Database:
    return open_database(get_settings(database_url=database_url).database_url)


def _default_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in a bare container
        return "cli"


@click.group()
def dlq() -> None:
    """Dead letters: messages that could not be delivered, and their replay."""


@dlq.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--adapter", help="Only this adapter's dead letters.")
@click.option("--corporation", help="Only this corporation's dead letters.")
@click.option("--all", "include_replayed", is_flag=True, help="Include dead letters that were replayed already.")
@DATABASE_URL
def list_cmd(
    as_json: bool, adapter: str | None, corporation: str | None, include_replayed: bool, database_url: str | None
) -> None:
    """Dead letters, oldest first, with the reason and the vendor's last HTTP status."""
    database = _open(database_url)
    try:
        with database.session() as session:
            letters = deadletters.list_dead_letters(
                session, adapter=adapter, corporation=corporation, include_replayed=include_replayed
            )
    finally:
        database.dispose()
    if as_json:
        click.echo(json.dumps([letter.as_dict() for letter in letters], indent=2))
        return
    if not letters:
        click.echo("no dead letters")
        return
    for letter in letters:
        replayed = f"  replayed as {letter.replayed_as}" if letter.replayed_as else ""
        if letter.superseded_by is not None:
            replayed += f"  superseded by {letter.superseded_by} (a newer version was delivered; replay sends nothing)"
        click.echo(
            f"{letter.id:>8}  {letter.corporation}/{letter.adapter}  {letter.type}  key={letter.business_key}  "
            f"attempts={letter.attempts}  status={letter.last_status or '-'}{replayed}\n"
            f"          {letter.reason or '(no reason recorded)'}"
        )


@dlq.command("show")
@click.argument("outbox_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@DATABASE_URL
def show(outbox_id: int, as_json: bool, database_url: str | None) -> None:
    """A message's lineage (original and replays) with every delivery attempt."""
    database = _open(database_url)
    try:
        with database.session() as session:
            try:
                family = deadletters.lineage(session, outbox_id)
            except LookupError as error:
                raise click.ClickException(str(error)) from error
            attempts = deadletters.attempts_of(session, [m.id for m in family])
            members: list[dict[str, Any]] = [
                {
                    "id": m.id,
                    "generation": m.generation,
                    "parent_id": m.parent_id,
                    "status": m.status,
                    "destination": m.endpoint,
                    "type": m.type,
                    "business_key": m.business_key,
                    "attempts": m.attempts,
                    "last_error": m.last_error,
                    "last_status": m.last_status,
                    "replayed_by": m.replayed_by,
                    "replayed_at": m.replayed_at.isoformat() if m.replayed_at else None,
                    "replay_reason": m.replay_reason,
                    "attempt_log": [
                        {
                            "attempt": a.attempt_no,
                            "outcome": a.outcome,
                            "status": a.status_code,
                            "error_class": a.error_class,
                            "finished_at": a.finished_at.isoformat(),
                            "worker": a.worker,
                        }
                        for a in attempts
                        if a.outbox_id == m.id
                    ],
                }
                for m in family
            ]
    finally:
        database.dispose()
    if as_json:
        click.echo(json.dumps(members, indent=2))
        return
    for member in members:
        origin = f"replay of {member['parent_id']} by {member['replayed_by']}" if member["parent_id"] else "original"
        click.echo(f"{member['id']:>8}  gen {member['generation']}  {member['status']:<9}  {origin}")
        for attempt in member["attempt_log"]:
            click.echo(
                f"          #{attempt['attempt']} {attempt['outcome']:<13} status={attempt['status'] or '-'} "
                f"{attempt['error_class'] or ''} at {attempt['finished_at']}"
            )


@dlq.command("replay")
@click.argument("outbox_id", type=int, required=False)
@click.option("--all", "replay_everything", is_flag=True, help="Replay every dead letter not replayed yet.")
@click.option("--adapter", help="With --all: only this adapter's dead letters.")
@click.option("--corporation", help="With --all: only this corporation's dead letters.")
@click.option("--reason", default="", help="Why (kept with the replay; not copied into the audit log).")
@click.option("--actor", default=None, help="Who is replaying (default: cli:<your user name>).")
@DATABASE_URL
def replay_cmd(
    outbox_id: int | None,
    replay_everything: bool,
    adapter: str | None,
    corporation: str | None,
    reason: str,
    actor: str | None,
    database_url: str | None,
) -> None:
    """Queue dead letters again, each as a new child message linked to the original (same idempotency key)."""
    if (outbox_id is None) == (not replay_everything):
        raise click.UsageError("give one dead letter's ID, or --all")
    if outbox_id is not None and (adapter or corporation):
        raise click.UsageError("--adapter and --corporation go with --all")
    who = actor or _default_actor()
    database = _open(database_url)
    try:
        with database.transaction() as session:
            try:
                superseded: list[tuple[int, int | None]] = []
                if outbox_id is not None:
                    row = deadletters.replay(session, outbox_id, actor=who, reason=reason, clock=SYSTEM_CLOCK)
                    children = [row] if row.id != outbox_id else []
                    superseded = [(row.id, row.superseded_by)] if row.id == outbox_id else []
                else:
                    children = deadletters.replay_all(
                        session, actor=who, reason=reason, adapter=adapter, corporation=corporation, clock=SYSTEM_CLOCK
                    )
            except deadletters.ReplayError as error:
                raise click.ClickException(str(error)) from error
            pairs = [(child.parent_id, child.id) for child in children]
    finally:
        database.dispose()
    for dead, newer in superseded:
        click.echo(f"{dead} is superseded by {newer}, a newer version that was delivered: nothing sent")
    for parent, child in pairs:
        click.echo(f"replayed {parent} as {child}")
    click.echo(f"{len(pairs)} message(s) queued again")


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@DATABASE_URL
@click.pass_context
def breakers(ctx: click.Context, as_json: bool, database_url: str | None) -> None:
    """The circuit breaker of every endpoint (corporation/adapter): closed, open or half-open."""
    ctx.obj = database_url
    if ctx.invoked_subcommand is not None:
        return
    database = _open(database_url)
    try:
        with database.session() as session:
            views = breaker.list_breakers(session)
    finally:
        database.dispose()
    if as_json:
        click.echo(json.dumps([view.as_dict() for view in views], indent=2))
        return
    if not views:
        click.echo("no breakers yet (every endpoint has been healthy)")
    for view in views:
        until = f" until {view.opened_until.isoformat()}" if view.state != "closed" and view.opened_until else ""
        click.echo(f"{view.endpoint:<40} {view.state:<9} failures={view.failures}{until}")


@breakers.command("reset")
@click.argument("endpoint")
@click.option("--actor", default=None, help="Who is resetting (default: cli:<your user name>).")
@click.pass_obj
def reset(database_url: str | None, endpoint: str, actor: str | None) -> None:
    """Close ENDPOINT's breaker now (when you know the vendor is back)."""
    database = _open(database_url)
    try:
        with database.transaction() as session:
            now = SYSTEM_CLOCK.now()
            if not breaker.reset(session, endpoint, now):
                raise click.ClickException(f"no breaker for {endpoint}")
            audit.record(
                session,
                at=now,
                actor=actor or _default_actor(),
                action="breaker.reset",
                entity_type="circuit_breaker",
                entity_id=endpoint,
            )
    finally:
        database.dispose()
    click.echo(f"{endpoint}: closed")
