"""Through POST /berichten (the real app): a corporation's key cannot take over another corporation's unit (the
refusal kept with the real sender), and a second contract for one allocation is one refusal."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from gateway.flow.records import EenheidRecord
from gateway.inbound import rejections
from gateway.store import audit
from gateway.store.engine import Database
from tests import factories
from tests.api.problems import assert_problem
from tests.api.world import CORP_A, CORP_B, World, bearer, vacancy

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


def test_a_second_contract_for_one_allocation_is_refused_with_its_reason_and_the_next_flows(world: World) -> None:
    from schemas import MessageSource, Overeenkomst, OvereenkomstGetekend

    toewijzingen = world.allocate()

    def lease(n: int) -> OvereenkomstGetekend:
        return OvereenkomstGetekend(
            message_id=f"ovk-{n}",
            correlation_id=f"c-ovk-{n}",
            source=MessageSource(tenant=CORP_B, system="erp"),
            payload=Overeenkomst.model_validate(
                {
                    "id": f"OVK-{n}",
                    "idOrganisatie": CORP_B,
                    "soort": {"code": "HUU"},
                    "status": {"code": "LOP"},
                    "begindatum": "2026-04-01",
                    "eenheid": {"id": "E-B1"},
                    "toewijzing": {"id": toewijzingen[CORP_B]},
                    "inschrijving": {"id": "I-1"},
                    "huurprijs": 640.25,
                }
            ),
        )

    first = world.send(CORP_B, lease(1))
    assert (first.status_code, first.json()["status"]) == (202, "processed")
    second = world.send(CORP_B, lease(2))
    assert (second.status_code, second.json()["status"]) == (202, "refused")  # was a 500 (IntegrityError)
    assert "already has a signed overeenkomst (OVK-1)" in second.json()["detail"]
    after = world.send(CORP_B, vacancy(CORP_B, "E-B7", factories.GEMEENTE_NIJMEGEN))
    assert (after.status_code, after.json()["status"]) == (202, "processed")
