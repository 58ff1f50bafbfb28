"""Keys: 401 for every kind of bad key (alike), 403 for a missing scope, 429 per key with Retry-After,
and the key cache's limit on how long a revoked key keeps working."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from gateway.api.app import create_app
from gateway.api.settings import ApiSettings
from gateway.core.clock import SimulatedClock
from gateway.flow.service import FlowService
from gateway.store.engine import Database
from gateway.tenants.service import create_key, revoke_key
from tests.api.problems import assert_problem
from tests.api.world import PORTAL_A, bearer


class Ticker:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def issue(db: Database, clock: SimulatedClock, **kwargs: object) -> str:
    with db.transaction() as session:
        options = {"tenant": PORTAL_A, "role": "portal", "now": clock.now(), **kwargs}
        return create_key(session, **options).key  # type: ignore[arg-type]


def test_no_key_is_401_with_a_challenge(client: TestClient) -> None:
    answer = client.get("/api/v1/publicaties")
    assert_problem(answer, 401, "/api/v1/publicaties")
    assert answer.headers["www-authenticate"] == 'Bearer realm="woonbrug"'


def test_every_bad_key_gets_the_same_401(client: TestClient, db: Database, clock: SimulatedClock) -> None:
    good = issue(db, clock)
    expiring = issue(db, clock, expires_at=clock.now() + timedelta(hours=1))
    revoked = issue(db, clock)
    with db.transaction() as session:
        assert revoke_key(session, revoked.split("_")[1], now=clock.now())
    clock.advance(2 * 3600)
    key_id = good.split("_")[1]
    bad = {
        "malformed": "not-a-key",
        "unknown id": f"wbk_{'0' * 12}_{good.split('_', 2)[2]}",
        "wrong secret": f"wbk_{key_id}_{'A' * 43}",
        "expired": expiring,
        "revoked": revoked,
    }
    bodies = []
    for kind, key in bad.items():
        answer = client.get("/api/v1/publicaties", headers=bearer(key))
        bodies.append(assert_problem(answer, 401))
        assert answer.headers["www-authenticate"] == 'Bearer realm="woonbrug", error="invalid_token"', kind
    assert len({body["detail"] for body in bodies}) == 1
    assert client.get("/api/v1/publicaties", headers=bearer(good)).status_code == 200
    assert client.get("/api/v1/publicaties", headers={"X-API-Key": good}).status_code == 200


def test_a_missing_scope_is_403(client: TestClient, db: Database, clock: SimulatedClock) -> None:
    reader = issue(db, clock, scopes=["publicaties:read"])
    assert client.get("/api/v1/publicaties", headers=bearer(reader)).status_code == 200
    body = assert_problem(client.post("/api/v1/inschrijvingen", headers=bearer(reader), json={}), 403)
    assert "inschrijvingen:write" in body["detail"]


def test_rate_limit_per_key_with_retry_after(db: Database, flow: FlowService, clock: SimulatedClock) -> None:
    ticker = Ticker()
    settings = ApiSettings(rate_per_second=0.5, rate_burst=2, key_cache_seconds=0)
    app = create_app(db, flow=flow, settings=settings, clock=clock, monotonic=ticker)
    first, second = issue(db, clock), issue(db, clock)
    with TestClient(app) as client:
        assert [client.get("/api/v1/publicaties", headers=bearer(first)).status_code for _ in range(2)] == [200, 200]
        refused = client.get("/api/v1/publicaties", headers=bearer(first))
        assert_problem(refused, 429)
        assert refused.headers["retry-after"] == "2"
        assert client.get("/api/v1/publicaties", headers=bearer(second)).status_code == 200  # its own bucket
        ticker.now += 2.0
        assert client.get("/api/v1/publicaties", headers=bearer(first)).status_code == 200


@pytest.mark.parametrize("ttl", [0.0, 10.0])
def test_a_revoked_key_stops_working_within_the_cache_time(
    db: Database, flow: FlowService, clock: SimulatedClock, ttl: float
) -> None:
    ticker = Ticker()
    settings = ApiSettings(rate_per_second=1000, rate_burst=1000, key_cache_seconds=ttl)
    app = create_app(db, flow=flow, settings=settings, clock=clock, monotonic=ticker)
    key = issue(db, clock)
    with TestClient(app) as client:
        assert client.get("/api/v1/publicaties", headers=bearer(key)).status_code == 200
        with db.transaction() as session:
            revoke_key(session, key.split("_")[1], now=clock.now())
        expected = 200 if ttl else 401  # cached: still trusted until the cache time is over
        assert client.get("/api/v1/publicaties", headers=bearer(key)).status_code == expected
        ticker.now += ttl + 1
        assert client.get("/api/v1/publicaties", headers=bearer(key)).status_code == 401
