"""POST /api/v1/webhooks/{corporatie}: a vendor pushes VERA through the real app; authenticated by the
corporation's key or an HMAC signature; then the same inbound pipeline as every other entry point."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from adapters import discover
from gateway.api.app import create_app
from gateway.api.webhooks.service import signature
from gateway.core.clock import SimulatedClock
from gateway.flow.parameters import default_parameter_table
from gateway.flow.records import EenheidRecord
from gateway.flow.service import FlowService
from gateway.store import audit
from gateway.store.engine import Database
from schemas import EenheidVrijgekomen
from tests import factories
from tests.api.conftest import TEST_SETTINGS
from tests.api.world import CORP_A, CORP_B, PORTAL_A, bearer, vacancy
from tests.flow.builders import region

SECRET_ENV = "WOONBRUG_TEST_CORP_A_WEBHOOK_SECRET"
SECRET = "a-webhook-secret-for-the-tests"
URL = f"/api/v1/webhooks/{CORP_A}"


@pytest.fixture
def signed_client(db: Database, clock: SimulatedClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The app over a region whose corp-a signs its webhook calls with a secret from the environment."""
    monkeypatch.setenv(SECRET_ENV, SECRET)
    config = region()
    corporaties = [
        c.model_copy(update={"config": {**c.config, "webhook_secret_env": SECRET_ENV}}) if c.id == CORP_A else c
        for c in config.corporaties
    ]
    flow = FlowService(
        db, config.model_copy(update={"corporaties": corporaties}), parameters=default_parameter_table(), clock=clock
    )
    with TestClient(create_app(db, flow=flow, settings=TEST_SETTINGS, clock=clock)) as client:
        yield client


def vera_body(*messages: EenheidVrijgekomen) -> bytes:
    """The messages as corp-a's VERA system pushes them (one document, or an array of them)."""
    adapter = discover().get("vera").from_settings({"source_tenant": CORP_A})
    documents = [json.loads(adapter.encode(message).body) for message in messages]
    return json.dumps(documents[0] if len(documents) == 1 else documents).encode()


def push(client: TestClient, body: bytes, headers: dict[str, str] | None = None, url: str = URL) -> Any:
    return client.post(url, content=body, headers={"Content-Type": "application/json"} | (headers or {}))


def units(db: Database) -> dict[str, str]:
    with db.session() as session:
        return dict(session.execute(select(EenheidRecord.id, EenheidRecord.corporatie)).all())


def test_the_corporations_own_key_pushes_a_vacancy(client: TestClient, keys: dict[str, str], db: Database) -> None:
    body = vera_body(vacancy(CORP_A, "E-A1", factories.GEMEENTE_ARNHEM))
    answer = push(client, body, bearer(keys[CORP_A]))
    assert answer.status_code == 202, answer.text
    assert answer.json() == {
        "received": 1,
        "duplicates": 0,
        "rejected": 0,
        "notOwner": 0,
        "refused": 0,
        "problems": [],
    }
    assert units(db) == {"E-A1": CORP_A}
    again = push(client, body, bearer(keys[CORP_A]))
    assert again.json()["duplicates"] == 1  # the inbox recognises the repeat


def test_a_signed_call_needs_no_key_and_a_wrong_signature_is_401(signed_client: TestClient, db: Database) -> None:
    body = vera_body(vacancy(CORP_A, "E-A1", factories.GEMEENTE_ARNHEM))
    unsigned = push(signed_client, body)
    assert unsigned.status_code == 401
    assert unsigned.headers["content-type"] == "application/problem+json"
    wrong = push(signed_client, body, {"X-Woonbrug-Signature": signature("not-it", body)})
    assert wrong.status_code == 401
    assert units(db) == {}
    signed = push(signed_client, body, {"X-Woonbrug-Signature": signature(SECRET, body)})
    assert signed.status_code == 202, signed.text
    assert units(db) == {"E-A1": CORP_A}


def test_a_pushed_vacancy_for_another_corporation_is_refused_audited_and_the_rest_goes_on(
    signed_client: TestClient, db: Database
) -> None:
    own = vacancy(CORP_A, "E-A1", factories.GEMEENTE_ARNHEM)
    foreign = vacancy(CORP_B, "E-B9", factories.GEMEENTE_NIJMEGEN)
    foreign = foreign.model_copy(update={"source": own.source})  # through corp-a's channel, as corp-a
    wrong_gemeente = vacancy(CORP_A, "E-A2", factories.GEMEENTE_NIJMEGEN)  # corp-a lets no homes there
    body = vera_body(own, foreign, wrong_gemeente)
    answer = push(signed_client, body, {"X-Woonbrug-Signature": signature(SECRET, body)})
    assert answer.status_code == 202, answer.text
    outcome = answer.json()
    assert (outcome["received"], outcome["notOwner"], outcome["refused"]) == (2, 1, 1)
    assert any("/payload/eenheid/idOrganisatie" in problem for problem in outcome["problems"])
    assert any("GM0268" in problem for problem in outcome["problems"])
    assert units(db) == {"E-A1": CORP_A}
    with db.session() as session:
        [refused] = audit.search(session, action="inbound.not_owner")
    assert refused.actor == CORP_A
    assert refused.detail["channel"] == "webhook"


def test_another_tenants_key_is_403_and_a_corporations_attempt_is_audited(
    client: TestClient, keys: dict[str, str], db: Database
) -> None:
    body = vera_body(vacancy(CORP_A, "E-A1", factories.GEMEENTE_ARNHEM))
    assert push(client, body, bearer(keys[PORTAL_A])).status_code == 403
    assert push(client, body, bearer(keys[CORP_B])).status_code == 403
    assert units(db) == {}
    with db.session() as session:
        [attempt] = audit.search(session, action="inbound.not_owner")
    assert (attempt.actor, attempt.detail["target"]) == (CORP_B, CORP_A)


def test_an_unknown_corporation_or_one_without_webhooks_is_404(client: TestClient, keys: dict[str, str]) -> None:
    assert push(client, b"{}", bearer(keys[CORP_A]), "/api/v1/webhooks/corp-z").status_code == 404
    corp_b = push(client, b"{}", bearer(keys[CORP_B]), f"/api/v1/webhooks/{CORP_B}")
    assert corp_b.status_code == 404  # corp-b's SOAP ERP does not push
    assert "takes no webhooks" in corp_b.json()["detail"]


def test_a_body_the_adapter_cannot_read_is_answered_with_its_location(client: TestClient, keys: dict[str, str]) -> None:
    answer = push(client, b'{"id": "E-1", "adres": {"postcode": 5}}', bearer(keys[CORP_A]))
    assert answer.status_code == 202, answer.text
    outcome = answer.json()
    assert outcome["rejected"] == 1
    assert outcome["problems"]
