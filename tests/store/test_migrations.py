"""The schema comes from the migrations, and the migrations agree with the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from gateway.core.settings import DEFAULT_DATABASE_URL, Settings
from gateway.store import Base, load_models, migrate
from gateway.store.engine import Database
from tests.store.databases import TestDatabase, sqlite_database

DELIVERY_TABLES = {"inbox", "outbox", "delivery_attempts", "circuit_breakers", "audit_log"}


def test_upgrade_from_empty_builds_every_table(empty_database: TestDatabase) -> None:
    assert migrate.current_revision(empty_database) is None
    assert not DELIVERY_TABLES & set(inspect(empty_database.engine).get_table_names())

    migrate.upgrade(empty_database)

    assert migrate.current_revision(empty_database) == migrate.head_revision()
    tables = set(inspect(empty_database.engine).get_table_names())
    assert tables >= DELIVERY_TABLES | {"alembic_version"}


def test_models_and_migrations_agree(database: TestDatabase) -> None:
    # Autogenerate's comparison: any table, column, type, index or constraint out of step shows up here.
    assert migrate.differences(database) == []


def test_the_check_notices_a_model_the_migrations_lack(database: TestDatabase) -> None:
    from sqlalchemy import Column, Integer, Table

    extra = Table("not_migrated_yet", Base.metadata, Column("id", Integer, primary_key=True))
    try:
        diff = migrate.differences(database)
    finally:
        Base.metadata.remove(extra)
    assert [entry[0] for entry in diff] == ["add_table"]
    assert diff[0][1].name == "not_migrated_yet"


def test_downgrade_to_base_and_up_again(database: TestDatabase) -> None:
    migrate.downgrade(database, "base")
    assert not DELIVERY_TABLES & set(inspect(database.engine).get_table_names())
    migrate.upgrade(database)
    assert migrate.differences(database) == []


def test_all_model_tables_are_in_the_metadata() -> None:
    assert set(load_models().tables) >= DELIVERY_TABLES


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'nested' / 'dir' / 'store.sqlite'}")
    try:
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
        assert (tmp_path / "nested" / "dir" / "store.sqlite").is_file()
    finally:
        database.dispose()


def test_sqlite_enforces_foreign_keys(tmp_path: Path) -> None:
    orphan = text(
        "INSERT INTO delivery_attempts (outbox_id, attempt_no, started_at, finished_at, outcome) "
        "VALUES (999, 1, '2026-01-01', '2026-01-01', 'delivered')"
    )
    with sqlite_database(tmp_path) as database:

        def insert_orphan() -> None:
            with database.transaction() as session:
                session.execute(orphan)

        with pytest.raises(IntegrityError, match="FOREIGN KEY"):
            insert_orphan()


def test_the_embedded_default_is_sqlite_under_the_working_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WOONBRUG_DATABASE_URL", raising=False)
    monkeypatch.chdir(Path(__file__).parent)  # no .env here
    assert Settings().database_url == DEFAULT_DATABASE_URL == "sqlite:///./woonbrug-data/woonbrug.sqlite"
    monkeypatch.setenv("WOONBRUG_DATABASE_URL", "postgresql+psycopg://gw@db.example/woonbrug")
    assert Settings().database_url == "postgresql+psycopg://gw@db.example/woonbrug"
    # Explicit values (CLI options) win over the environment.
    assert Settings(database_url="sqlite:///x.sqlite").database_url == "sqlite:///x.sqlite"


def test_nested_delivery_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WOONBRUG_DELIVERY__MAX_ATTEMPTS", "3")
    monkeypatch.setenv("WOONBRUG_DELIVERY__BREAKER_COOLDOWN_SECONDS", "7.5")
    settings = Settings()
    assert settings.delivery.max_attempts == 3
    assert settings.delivery.breaker_cooldown_seconds == 7.5
