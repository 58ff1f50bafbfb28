"""Ownership through POST /berichten (the real app): a corporation's key cannot take over another
corporation's unit, and the refusal is kept with the real sender."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from gateway.flow.records import EenheidRecord
from gateway.inbound import rejections
from gateway.store import audit
from gateway.store.engine import Database
from tests import factories
from tests.api.problems import assert_problem
from tests.api.world import CORP_A, CORP_B, bearer, vacancy

URL = "/api/v1/berichten"


def send(client: TestClient, key: str, body: dict[str, object]) -> object:
    return client.post(URL, json=body, headers=bearer(key) | {"Idempotency-Key": str(body["messageId"])})


def test_a_vacancy_for_another_corporations_unit_does_not_take_it_over(
    client: TestClient, keys: dict[str, str], db: Database
) -> None:
    corp_b = vacancy(CORP_B, "E-B1", factories.GEMEENTE_NIJMEGEN)
    assert send(client, keys[CORP_B], corp_b.model_dump(mode="json")).status_code == 202  # type: ignore[attr-defined]
    # corp-a claims the same unit id as its own, in a gemeente it lets homes in.
    takeover = vacancy(CORP_A, "E-B1", factories.GEMEENTE_ARNHEM).model_copy(update={"message_id": "vac-takeover"})
    problem = assert_problem(send(client, keys[CORP_A], takeover.model_dump(mode="json")), 403)
    assert "/payload/eenheid/id" in problem["detail"]
    with db.session() as session:
        assert session.scalar(select(EenheidRecord.corporatie).where(EenheidRecord.id == "E-B1")) == CORP_B
        [refused] = audit.search(session, action="inbound.not_owner")
        [kept] = rejections.recent(session)
    assert (refused.actor, refused.detail["channel"]) == (CORP_A, "api")
    assert (kept.corporatie, kept.kind, kept.location) == (CORP_A, "ownership", "/payload/eenheid/id")


def test_a_message_speaking_for_another_tenant_is_refused_and_kept(
    client: TestClient, keys: dict[str, str], db: Database
) -> None:
    as_b = vacancy(CORP_B, "E-B2", factories.GEMEENTE_NIJMEGEN)
    problem = assert_problem(send(client, keys[CORP_A], as_b.model_dump(mode="json")), 403)
    assert "/source/tenant" in problem["detail"]
    with db.session() as session:
        assert session.scalar(select(EenheidRecord.id)) is None
        [refused] = audit.search(session, action="inbound.not_owner")
    assert (refused.actor, refused.detail["claimed_tenant"]) == (CORP_A, CORP_B)
