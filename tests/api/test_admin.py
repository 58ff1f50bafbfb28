"""Admin endpoints: dead letters and replay (the functions `woonbrug dlq` uses), breakers, audit search."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from gateway.core.clock import SimulatedClock
from gateway.delivery.outbox import Destination, enqueue
from gateway.store.engine import Database
from gateway.store.models import BreakerState, CircuitBreakerRow, OutboxMessage, OutboxStatus
from tests import factories
from tests.api.problems import assert_problem
from tests.api.world import ADMIN, CORP_B, PORTAL_A, World, bearer, vacancy


def dead_letter(db: Database, clock: SimulatedClock) -> int:
    message = vacancy(CORP_B, "E-DL", factories.GEMEENTE_NIJMEGEN)
    with db.transaction() as session:
        enqueue(session, message, Destination(CORP_B, "soap_erp"), clock=clock)
        session.flush()
        session.execute(
            update(OutboxMessage).values(
                status=OutboxStatus.DEAD.value, dead_at=clock.now(), last_error="vendor said 400", attempts=1
            )
        )
    with db.session() as session:
        row = session.query(OutboxMessage).one()
        return row.id


def test_dead_letters_are_listed_and_replayed_once(
    client: TestClient, keys: dict[str, str], db: Database, clock: SimulatedClock
) -> None:
    outbox_id = dead_letter(db, clock)
    admin = bearer(keys[ADMIN])
    letters = client.get("/api/v1/admin/dead-letters", headers=admin).json()["items"]
    assert [(letter["id"], letter["reason"]) for letter in letters] == [(outbox_id, "vendor said 400")]
    replayed = client.post(
        f"/api/v1/admin/dead-letters/{outbox_id}/replay", json={"reason": "vendor fixed"}, headers=admin
    )
    assert replayed.status_code == 201, replayed.text
    child = replayed.json()
    assert (child["parentId"], child["generation"], child["status"]) == (outbox_id, 1, "pending")
    assert child["replayedBy"] == f"api:{ADMIN}"
    assert_problem(
        client.post(f"/api/v1/admin/dead-letters/{outbox_id}/replay", json={"reason": "x"}, headers=admin), 409
    )
    assert_problem(client.post("/api/v1/admin/dead-letters/999999/replay", json={"reason": "x"}, headers=admin), 404)
    assert client.get("/api/v1/admin/dead-letters", headers=admin).json()["items"] == []
    lineage = client.get(f"/api/v1/admin/dead-letters/{outbox_id}/lineage", headers=admin).json()["items"]
    assert [item["generation"] for item in lineage] == [0, 1]


def test_breakers_and_audit(
    client: TestClient, keys: dict[str, str], db: Database, clock: SimulatedClock, world: World
) -> None:
    with db.transaction() as session:
        session.add(
            CircuitBreakerRow(
                endpoint=f"{CORP_B}/soap_erp",
                state=BreakerState.OPEN.value,
                failures=5,
                opened_until=clock.now() + timedelta(seconds=30),
                updated_at=clock.now(),
            )
        )
    admin = bearer(keys[ADMIN])
    breakers = client.get("/api/v1/admin/breakers", headers=admin).json()["items"]
    assert [(b["endpoint"], b["state"]) for b in breakers] == [(f"{CORP_B}/soap_erp", "open")]
    listing = world.publicatie[CORP_B]
    trail = client.get("/api/v1/admin/audit", params={"publicatie": listing}, headers=admin).json()["items"]
    assert trail[0]["action"] == "publicatie.gepubliceerd"
    assert "kandidatenlijst.vrijgegeven" in {entry["action"] for entry in trail}
    by_correlation = client.get("/api/v1/admin/audit", params={"correlationId": "flow-E-B1"}, headers=admin).json()
    assert by_correlation["items"]
    assert_problem(client.get("/api/v1/admin/audit", headers=admin), 422)


def test_admin_endpoints_need_an_admin_key(client: TestClient, keys: dict[str, str]) -> None:
    for path in ("/api/v1/admin/dead-letters", "/api/v1/admin/breakers", "/api/v1/admin/audit?publicatie=x"):
        assert_problem(client.get(path, headers=bearer(keys[PORTAL_A])), 403)
        assert_problem(client.get(path, headers=bearer(keys[CORP_B])), 403)
