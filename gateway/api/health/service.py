"""Readiness: can this process do its work? The database answers, its schema is at the newest migration,
and every adapter the region's corporations use loads."""

from __future__ import annotations

from sqlalchemy import text

from adapters import AdapterRegistry, discover
from gateway.api.deps import ApiContext
from gateway.store import migrate

__all__ = ["problems"]


def problems(ctx: ApiContext) -> list[str]:
    """What keeps this process from being ready ([] = ready). Texts name parts, never secrets."""
    found: list[str] = []
    try:
        with ctx.db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        current = migrate.current_revision(ctx.db)
        head = ctx.extras.get("schema_head") or migrate.head_revision()
        ctx.extras["schema_head"] = head
        if current != head:
            found.append(f"database schema is at {current or 'nothing'}, not at {head}: run the migrations")
    except Exception as error:  # any failure to reach the store means: not ready
        found.append(f"database not reachable ({type(error).__name__})")
    if ctx.region is not None:
        registry = ctx.extras.get("adapters")
        if not isinstance(registry, AdapterRegistry):
            registry = discover()
            ctx.extras["adapters"] = registry
        for corporatie in ctx.region.corporaties:
            try:
                registry.get(corporatie.adapter)
            except LookupError as error:
                found.append(f"corporatie {corporatie.id}: {error}")
    return found
