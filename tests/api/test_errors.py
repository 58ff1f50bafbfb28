"""Every error is problem+json without personal data or stack traces: 404, 405, 413, 415, 422, 500."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.testclient import TestClient

from gateway.api.app import create_app
from gateway.api.deps import get_context
from gateway.api.settings import ApiSettings
from gateway.core.clock import SimulatedClock
from gateway.flow.service import FlowService
from gateway.store.engine import Database
from tests import factories
from tests.api.logscan import CAPTURE
from tests.api.problems import assert_problem
from tests.api.world import PORTAL_A, bearer


def test_unknown_paths_and_methods(client: TestClient, keys: dict[str, str]) -> None:
    assert_problem(client.get("/api/v1/nothing-here", headers=bearer(keys[PORTAL_A])), 404, "/api/v1/nothing-here")
    assert_problem(client.patch("/api/v1/publicaties", headers=bearer(keys[PORTAL_A])), 405)


def test_bodies_over_the_limit_are_413(
    db: Database, flow: FlowService, clock: SimulatedClock, keys: dict[str, str]
) -> None:
    app = create_app(db, flow=flow, clock=clock, settings=ApiSettings(max_body_bytes=2048, key_cache_seconds=0))
    big = b'{"x": "' + b"a" * 4000 + b'"}'
    with TestClient(app) as client:
        headers = {**bearer(keys[PORTAL_A]), "Content-Type": "application/json"}
        assert_problem(client.post("/api/v1/inschrijvingen", content=big, headers=headers), 413)

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
            for _ in range(8):
                yield b"a" * 512

        assert_problem(client.post("/api/v1/inschrijvingen", content=chunks(), headers=headers), 413)
        small = client.post("/api/v1/inschrijvingen", content=b"{}", headers=headers)
        assert small.status_code == 422  # under the limit: it reaches validation


def test_non_json_bodies_are_415(client: TestClient, keys: dict[str, str]) -> None:
    answer = client.post(
        "/api/v1/inschrijvingen",
        content=b"<inschrijving/>",
        headers={**bearer(keys[PORTAL_A]), "Content-Type": "application/xml"},
    )
    assert_problem(answer, 415)


def test_validation_errors_name_the_field_but_not_the_value(client: TestClient, keys: dict[str, str]) -> None:
    body = factories.inschrijving().model_dump(mode="json")
    body["aanvrager"]["bsn"] = "123456789"  # fails the 11-check
    body["aanvrager"]["geboortedatum"] = "not-a-date"
    answer = client.post("/api/v1/inschrijvingen", json=body, headers=bearer(keys[PORTAL_A]))
    problem = assert_problem(answer, 422, "/api/v1/inschrijvingen")
    locations = {error["loc"] for error in problem["errors"]}
    assert {"body.aanvrager.bsn", "body.aanvrager.geboortedatum"} <= locations
    assert "123456789" not in answer.text
    assert "not-a-date" not in answer.text
    broken = client.post(
        "/api/v1/inschrijvingen",
        content=b'{"id": ',
        headers={**bearer(keys[PORTAL_A]), "Content-Type": "application/json"},
    )
    assert assert_problem(broken, 422)["errors"][0]["msg"] == "the body is not valid JSON"


def test_an_unexpected_failure_is_a_bare_500_and_its_log_is_scrubbed(
    db: Database, flow: FlowService, clock: SimulatedClock, keys: dict[str, str]
) -> None:
    app = create_app(db, flow=flow, clock=clock)

    def broken_dependency() -> None:
        raise RuntimeError(f"store exploded near {factories.BSN_VALID} / {factories.EMAIL}")

    app.dependency_overrides[get_context] = broken_dependency
    before = len(CAPTURE.texts)
    with TestClient(app) as client:
        answer = client.get("/api/v1/publicaties", headers=bearer(keys[PORTAL_A]))
    problem = assert_problem(answer, 500, "/api/v1/publicaties")
    assert "RuntimeError" not in answer.text
    assert "exploded" not in problem["detail"]
    logged = "\n".join(CAPTURE.texts[before:])
    assert "RuntimeError" in logged
    assert "exploded" in logged
    assert factories.BSN_VALID not in logged
    assert factories.EMAIL not in logged


def test_request_ids_are_echoed_or_made(client: TestClient) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"}).headers["x-request-id"]
    assert len(made) == 32


def test_a_query_parameter_given_twice_is_refused_with_each_name(client: TestClient, keys: dict[str, str]) -> None:
    headers = bearer(keys[PORTAL_A])
    answer = client.get("/api/v1/reacties?inschrijving=a&inschrijving=b&page=1&page=2&pageSize=5", headers=headers)
    problem = assert_problem(answer, 422, "/api/v1/reacties")
    assert [(error["loc"], error["type"]) for error in problem["errors"]] == [
        ("query.inschrijving", "repeated"),
        ("query.page", "repeated"),
    ]
    assert "given more than once" in problem["detail"]
    assert client.get("/api/v1/reacties?page=1&pageSize=5", headers=headers).status_code == 200
