"""/healthz, /readyz (503 problem when the store or an adapter is missing), /metrics."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from gateway.api.app import create_app
from gateway.store.engine import Database
from tests.api.problems import assert_problem
from tests.api.world import PORTAL_A, bearer
from tests.flow.builders import region


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}


def test_not_ready_without_a_migrated_store(tmp_path: Path) -> None:
    empty = Database(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    with TestClient(create_app(empty)) as client:
        problem = assert_problem(client.get("/readyz"), 503)
    assert "run the migrations" in problem["detail"]
    empty.dispose()


def test_not_ready_when_an_adapter_of_the_region_is_missing(db: Database) -> None:
    config = region()
    broken = config.model_copy(
        update={"corporaties": [config.corporaties[0].model_copy(update={"adapter": "no_such_adapter"})]}
    )
    with TestClient(create_app(db, broken)) as client:
        problem = assert_problem(client.get("/readyz"), 503)
    assert "no_such_adapter" in problem["detail"]


def test_metrics_show_requests_and_delivery(client: TestClient, keys: dict[str, str]) -> None:
    client.get("/api/v1/publicaties", headers=bearer(keys[PORTAL_A]))
    client.get("/api/v1/publicaties/pub-secret-id", headers=bearer(keys[PORTAL_A]))
    text = client.get("/metrics").text
    assert 'route="/api/v1/publicaties/{publicatie_id}",status="404"' in text
    assert "pub-secret-id" not in text  # ids never become label values
    assert 'woonbrug_http_requests_total{method="GET",route="/api/v1/publicaties",status="200"}' in text
    assert "woonbrug_http_request_seconds_bucket" in text
    assert "woonbrug_delivery_delivered" in text  # delivery's counters
    assert "woonbrug_outbox_messages" in text  # the store gauges, read at scrape time
