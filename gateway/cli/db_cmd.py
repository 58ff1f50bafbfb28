"""`woonbrug db`: the store's schema — upgrade, downgrade, where it is, and whether models and migrations agree.

A PostgreSQL store shared by several gateway processes is upgraded deliberately with `woonbrug db
upgrade` (once, before the new version's processes start; see docs/operations.md). The embedded SQLite
store is also upgraded by the commands that use it.
"""

from __future__ import annotations

import sys

import click

from gateway.core.settings import get_settings
from gateway.store import migrate
from gateway.store.engine import Database, redact_url

DATABASE_URL = click.option(
    "--database-url",
    metavar="URL",
    help="SQLAlchemy URL of the store (default: WOONBRUG_DATABASE_URL, else the embedded SQLite file).",
)


def _database(database_url: str | None) -> Database:
    return Database(get_settings(database_url=database_url).database_url, application_name="woonbrug-db")


@click.group()
def db() -> None:
    """The store's schema (Alembic migrations shipped with Woonbrug)."""


@db.command()
@click.argument("revision", default="head")
@DATABASE_URL
def upgrade(revision: str, database_url: str | None) -> None:
    """Bring the schema up to REVISION (default: the newest)."""
    database = _database(database_url)
    try:
        before = migrate.current_revision(database)
        migrate.upgrade(database, revision)
        after = migrate.current_revision(database)
    finally:
        database.dispose()
    click.echo(f"{redact_url(database.url)}: {before or '(empty)'} -> {after}")


@db.command()
@click.argument("revision")
@DATABASE_URL
def downgrade(revision: str, database_url: str | None) -> None:
    """Take the schema back to REVISION (`base`: no tables). Data in dropped tables is lost."""
    database = _database(database_url)
    try:
        migrate.downgrade(database, revision)
        click.echo(f"{redact_url(database.url)}: now at {migrate.current_revision(database) or '(empty)'}")
    finally:
        database.dispose()


@db.command()
@DATABASE_URL
def current(database_url: str | None) -> None:
    """Print the revision the database is at, and the newest one Woonbrug ships."""
    database = _database(database_url)
    try:
        click.echo(f"current: {migrate.current_revision(database) or '(empty)'}")
        click.echo(f"head:    {migrate.head_revision()}")
    finally:
        database.dispose()


@db.command()
@DATABASE_URL
def check(database_url: str | None) -> None:
    """Exit 1 unless the database is at the newest revision and matches the models exactly."""
    database = _database(database_url)
    try:
        at, head = migrate.current_revision(database), migrate.head_revision()
        if at != head:
            click.echo(f"database is at {at or '(empty)'}, the newest revision is {head}", err=True)
            sys.exit(1)
        diff = migrate.differences(database)
    finally:
        database.dispose()
    for entry in diff:
        click.echo(f"models and migrations differ: {entry}", err=True)
    if diff:
        sys.exit(1)
    click.echo(f"at {head}; models and migrations agree")


@db.command()
@click.option("-m", "--message", required=True, help="What the migration does.")
@click.option("--autogenerate/--empty", default=True, show_default=True, help="Compare the models with the database.")
@click.option("--rev-id", help="The revision's id; ours are numbered: the newest plus one, e.g. 0006.")
@DATABASE_URL
def revision(message: str, autogenerate: bool, rev_id: str | None, database_url: str | None) -> None:
    """Write a new migration into gateway/store/migrations/versions/ (run against a database at head)."""
    database = _database(database_url)
    try:
        for path in migrate.make_revision(database, message, autogenerate=autogenerate, rev_id=rev_id):
            click.echo(str(path))
    finally:
        database.dispose()
