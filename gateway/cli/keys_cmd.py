"""`woonbrug keys`: issue, revoke and list the API keys of tenants.

`create` prints the key once, on its own line on standard output (so `KEY=$(woonbrug keys create ...)`
works); only its SHA-256 is stored, so a lost key cannot be shown again: revoke it and issue a new one.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import click

from gateway.store.engine import Database
from gateway.tenants.service import ROLE_SCOPES, Role, TenantError, create_key, list_keys, revoke_key

__all__ = ["keys"]

_DURATION = re.compile(r"^(\d+)([dhm])$")


def _expiry(text: str | None, now: datetime) -> datetime | None:
    """`90d`, `12h`, `30m`, or an ISO date / date-time (UTC when it names no zone)."""
    if text is None:
        return None
    match = _DURATION.match(text.strip())
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        return now + timedelta(**{{"d": "days", "h": "hours", "m": "minutes"}[unit]: amount})
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(
            "give a duration (90d, 12h, 30m) or an ISO date/time", param_hint="--expires"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _database(url: str | None) -> Database:
    from gateway.cli.common import open_database
    from gateway.core.settings import get_settings

    return open_database(get_settings(database_url=url).database_url, application_name="woonbrug-keys")


database_option = click.option("--database-url", default=None, help="Overrides WOONBRUG_DATABASE_URL.")


@click.group()
def keys() -> None:
    """API keys of tenants (corporations, portals, municipalities, administrators)."""


@keys.command("create")
@click.option("--tenant", required=True, help="Tenant id: a corporation's or portal's region id, a gemeente code, ...")
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@click.option("--scopes", default=None, help="Comma-separated scopes (default: all the role allows).")
@click.option("--expires", default=None, help="When the key stops working: 90d, 12h, or an ISO date/time.")
@database_option
def create(tenant: str, role: str, scopes: str | None, expires: str | None, database_url: str | None) -> None:
    """Issue a key. It is printed once; store it now."""

    now = datetime.now(UTC)
    expires_at = _expiry(expires, now)
    chosen = [s.strip() for s in scopes.split(",") if s.strip()] if scopes is not None else None
    database = _database(database_url)
    try:
        with database.transaction() as session:
            issued = create_key(session, tenant=tenant, role=role, now=now, scopes=chosen, expires_at=expires_at)
    except TenantError as error:
        raise click.UsageError(str(error)) from None
    finally:
        database.dispose()
    click.echo(issued.key)
    until = issued.expires_at.isoformat() if issued.expires_at else "no expiry"
    click.echo(
        f"key {issued.key_id} for {issued.tenant} ({issued.role.value}; {', '.join(issued.scopes)}; {until}). "
        "It is shown only now: store it in the tenant's secret store.",
        err=True,
    )


@keys.command("revoke")
@click.argument("key_id")
@database_option
def revoke(key_id: str, database_url: str | None) -> None:
    """Revoke a key by its id (the part after `wbk_`). API processes drop it within their cache time."""

    database = _database(database_url)
    try:
        with database.transaction() as session:
            found = revoke_key(session, key_id, now=datetime.now(UTC))
    finally:
        database.dispose()
    if not found:
        raise click.ClickException(f"no key {key_id}: `woonbrug keys list` shows the keys there are")
    click.echo(f"revoked {key_id}")


@keys.command("list")
@click.option("--tenant", default=None, help="Only this tenant's keys.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document instead of a table.")
@database_option
def list_(tenant: str | None, as_json: bool, database_url: str | None) -> None:
    """Keys with their tenant, role, scopes and state (never the secret: it is not stored)."""

    database = _database(database_url)
    try:
        with database.session() as session:
            found = list_keys(session, tenant=tenant)
    finally:
        database.dispose()
    now = datetime.now(UTC)
    rows = [
        {
            "id": key.key_id,
            "tenant": key.tenant,
            "role": key.role.value,
            "scopes": list(key.scopes),
            "state": key.state(now),
            "created_at": key.created_at.isoformat(),
            "expires_at": key.expires_at.isoformat() if key.expires_at else None,
            "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
        }
        for key in found
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for key in found:
        scopes = ",".join(key.scopes) if len(key.scopes) < len(ROLE_SCOPES[key.role]) else "all"
        click.echo(f"{key.key_id}  {key.tenant:<24} {key.role.value:<12} {key.state(now):<8} {scopes}")
