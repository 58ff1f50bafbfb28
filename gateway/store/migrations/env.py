"""Alembic's environment for the gateway's store: one history for every table declared on `Base`.

Run through `woonbrug db ...` (or `gateway.store.migrate`), which builds the Alembic configuration in
code and hands over either a live connection (`config.attributes["connection"]`) or a URL
(`config.attributes["url"]`). SQLite gets batch mode, because it cannot alter most things in place.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy import JSON
from sqlalchemy.engine import Connection

from gateway.store.base import UTCDateTime, load_models
from gateway.store.engine import Database

config = context.config
target_metadata = load_models()


def _render_item(kind: str, obj: Any, _context: Any) -> str | Literal[False]:
    """Write our column types as plain SQLAlchemy types, so migrations never import model code."""
    if kind != "type":
        return False
    if isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if isinstance(obj, JSON) and "postgresql" in getattr(obj, "_variant_mapping", {}):
        # JSONDocument. Alembic's own rendering of this variant forgets the `sa.` before `Text()`.
        _context.imports.add("from sqlalchemy.dialects import postgresql")
        return 'sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")'
    return False


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        compare_server_default=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    """`--sql` mode: write the DDL instead of running it."""
    context.configure(
        url=config.attributes["url"],
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    database = Database(config.attributes["url"], application_name="woonbrug-migrate")
    try:
        with database.engine.connect() as new_connection:
            _configure_and_run(new_connection)
    finally:
        database.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
