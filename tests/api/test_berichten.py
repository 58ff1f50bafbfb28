"""Inbound messages: Idempotency-Key, stored before acknowledged, applied once, repeats answered alike."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from gateway.api.app import create_app
from gateway.core.clock import SimulatedClock
from gateway.delivery import inbox
from gateway.store import audit
from gateway.store.engine import Database
from gateway.store.models import InboxMessage
from tests import factories
from tests.api.problems import assert_problem
from tests.api.world import CORP_A, CORP_B, bearer, vacancy

URL = "/api/v1/berichten"


def post(client: TestClient, key: str, body: dict[str, object], idempotency_key: str | None) -> object:
    headers = bearer(key) | ({"Idempotency-Key": idempotency_key} if idempotency_key is not None else {})
    return client.post(URL, json=body, headers=headers)


def counts(db: Database, action: str) -> int:
    with db.session() as session:
        return len(audit.search(session, action=action))


def test_the_idempotency_key_is_required_and_must_be_the_message_id(client: TestClient, keys: dict[str, str]) -> None:
    message = vacancy(CORP_B, "E-1", factories.GEMEENTE_NIJMEGEN)
    body = message.model_dump(mode="json")
    missing = assert_problem(post(client, keys[CORP_B], body, None), 422)
    assert missing["errors"][0]["loc"] == "header.Idempotency-Key"
    other = assert_problem(post(client, keys[CORP_B], body, "something-else"), 422)
    assert other["errors"][0]["loc"] == "header.Idempotency-Key"


def test_a_message_is_stored_applied_and_a_repeat_is_answered_alike(
    client: TestClient, keys: dict[str, str], db: Database
) -> None:
    message = vacancy(CORP_B, "E-1", factories.GEMEENTE_NIJMEGEN)
    body = message.model_dump(mode="json")
    first = post(client, keys[CORP_B], body, message.message_id)
    assert first.status_code == 202  # type: ignore[attr-defined]
    answer = first.json()  # type: ignore[attr-defined]
    assert answer["status"] == "processed"
    assert answer["messageId"] == message.message_id
    with db.session() as session:
        row = session.get(InboxMessage, answer["inboxId"])
        assert row is not None
        assert row.processed_at is not None
        assert row.received_at <= row.processed_at
    again = post(client, keys[CORP_B], body, message.message_id)
    assert again.status_code == 200  # type: ignore[attr-defined]
    assert again.headers["idempotent-replayed"] == "true"  # type: ignore[attr-defined]
    assert again.json() == answer  # type: ignore[attr-defined]
    assert counts(db, "publicatie.gepubliceerd") == 1
    assert counts(db, "inbox.processed") == 1
    assert counts(db, "inbox.duplicate") == 1


def test_a_message_id_reused_for_another_message_is_a_conflict(client: TestClient, keys: dict[str, str]) -> None:
    message = vacancy(CORP_B, "E-1", factories.GEMEENTE_NIJMEGEN)
    assert post(client, keys[CORP_B], message.model_dump(mode="json"), message.message_id).status_code == 202  # type: ignore[attr-defined]
    changed = vacancy(CORP_B, "E-2", factories.GEMEENTE_NIJMEGEN).model_copy(update={"message_id": message.message_id})
    assert_problem(post(client, keys[CORP_B], changed.model_dump(mode="json"), message.message_id), 409)


def test_a_message_the_flow_refuses_is_kept_and_the_refusal_repeated(
    client: TestClient, keys: dict[str, str], db: Database
) -> None:
    message = vacancy(CORP_B, "E-1", factories.GEMEENTE_ARNHEM)  # corp-b lets no homes in Arnhem
    body = message.model_dump(mode="json")
    first = post(client, keys[CORP_B], body, message.message_id)
    assert first.status_code == 202  # type: ignore[attr-defined]
    assert first.json()["status"] == "refused"  # type: ignore[attr-defined]
    assert "GM0202" in first.json()["detail"]  # type: ignore[attr-defined]
    again = post(client, keys[CORP_B], body, message.message_id)
    assert again.json() == first.json()  # type: ignore[attr-defined]
    assert counts(db, "inbox.refused") == 1


def test_a_message_stored_but_not_applied_is_applied_by_the_repeat(
    client: TestClient, keys: dict[str, str], db: Database, clock: SimulatedClock
) -> None:
    message = vacancy(CORP_B, "E-1", factories.GEMEENTE_NIJMEGEN)
    with db.transaction() as session:  # as if the process died right after storing it
        inbox.receive(session, message, clock=clock)
    repeat = post(client, keys[CORP_B], message.model_dump(mode="json"), message.message_id)
    assert repeat.status_code == 200  # type: ignore[attr-defined]
    assert repeat.json()["status"] == "processed"  # type: ignore[attr-defined]
    assert counts(db, "publicatie.gepubliceerd") == 1


def test_without_a_region_nothing_is_stored_and_the_answer_is_503(
    db: Database, clock: SimulatedClock, keys: dict[str, str]
) -> None:
    app = create_app(db, clock=clock)
    message = vacancy(CORP_A, "E-1", factories.GEMEENTE_ARNHEM)
    with TestClient(app) as client:
        assert_problem(post(client, keys[CORP_A], message.model_dump(mode="json"), message.message_id), 503)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(InboxMessage)) == 0


def test_a_message_that_is_not_canonical_is_422_with_its_location(client: TestClient, keys: dict[str, str]) -> None:
    body = vacancy(CORP_B, "E-1", factories.GEMEENTE_NIJMEGEN).model_dump(mode="json")
    body["payload"]["eenheid"]["adres"]["postcode"] = "0000 XX"
    problem = assert_problem(post(client, keys[CORP_B], body, body["messageId"]), 422)
    assert any("postcode" in error["loc"] for error in problem["errors"])
