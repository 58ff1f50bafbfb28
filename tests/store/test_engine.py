"""Engine details that the delivery guarantees lean on: aware timestamps, SQLite's write lock up front."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError

from gateway.store import CircuitBreakerRow
from gateway.store.engine import Database, is_transient_db_error, redact_url
from tests.store.databases import TestDatabase, sqlite_database


def test_timestamps_come_back_aware_and_in_utc(database: TestDatabase) -> None:
    amsterdam = timezone(timedelta(hours=1))
    moment = datetime(2026, 3, 2, 10, 30, 15, 123456, tzinfo=amsterdam)
    with database.transaction() as session:
        session.add(CircuitBreakerRow(endpoint="corp-a/vera", state="closed", failures=0, updated_at=moment))
    with database.session() as session:
        stored = session.scalars(select(CircuitBreakerRow.updated_at)).one()
    assert stored == moment
    assert stored.tzinfo is not None
    assert stored.utcoffset() == timedelta(0)
    assert stored.hour == 9


def test_naive_timestamps_are_refused(database: TestDatabase) -> None:
    naive = datetime(2026, 1, 1)

    def store() -> None:
        with database.transaction() as session:
            session.add(CircuitBreakerRow(endpoint="e/a", state="closed", failures=0, updated_at=naive))

    with pytest.raises(StatementError, match="naive datetime"):
        store()


def test_sqlite_transactions_take_the_write_lock_up_front(tmp_path: Path) -> None:
    """Two writers that both read first must queue, not fail with 'database is locked'."""
    with sqlite_database(tmp_path) as database:
        with database.transaction() as session:
            session.add(CircuitBreakerRow(endpoint="e/a", state="closed", failures=0, updated_at=datetime.now(UTC)))
        errors: list[BaseException] = []

        def bump() -> None:
            try:
                for _ in range(20):
                    with database.transaction() as session:
                        failures = session.execute(text("SELECT failures FROM circuit_breakers")).scalar_one()
                        time.sleep(0.001)  # widen the read-then-write window
                        session.execute(text("UPDATE circuit_breakers SET failures = :f"), {"f": failures + 1})
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=bump) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        with database.session() as session:
            # No lost update: each read-then-write ran alone.
            assert session.execute(text("SELECT failures FROM circuit_breakers")).scalar_one() == 60


def test_a_reader_may_ask_for_a_deferred_transaction(tmp_path: Path) -> None:
    with sqlite_database(tmp_path) as database:
        holder = database.session()
        holder.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: holds the write lock
        try:
            with database.session() as reader:
                reader.connection(execution_options={"sqlite_begin": "DEFERRED"})
                assert reader.execute(text("SELECT count(*) FROM outbox")).scalar_one() == 0
        finally:
            holder.rollback()
            holder.close()


def test_transient_database_errors_are_recognised() -> None:
    from sqlalchemy.exc import IntegrityError, OperationalError

    assert is_transient_db_error(OperationalError("SELECT 1", {}, Exception("server closed the connection")))
    assert not is_transient_db_error(IntegrityError("INSERT", {}, Exception("duplicate key")))
    assert not is_transient_db_error(ValueError("no"))


def test_urls_in_messages_hide_the_password() -> None:
    assert "s3cret" not in redact_url("postgresql+psycopg://gw:s3cret@db/woonbrug")
    assert "s3cret" not in repr(Database("sqlite://"))  # and a repr is safe anyway


def test_database_errors_do_not_carry_the_statements_values(database: TestDatabase) -> None:
    """Error texts reach logs; the values in a statement can be personal data."""
    from sqlalchemy.exc import IntegrityError

    secret = "Zwanenburg-Testpersoon"

    def insert_twice() -> None:
        with database.transaction() as session:
            for _ in range(2):
                session.execute(
                    text(
                        "INSERT INTO circuit_breakers (endpoint, state, failures, updated_at, last_error) "
                        "VALUES ('e/a', 'closed', 0, :at, :note)"
                    ),
                    {"at": datetime.now(UTC).replace(tzinfo=None), "note": secret},
                )

    with pytest.raises(IntegrityError) as caught:
        insert_twice()
    assert secret not in str(caught.value)
