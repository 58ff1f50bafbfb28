"""Tenant isolation: no key reads, lists, changes or infers another tenant's objects.

Another tenant's object is answered exactly like one that does not exist (404, same problem body apart
from `instance`), lists leave it out and do not count it, and changes to it change nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.api.world import ADMIN, CORP_A, CORP_B, MUNICIPALITY, PORTAL_A, PORTAL_B, World, vacancy


def same_as_missing(world: World, tenant: str, method: str, path: str, missing: str, **kwargs: Any) -> None:
    """`path` answers `tenant` exactly as the same request for a made-up id does."""
    headers = {**world.as_(tenant), **kwargs.pop("headers", {})}
    theirs = world.client.request(method, path, headers=headers, **kwargs)
    nothing = world.client.request(method, missing, headers=headers, **kwargs)
    assert theirs.status_code == nothing.status_code == 404, (path, theirs.text)
    assert _without_instance(theirs.json()) == _without_instance(nothing.json())


def _without_instance(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key != "instance"}


@pytest.mark.parametrize(("me", "them"), [(CORP_A, CORP_B), (CORP_B, CORP_A)])
def test_a_corporation_cannot_read_or_list_another_corporations_objects(world: World, me: str, them: str) -> None:
    toewijzingen = world.allocate()
    theirs, mine = world.publicatie[them], world.publicatie[me]

    same_as_missing(world, me, "GET", f"/api/v1/publicaties/{theirs}", "/api/v1/publicaties/pub-none")
    assert world.get(me, f"/api/v1/publicaties/{mine}").status_code == 200
    listed = world.get(me, "/api/v1/publicaties").json()
    assert [item["id"] for item in listed["items"]] == [mine]
    assert listed["total"] == 1

    same_as_missing(world, me, "GET", f"/api/v1/kandidaten?publicatie={theirs}", "/api/v1/kandidaten?publicatie=x")
    same_as_missing(world, me, "GET", f"/api/v1/aanbiedingen/{world.offer[them]}", "/api/v1/aanbiedingen/aan-x")
    offers = world.get(me, "/api/v1/aanbiedingen", params={"publicatie": theirs}).json()
    assert offers == {"items": [], "page": 1, "pageSize": 50, "total": 0}
    assert {o["id"] for o in world.get(me, "/api/v1/aanbiedingen").json()["items"]} == {world.offer[me]}

    same_as_missing(world, me, "GET", f"/api/v1/toewijzingen/{toewijzingen[them]}", "/api/v1/toewijzingen/toe-x")
    own = world.get(me, "/api/v1/toewijzingen").json()
    assert [item["id"] for item in own["items"]] == [toewijzingen[me]]
    assert own["total"] == 1


def test_a_corporation_cannot_change_another_corporations_listings(world: World) -> None:
    # Reporting a vacancy of the other's unit, or sending as the other tenant, is refused before storing.
    theirs = vacancy(CORP_A, "E-A9", factories.GEMEENTE_ARNHEM)
    assert world.send(CORP_B, theirs).status_code == 403
    as_them = vacancy(CORP_A, "E-A9", factories.GEMEENTE_ARNHEM)
    as_them = as_them.model_copy(update={"source": as_them.source.model_copy(update={"tenant": CORP_A})})
    assert world.send(CORP_B, as_them).status_code == 403
    assert world.get(ADMIN, "/api/v1/publicaties").json()["total"] == 2
    # Offers are answered by portals only.
    offer = world.offer[CORP_A]
    assert world.post(CORP_B, f"/api/v1/aanbiedingen/{offer}/accept").status_code == 403
    assert world.get(CORP_A, f"/api/v1/aanbiedingen/{offer}").json()["status"]["code"] == "AAN"


def test_a_corporation_cannot_report_a_contract_for_another_corporations_allocation(world: World) -> None:
    from schemas import MessageSource, Overeenkomst, OvereenkomstGetekend

    toewijzingen = world.allocate()
    lease = OvereenkomstGetekend(
        message_id="ovk-1",
        correlation_id="c-1",
        source=MessageSource(tenant=CORP_B, system="erp"),
        payload=Overeenkomst.model_validate(
            {
                "id": "OVK-1",
                "idOrganisatie": CORP_A,
                "soort": {"code": "HUU"},
                "status": {"code": "LOP"},
                "begindatum": "2026-04-01",
                "eenheid": {"id": "E-A1"},
                "toewijzing": {"id": toewijzingen[CORP_A]},
                "inschrijving": {"id": "I-2"},
                "huurprijs": 640.25,
            }
        ),
    )
    assert world.send(CORP_B, lease).status_code == 403


def test_a_portal_cannot_read_change_or_infer_another_portals_registrations(world: World) -> None:
    same_as_missing(world, PORTAL_B, "GET", "/api/v1/inschrijvingen/I-1", "/api/v1/inschrijvingen/I-none")
    changed = factories.inschrijving(id="I-1", aantalKinderen=4).model_dump(mode="json")
    answer = world.client.put("/api/v1/inschrijvingen/I-1", json=changed, headers=world.as_(PORTAL_B))
    assert answer.status_code == 404
    assert world.get(PORTAL_A, "/api/v1/inschrijvingen/I-1").json()["aantalKinderen"] == 1


def test_a_portal_cannot_act_on_another_portals_responses_and_offers(world: World) -> None:
    listing = world.publicatie[CORP_B]
    same_as_missing(
        world,
        PORTAL_B,
        "POST",
        "/api/v1/reacties",
        "/api/v1/reacties",
        json={"publicatie": listing, "inschrijving": "I-1"},
    )
    kandidaat = world.kandidaat[(listing, "I-1")]
    same_as_missing(world, PORTAL_B, "DELETE", f"/api/v1/reacties/{kandidaat}", "/api/v1/reacties/kan-none")
    assert world.get(PORTAL_B, "/api/v1/reacties", params={"inschrijving": "I-1"}).json()["total"] == 0

    offer = world.offer[CORP_B]  # offered to I-1 of portal A
    same_as_missing(world, PORTAL_B, "GET", f"/api/v1/aanbiedingen/{offer}", "/api/v1/aanbiedingen/aan-none")
    same_as_missing(world, PORTAL_B, "POST", f"/api/v1/aanbiedingen/{offer}/accept", "/api/v1/aanbiedingen/x/accept")
    same_as_missing(
        world,
        PORTAL_B,
        "POST",
        f"/api/v1/aanbiedingen/{offer}/decline",
        "/api/v1/aanbiedingen/x/decline",
        json={"reden": "WBN"},
    )
    assert world.get(CORP_B, f"/api/v1/aanbiedingen/{offer}").json()["status"]["code"] == "AAN"
    assert world.get(PORTAL_B, "/api/v1/aanbiedingen", params={"inschrijving": "I-1"}).json()["total"] == 0


def test_a_portal_cannot_register_through_a_message_for_another_portals_registration(world: World) -> None:
    from schemas import InschrijvingGewijzigd, MessageSource

    message = InschrijvingGewijzigd(
        message_id="ins-1",
        correlation_id="c-ins-1",
        source=MessageSource(tenant=PORTAL_B, system="portal"),
        payload=factories.inschrijving(id="I-1", aantalKinderen=5),
    )
    answer = world.send(PORTAL_B, message)
    assert answer.status_code == 202
    assert answer.json()["status"] == "refused"
    assert world.get(PORTAL_A, "/api/v1/inschrijvingen/I-1").json()["aantalKinderen"] == 1


PERSON_LEVEL = [
    ("GET", "/api/v1/publicaties"),
    ("GET", "/api/v1/publicaties/{publicatie}"),
    ("GET", "/api/v1/inschrijvingen/I-1"),
    ("PUT", "/api/v1/inschrijvingen/I-1"),
    ("POST", "/api/v1/inschrijvingen"),
    ("GET", "/api/v1/reacties"),
    ("POST", "/api/v1/reacties"),
    ("DELETE", "/api/v1/reacties/{kandidaat}"),
    ("GET", "/api/v1/kandidaten?publicatie={publicatie}"),
    ("GET", "/api/v1/aanbiedingen"),
    ("GET", "/api/v1/aanbiedingen/{offer}"),
    ("POST", "/api/v1/aanbiedingen/{offer}/accept"),
    ("POST", "/api/v1/aanbiedingen/{offer}/decline"),
    ("GET", "/api/v1/toewijzingen"),
    ("GET", "/api/v1/toewijzingen/{toewijzing}"),
    ("POST", "/api/v1/berichten"),
    ("GET", "/api/v1/admin/dead-letters"),
    ("GET", "/api/v1/admin/audit?inschrijving=I-1"),
]


def test_a_municipality_key_reaches_no_person_level_endpoint(world: World) -> None:
    toewijzingen = world.allocate()
    for method, template in PERSON_LEVEL:
        path = template.format(
            publicatie=world.publicatie[CORP_B],
            kandidaat=world.kandidaat[(world.publicatie[CORP_B], "I-1")],
            offer=world.offer[CORP_B],
            toewijzing=toewijzingen[CORP_B],
        )
        kwargs: dict[str, Any] = {}
        if method in {"POST", "PUT"}:
            kwargs["json"] = {"publicatie": world.publicatie[CORP_B], "inschrijving": "I-1", "reden": "WBN"}
        answer = world.client.request(method, path, headers=world.as_(MUNICIPALITY), **kwargs)
        assert answer.status_code in {403, 404}, (method, path, answer.status_code)
        assert answer.headers["content-type"] == "application/problem+json"
        assert factories.VOORNAAM not in answer.text


def test_a_municipality_sees_figures_without_persons(world: World) -> None:
    world.allocate()
    texts = [
        world.get(MUNICIPALITY, path, params={"jaar": 2026}).text
        for path in (
            "/api/v1/toewijzingen/aantallen",
            "/api/v1/toewijzingen/aantallen.csv",
            "/api/v1/publicaties/aantallen",
        )
    ]
    for text in texts:
        for value in (
            factories.BSN_VALID,
            factories.VOORNAAM,
            factories.ACHTERNAAM,
            factories.EMAIL,
            "Anouk",
            "I-1",
            "I-2",
            world.offer[CORP_A],
        ):
            assert value not in text


def test_an_admin_key_reads_no_registrations_or_candidate_lists(world: World) -> None:
    assert world.get(ADMIN, "/api/v1/inschrijvingen/I-1").status_code == 403
    assert world.get(ADMIN, "/api/v1/kandidaten", params={"publicatie": world.publicatie[CORP_B]}).status_code == 403
    assert world.get(ADMIN, "/api/v1/aanbiedingen").status_code == 403
