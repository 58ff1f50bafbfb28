"""Schema migrations with Alembic, configured in code: no alembic.ini to ship or to find.

The schema is always made by migrations (never `create_all`), so a database made by hand and one
upgraded over the years have the same tables. `differences()` compares the models with the database
the migrations built; it must be empty (a test and `woonbrug db check` enforce it).

Adding a migration after changing models: `woonbrug db revision -m "what changed" --autogenerate`
against a database at head, then read and edit the generated file in `gateway/store/migrations/versions/`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from gateway.store.base import load_models
from gateway.store.engine import Database

__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "current_revision",
    "differences",
    "downgrade",
    "head_revision",
    "make_revision",
    "upgrade",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(database: Database | None = None, *, url: str | None = None) -> Config:
    """An Alembic configuration for our migrations; bound to `database` (or a URL for `--sql` output)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    # The URL goes through attributes, not the ini options: those interpolate `%`, which URLs contain.
    if database is not None:
        config.attributes["url"] = database.url
    elif url is not None:
        config.attributes["url"] = url
    return config


def upgrade(database: Database, revision: str = "head") -> None:
    """Bring the database's schema up to `revision` (default: the newest)."""
    with database.engine.begin() as connection:
        config = alembic_config(database)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(database: Database, revision: str) -> None:
    with database.engine.begin() as connection:
        config = alembic_config(database)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_revision(database: Database) -> str | None:
    """The revision the database is at; None for an empty database."""
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def differences(database: Database) -> list[Any]:
    """What Alembic's autogenerate would change to make the database match the models ([] = in step)."""
    metadata = load_models()
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
        return list(compare_metadata(context, metadata))


def make_revision(
    database: Database, message: str, *, autogenerate: bool = True, rev_id: str | None = None
) -> list[Path]:
    """Write a new migration file (comparing the models with `database` when autogenerating).

    `rev_id`: the revision's id; ours are numbered (`0006`), so the files sort in the order they apply.
    """
    with database.engine.begin() as connection:
        config = alembic_config(database)
        config.attributes["connection"] = connection
        scripts = command.revision(config, message=message, autogenerate=autogenerate, rev_id=rev_id)
    items = scripts if isinstance(scripts, list) else [scripts]
    return [Path(script.path) for script in items if script is not None]
