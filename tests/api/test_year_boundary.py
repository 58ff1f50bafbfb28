"""The API counts a year as the reports and the lettings do: the Dutch calendar year (one helper,
`gateway.flow.parameters.dutch_year_bounds`). It used to count the UTC year."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from gateway.api.app import create_app
from gateway.core.clock import SimulatedClock
from gateway.store.engine import Database
from tests import factories
from tests.api.conftest import TEST_SETTINGS, make_flow, make_keys
from tests.api.world import CORP_B, MUNICIPALITY, bearer, vacancy

NEW_YEAR_IN_NIJMEGEN = datetime(2025, 12, 31, 23, 30, tzinfo=UTC)  # 00:30 on 1 January 2026 there


def test_a_listing_published_at_dutch_new_year_counts_in_the_new_year(db: Database) -> None:
    clock = SimulatedClock(NEW_YEAR_IN_NIJMEGEN)
    keys = make_keys(db, clock)
    app = create_app(db, flow=make_flow(db, clock), settings=TEST_SETTINGS, clock=clock)
    message = vacancy(CORP_B, "E-1", factories.GEMEENTE_NIJMEGEN)
    with TestClient(app) as client:
        sent = client.post(
            "/api/v1/berichten",
            json=message.model_dump(mode="json"),
            headers=bearer(keys[CORP_B]) | {"Idempotency-Key": message.message_id},
        )
        assert sent.status_code == 202, sent.text

        def count(year: int) -> int:
            answer = client.get(
                "/api/v1/publicaties/aantallen", params={"jaar": year}, headers=bearer(keys[MUNICIPALITY])
            )
            assert answer.status_code == 200, answer.text
            return sum(item["aantal"] for item in answer.json()["items"])

        assert (count(2025), count(2026)) == (0, 1)
