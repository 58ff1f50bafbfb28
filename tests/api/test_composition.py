"""The API app stands alone; `gateway.server` (what `woonbrug serve` runs) puts the dashboard beside it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from gateway.api.app import create_app
from gateway.server import create_gateway_app
from gateway.store.engine import Database
from tests.api.problems import assert_problem


def test_the_api_alone_has_no_dashboard(db: Database) -> None:
    with TestClient(create_app(db)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert_problem(client.get("/dashboard/inloggen"), 404)


def test_the_gateway_app_serves_the_dashboard_beside_the_api(db: Database) -> None:
    with TestClient(create_gateway_app(db), follow_redirects=False) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/api/v1/publicaties").status_code == 401  # the API's own rules still apply
        sign_in = client.get("/dashboard/inloggen")
        assert sign_in.status_code == 200
        assert sign_in.headers["content-type"].startswith("text/html")
        assert "content-security-policy" in sign_in.headers  # the dashboard's guard is in front of it
        assert client.get("/").headers["location"].startswith("/dashboard")
