"""Fixtures: `database`, a migrated store on SQLite and on PostgreSQL (each test its own)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.store.databases import TestDatabase, postgres_database, sqlite_database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestDatabase]:
    if request.param == "sqlite":
        with sqlite_database(tmp_path) as db:
            yield db
    else:
        with postgres_database(request.getfixturevalue("postgres_url")) as db:
            yield db


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestDatabase]:
    """A database with no tables at all: for testing the migrations themselves."""
    if request.param == "sqlite":
        with sqlite_database(tmp_path, migrated=False) as db:
            yield db
    else:
        with postgres_database(request.getfixturevalue("postgres_url"), migrated=False) as db:
            yield db
