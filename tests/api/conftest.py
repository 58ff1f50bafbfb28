"""Fixtures of the API tests: a real SQLite store migrated to head (PostgreSQL where the store matters),
the region's flow on a simulated clock, the app in-process, a key per tenant, and a log capture that
the last test scans for personal data."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from adapters import Capabilities
from gateway.api.app import create_app
from gateway.api.settings import ApiSettings
from gateway.core.clock import SimulatedClock
from gateway.core.logging import KNOWN_VALUES
from gateway.flow.parameters import default_parameter_table
from gateway.flow.service import FlowService
from gateway.store import migrate
from gateway.store.engine import Database
from gateway.tenants.service import Role, create_key
from schemas import MESSAGE_TYPES
from tests.api.logscan import CAPTURE
from tests.api.world import ADMIN, CORP_A, CORP_B, MUNICIPALITY, PORTAL_A, PORTAL_B, START, World
from tests.flow.builders import region

TENANTS = {
    PORTAL_A: Role.PORTAL,
    PORTAL_B: Role.PORTAL,
    CORP_A: Role.CORPORATION,
    CORP_B: Role.CORPORATION,
    MUNICIPALITY: Role.MUNICIPALITY,
    ADMIN: Role.ADMIN,
}


@pytest.fixture(scope="session", autouse=True)
def log_capture() -> Iterator[None]:
    root = logging.getLogger()
    level = root.level
    root.addHandler(CAPTURE)
    root.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(CAPTURE)
        root.setLevel(level)
    leaks = CAPTURE.leaks()
    if leaks:  # records logged after the scanning test ran
        pytest.fail(f"{len(leaks)} log record(s) of the API tests contain personal data, e.g. {leaks[0]}")


@pytest.fixture(autouse=True)
def capturing() -> Iterator[None]:
    CAPTURE.active = True
    try:
        yield
    finally:
        CAPTURE.active = False


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head; each test gets a copy (migrating per test would be slow)."""
    path = tmp_path_factory.mktemp("template") / "woonbrug.sqlite"
    database = Database(f"sqlite:///{path}")
    migrate.upgrade(database)
    database.dispose()
    return path


@pytest.fixture
def db(template_db: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "woonbrug.sqlite"
    shutil.copy(template_db, path)
    database = Database(f"sqlite:///{path}")
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(START)


def make_flow(db: Database, clock: SimulatedClock) -> FlowService:
    every_type = Capabilities(encodes=frozenset(MESSAGE_TYPES))
    return FlowService(
        db, region(), parameters=default_parameter_table(), clock=clock, capabilities=lambda _adapter: every_type
    )


@pytest.fixture
def flow(db: Database, clock: SimulatedClock) -> FlowService:
    return make_flow(db, clock)


def make_keys(db: Database, clock: SimulatedClock) -> dict[str, str]:
    with db.transaction() as session:
        return {
            tenant: create_key(session, tenant=tenant, role=role, now=clock.now()).key
            for tenant, role in TENANTS.items()
        }


@pytest.fixture
def keys(db: Database, clock: SimulatedClock) -> dict[str, str]:
    return make_keys(db, clock)


TEST_SETTINGS = ApiSettings(rate_per_second=10_000, rate_burst=10_000, key_cache_seconds=0)


@pytest.fixture
def client(db: Database, flow: FlowService, clock: SimulatedClock) -> Iterator[TestClient]:
    app = create_app(db, flow=flow, settings=TEST_SETTINGS, clock=clock)
    with TestClient(app) as test_client:
        yield test_client
    KNOWN_VALUES.clear()


@pytest.fixture
def world(client: TestClient, flow: FlowService, clock: SimulatedClock, keys: dict[str, str]) -> World:
    return World(client, flow, clock, keys).build()
