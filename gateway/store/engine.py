"""Connecting to the store: one `Database` per process, with the settings each database needs.

SQLite (the embedded default) is opened in WAL mode with a busy timeout, foreign keys on and
`synchronous=FULL` (an accepted message must survive a power cut, not only a crash). pysqlite's own
transaction handling starts transactions lazily and upgrades read locks to write locks later, which
fails with "database is locked" without waiting when two processes write; so the driver's handling is
switched off and every transaction starts with `BEGIN IMMEDIATE` (take the write lock up front and
wait for it). A read-only caller takes `Database.read_session()`, which begins with a plain `BEGIN`
(`session.connection(execution_options={"sqlite_begin": "DEFERRED"})`).

PostgreSQL gets `pool_pre_ping`, so a connection that died with a server restart is replaced at
checkout rather than failing the next statement, and a short connect timeout.

Statement parameters are left out of SQLAlchemy's error texts (`hide_parameters`): they carry message
payloads, which carry personal data, and error texts end up in logs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

__all__ = ["Database", "is_transient_db_error", "redact_url"]

SQLITE_BUSY_TIMEOUT_MS = 30_000


class Database:
    """An engine and its session factory. Create one per process (engines do not survive a fork)."""

    def __init__(self, url: str | URL, *, echo: bool = False, application_name: str = "woonbrug") -> None:
        self.url = make_url(url)
        self.engine: Engine = _create_engine(self.url, echo=echo, application_name=application_name)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session inside one transaction: committed when the block ends, rolled back when it raises."""
        with self.sessions.begin() as session:
            yield session

    def session(self) -> Session:
        """A plain session; the caller commits (use as a context manager to close it)."""
        return self.sessions()

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session for reading. On SQLite it begins DEFERRED: reads must not take the write lock that
        every other transaction takes up front."""
        with self.session() as session:
            if self.dialect == "sqlite":
                session.connection(execution_options={"sqlite_begin": "DEFERRED"})
            yield session

    def dispose(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({redact_url(self.url)})"


def redact_url(url: str | URL) -> str:
    """The URL with its password hidden, for logs and messages."""
    return make_url(url).render_as_string(hide_password=True)


def _create_engine(url: URL, *, echo: bool, application_name: str) -> Engine:
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, echo=echo)
    if url.get_backend_name() == "postgresql":
        connect_args: dict[str, Any] = {"connect_timeout": 5}
        if "application_name" not in url.query:
            connect_args["application_name"] = application_name
        return create_engine(
            url,
            echo=echo,
            hide_parameters=True,
            pool_pre_ping=True,
            pool_size=5,
            max_overflow=5,
            connect_args=connect_args,
        )
    return create_engine(url, echo=echo, hide_parameters=True, pool_pre_ping=True)


def _sqlite_engine(url: URL, *, echo: bool) -> Engine:
    database = url.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if not in_memory:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
    if in_memory:
        # One connection for the whole engine, or each checkout would see its own empty database.
        kwargs.update(poolclass=StaticPool)
        kwargs["connect_args"]["check_same_thread"] = False
    engine = create_engine(url, echo=echo, hide_parameters=True, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see the module docstring)
        cursor = dbapi_connection.cursor()
        try:
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        if mode not in ("IMMEDIATE", "DEFERRED", "EXCLUSIVE"):
            raise ValueError(f"sqlite_begin must be IMMEDIATE, DEFERRED or EXCLUSIVE, not {mode!r}")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def is_transient_db_error(error: BaseException) -> bool:
    """True when retrying may help: the connection dropped, the server restarts, SQLite is busy."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, OperationalError | InterfaceError)
