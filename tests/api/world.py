"""The API tests' region: two corporations, two portals, a municipality and an administrator, each with a
key, and a ready-made state with listings, registrations, responses and open offers.

Corp-b lets homes in Nijmegen (GM0268), corp-a in Arnhem (GM0202). Portal A holds I-1 (the factories'
fictional person, with BSN) and I-3; portal B holds I-2. After the response windows close, corp-b's
listing is offered to I-1 (portal A) and corp-a's to I-2 (portal B).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from gateway.core.clock import SimulatedClock
from gateway.flow.service import FlowService
from schemas import EenheidVrijgekomen, Inschrijving, MessageSource, Vrijkomen
from tests import factories

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PORTAL_A, PORTAL_B = "portal-rijnwaal", "portal-elders"
CORP_A, CORP_B = "corp-a", "corp-b"
MUNICIPALITY = "GM0268"
ADMIN = "beheer"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def vacancy(corporatie: str, unit_id: str, gemeente: dict[str, str]) -> EenheidVrijgekomen:
    base = factories.eenheid().model_dump(mode="json")
    base["adres"]["gemeente"] = gemeente
    eenheid = factories.eenheid(id=unit_id, idOrganisatie=corporatie, adres=base["adres"])
    return EenheidVrijgekomen(
        message_id=f"vac-{unit_id}",
        correlation_id=f"flow-{unit_id}",
        source=MessageSource(tenant=corporatie, system="erp"),
        payload=Vrijkomen(eenheid=eenheid, beschikbaar_per=date(2026, 4, 1)),
    )


def seeker(inschrijving_id: str, begindatum: str, **changes: Any) -> Inschrijving:
    return factories.inschrijving(id=inschrijving_id, begindatum=begindatum, **changes)


def other_person() -> dict[str, Any]:
    return factories.persoon(
        voornaam="Anouk",
        achternaam="Elders-Testpersoon",
        bsn=None,
        contactgegevens=[],
        geboortedatum="1991-07-02",
    )


@dataclass
class World:
    client: TestClient
    flow: FlowService
    clock: SimulatedClock
    keys: dict[str, str]
    publicatie: dict[str, str] = field(default_factory=dict)  # corporation -> its listing id
    kandidaat: dict[tuple[str, str], str] = field(default_factory=dict)  # (listing, inschrijving) -> id
    offer: dict[str, str] = field(default_factory=dict)  # corporation -> open offer id on its listing

    def as_(self, tenant: str) -> dict[str, str]:
        return bearer(self.keys[tenant])

    def get(self, tenant: str, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, headers=self.as_(tenant), **kwargs)

    def post(self, tenant: str, path: str, **kwargs: Any) -> Any:
        return self.client.post(path, headers={**self.as_(tenant), **kwargs.pop("headers", {})}, **kwargs)

    def send(self, tenant: str, message: Any) -> Any:
        body = message.model_dump(mode="json", context={"include_bsn": True})
        return self.post(tenant, "/api/v1/berichten", json=body, headers={"Idempotency-Key": message.message_id})

    def build(self) -> World:
        """Listings, registrations, responses; windows closed; one open offer per listing."""
        for corporatie, unit, gemeente in (
            (CORP_B, "E-B1", factories.GEMEENTE_NIJMEGEN),
            (CORP_A, "E-A1", factories.GEMEENTE_ARNHEM),
        ):
            answer = self.send(corporatie, vacancy(corporatie, unit, gemeente))
            assert answer.status_code == 202, answer.text
            assert answer.json()["status"] == "processed", answer.json()
        listed = self.get(ADMIN, "/api/v1/publicaties").json()["items"]
        self.publicatie = {item["idOrganisatie"]: item["id"] for item in listed}
        registrations = (
            (PORTAL_A, seeker("I-1", "2019-05-01")),
            (PORTAL_B, seeker("I-2", "2015-01-01", aanvrager=other_person())),
            (PORTAL_A, seeker("I-3", "2021-01-01", aanvrager=other_person())),
        )
        for portal, inschrijving in registrations:
            body = inschrijving.model_dump(mode="json", context={"include_bsn": True})
            answer = self.post(portal, "/api/v1/inschrijvingen", json=body)
            assert answer.status_code == 201, answer.text
        for portal, listing, seeker_id in (
            (PORTAL_A, self.publicatie[CORP_B], "I-1"),
            (PORTAL_A, self.publicatie[CORP_B], "I-3"),
            (PORTAL_B, self.publicatie[CORP_A], "I-2"),
            (PORTAL_A, self.publicatie[CORP_A], "I-1"),
        ):
            answer = self.post(portal, "/api/v1/reacties", json={"publicatie": listing, "inschrijving": seeker_id})
            assert answer.status_code == 201, answer.text
            self.kandidaat[(listing, seeker_id)] = answer.json()["id"]
        self.clock.advance(timedelta(days=8).total_seconds())
        assert sorted(self.flow.tick().windows_closed) == sorted(self.publicatie.values())
        for corporatie in (CORP_A, CORP_B):
            offers = self.get(corporatie, "/api/v1/aanbiedingen", params={"status": "AAN"}).json()["items"]
            assert len(offers) == 1, offers
            self.offer[corporatie] = offers[0]["id"]
        return self

    def allocate(self) -> dict[str, str]:
        """Both offers accepted by their portals; returns corporation -> toewijzing id."""
        accepted = {CORP_B: PORTAL_A, CORP_A: PORTAL_B}
        toewijzingen = {}
        for corporatie, portal in accepted.items():
            answer = self.post(portal, f"/api/v1/aanbiedingen/{self.offer[corporatie]}/accept")
            assert answer.status_code == 200, answer.text
            items = self.get(corporatie, "/api/v1/toewijzingen").json()["items"]
            toewijzingen[corporatie] = items[0]["id"]
        return toewijzingen
