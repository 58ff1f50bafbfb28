"""The parts of the API where the store matters, on PostgreSQL: the hot-path query beside its ORM twin,
tenant filters in SQL, inbound messages through the inbox, and key lookups."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from gateway.api.app import create_app
from gateway.api.deps import read_session
from gateway.api.publicaties import repository
from gateway.core.clock import SimulatedClock
from tests import factories
from tests.api.conftest import TEST_SETTINGS, make_flow, make_keys
from tests.api.world import ADMIN, CORP_A, CORP_B, PORTAL_A, START, World, vacancy
from tests.store.databases import TestDatabase, postgres_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_world(postgres_url: str) -> Iterator[tuple[World, TestDatabase]]:
    with postgres_database(postgres_url) as database:
        clock = SimulatedClock(START)
        flow = make_flow(database, clock)
        app = create_app(database, flow=flow, settings=TEST_SETTINGS, clock=clock)
        keys = make_keys(database, clock)
        with TestClient(app) as client:
            yield World(client, flow, clock, keys).build(), database


def test_the_hot_path_query_answers_as_its_orm_twin(pg_world: tuple[World, TestDatabase]) -> None:
    world, database = pg_world
    from gateway.tenants.service import Principal, Role

    portal = Principal(PORTAL_A, Role.PORTAL, frozenset(), "k1")
    corp_a = Principal(CORP_A, Role.CORPORATION, frozenset(), "k2")
    for publicatie_id in (*world.publicatie.values(), "pub-none"):
        for principal in (portal, corp_a):
            with read_session(database) as session:
                twin = repository.document_of(session, publicatie_id, principal)
            fast = repository.read_document(database, publicatie_id, principal)
            assert (fast is None) == (twin is None)
            if fast is not None and twin is not None:
                import json

                assert json.loads(fast) == json.loads(twin)
    assert repository.read_document(database, world.publicatie[CORP_B], corp_a) is None


def test_tenant_isolation_on_postgresql(pg_world: tuple[World, TestDatabase]) -> None:
    world, _ = pg_world
    toewijzingen = world.allocate()
    assert world.get(CORP_A, f"/api/v1/publicaties/{world.publicatie[CORP_B]}").status_code == 404
    assert world.get(CORP_A, f"/api/v1/publicaties/{world.publicatie[CORP_A]}").status_code == 200
    assert world.get(CORP_A, "/api/v1/publicaties").json()["total"] == 1
    assert world.get(CORP_A, f"/api/v1/toewijzingen/{toewijzingen[CORP_B]}").status_code == 404
    assert world.get(CORP_A, f"/api/v1/aanbiedingen/{world.offer[CORP_B]}").status_code == 404
    assert world.get("portal-elders", "/api/v1/inschrijvingen/I-1").status_code == 404
    assert world.get(PORTAL_A, "/api/v1/inschrijvingen/I-1").json()["aanvrager"]["bsn"] == factories.BSN_VALID
    figures = world.get(ADMIN, "/api/v1/toewijzingen/aantallen", params={"jaar": 2026}).json()["items"]
    assert sum(item["toewijzingen"] for item in figures) == 2


def test_a_repeated_message_is_answered_alike_on_postgresql(pg_world: tuple[World, TestDatabase]) -> None:
    world, _ = pg_world
    message = vacancy(CORP_B, "E-PG", factories.GEMEENTE_NIJMEGEN)
    first = world.send(CORP_B, message)
    again = world.send(CORP_B, message)
    assert (first.status_code, again.status_code) == (202, 200)
    assert first.json() == again.json()


def test_a_message_postgresql_cannot_store_is_422_without_its_values_and_the_next_goes_on(
    pg_world: tuple[World, TestDatabase],
) -> None:
    world, _ = pg_world
    bad = vacancy(CORP_B, "E-NUL", factories.GEMEENTE_NIJMEGEN)
    address = bad.payload.eenheid.adres.model_copy(update={"straatnaam": "Molen\x00straat"})
    unit = bad.payload.eenheid.model_copy(update={"adres": address})
    bad = bad.model_copy(update={"payload": bad.payload.model_copy(update={"eenheid": unit})})
    answer = world.send(CORP_B, bad)
    assert answer.status_code == 422, answer.text
    assert "Molen" not in answer.text
    good = world.send(CORP_B, vacancy(CORP_B, "E-OK", factories.GEMEENTE_NIJMEGEN))
    assert good.status_code == 202, good.text
