"""Real test databases for the store and delivery tests: a fresh SQLite file, or a fresh PostgreSQL schema.

Each PostgreSQL test gets its own schema (`search_path` and `application_name` travel in the URL, so
worker processes started from the URL land in the same schema and can be found in `pg_stat_activity`),
dropped afterwards. The schema is made by the migrations, never by `create_all`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import make_url

from gateway.store import migrate
from gateway.store.engine import Database

__all__ = ["TestDatabase", "postgres_database", "sqlite_database", "terminate_connections"]


class TestDatabase(Database):
    """A Database that knows how to reach itself again (for worker processes) and what it is called."""

    __test__ = False  # not a pytest test class

    def __init__(self, url: str, *, tag: str) -> None:
        super().__init__(url)
        self.url_text = url
        self.tag = tag


def _admin_dsn(url: str) -> str:
    parsed = make_url(url).set(drivername="postgresql", query={})
    return parsed.render_as_string(hide_password=False)


@contextmanager
def sqlite_database(directory: Path, *, migrated: bool = True) -> Iterator[TestDatabase]:
    url = f"sqlite:///{directory / 'woonbrug.sqlite'}"
    database = TestDatabase(url, tag="sqlite")
    try:
        if migrated:
            migrate.upgrade(database)
        yield database
    finally:
        database.dispose()


@contextmanager
def postgres_database(base_url: str, *, migrated: bool = True) -> Iterator[TestDatabase]:
    schema = f"wbtest_{uuid.uuid4().hex[:10]}"
    admin = _admin_dsn(base_url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    url = (
        make_url(base_url)
        .update_query_dict({"options": f"-csearch_path={schema}", "application_name": schema})
        .render_as_string(hide_password=False)
    )
    database = TestDatabase(url, tag=schema)
    try:
        if migrated:
            migrate.upgrade(database)
        yield database
    finally:
        database.dispose()
        with psycopg.connect(admin, autocommit=True) as connection:
            terminate_connections(base_url, schema)
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def terminate_connections(base_url: str, application_name: str) -> int:
    """Kill every server connection of one test database (as a PostgreSQL restart would). Returns how many."""
    with psycopg.connect(_admin_dsn(base_url), autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s AND pid <> pg_backend_pid()",
            (application_name,),
        ).fetchall()
    return len(rows)
