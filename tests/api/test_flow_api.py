"""The allocation flow through the API: from vacancy to allocation, as each tenant sees it."""

from __future__ import annotations

from gateway.flow.lottery import verify_trekking
from tests import factories
from tests.api.world import ADMIN, CORP_A, CORP_B, MUNICIPALITY, PORTAL_A, PORTAL_B, World


def test_a_portal_gets_its_own_registration_back_with_the_bsn(world: World) -> None:
    answer = world.get(PORTAL_A, "/api/v1/inschrijvingen/I-1")
    assert answer.status_code == 200
    person = answer.json()["aanvrager"]
    assert person["bsn"] == factories.BSN_VALID
    assert person["voornaam"] == factories.VOORNAAM


def test_put_creates_then_replaces(world: World) -> None:
    changed = factories.inschrijving(id="I-9", aantalKinderen=2).model_dump(mode="json", context={"include_bsn": True})
    created = world.client.put("/api/v1/inschrijvingen/I-9", json=changed, headers=world.as_(PORTAL_A))
    assert created.status_code == 201
    changed["aantalKinderen"] = 3
    replaced = world.client.put("/api/v1/inschrijvingen/I-9", json=changed, headers=world.as_(PORTAL_A))
    assert replaced.status_code == 200
    assert world.get(PORTAL_A, "/api/v1/inschrijvingen/I-9").json()["aantalKinderen"] == 3


def test_put_with_another_id_in_the_body_is_refused(world: World) -> None:
    body = factories.inschrijving(id="I-8").model_dump(mode="json")
    answer = world.client.put("/api/v1/inschrijvingen/I-7", json=body, headers=world.as_(PORTAL_A))
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"] == "body.id"


def test_posting_an_existing_registration_is_a_conflict(world: World) -> None:
    body = factories.inschrijving(id="I-1").model_dump(mode="json")
    assert world.post(PORTAL_A, "/api/v1/inschrijvingen", json=body).status_code == 409


def test_the_owner_reads_a_minimised_ranked_list(world: World) -> None:
    answer = world.get(CORP_B, "/api/v1/kandidaten", params={"publicatie": world.publicatie[CORP_B]})
    assert answer.status_code == 200
    lijst = answer.json()
    assert lijst["aantalReacties"] == 2
    assert [k["positie"] for k in lijst["kandidaten"]] == [1, 2]
    first = lijst["kandidaten"][0]
    assert first["id"] == world.kandidaat[(world.publicatie[CORP_B], "I-1")]
    assert first["huishoudgrootte"] == 2
    assert first["rangschikking"], "the ranking is explained"
    assert set(first) <= {
        "id",
        "positie",
        "status",
        "detailStatus",
        "rangschikking",
        "aantalVolwassenen",
        "aantalKinderen",
        "huishoudgrootte",
        "passendheidsoort",
    }
    text = answer.text
    for value in (factories.BSN_VALID, factories.VOORNAAM, factories.ACHTERNAAM, factories.EMAIL, "I-1", "I-3"):
        assert value not in text


def test_declining_moves_the_offer_to_the_next_candidate(world: World) -> None:
    offer = world.offer[CORP_B]
    answer = world.post(PORTAL_A, f"/api/v1/aanbiedingen/{offer}/decline", json={"reden": "WBN"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"]["code"] == "GEW"
    assert answer.json()["detailStatus"]["code"] == "WBN"
    open_offers = world.get(CORP_B, "/api/v1/aanbiedingen", params={"status": "AAN"}).json()["items"]
    assert [o["inschrijving"]["id"] for o in open_offers] == ["I-3"]
    again = world.post(PORTAL_A, f"/api/v1/aanbiedingen/{offer}/decline", json={"reden": "WBN"})
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"


def test_a_decline_needs_a_refusal_reason_code(world: World) -> None:
    offer = world.offer[CORP_B]
    for body in ({"reden": "REA"}, {"reden": "XYZ"}, {}):
        answer = world.post(PORTAL_A, f"/api/v1/aanbiedingen/{offer}/decline", json=body)
        assert answer.status_code == 422, body
        assert answer.json()["errors"][0]["loc"].startswith("body")


def test_accepting_allocates_and_the_corporation_sees_its_toewijzing(world: World) -> None:
    toewijzingen = world.allocate()
    own = world.get(CORP_B, f"/api/v1/toewijzingen/{toewijzingen[CORP_B]}")
    assert own.status_code == 200
    assert own.json()["inschrijving"]["id"] == "I-1"
    assert own.json()["passendheidsoort"]["code"] in {"PAS", "NVT"}
    offers = world.get(PORTAL_A, "/api/v1/aanbiedingen", params={"inschrijving": "I-1"}).json()["items"]
    assert {o["status"]["code"] for o in offers} == {"TOE"}


def test_responding_twice_gives_the_same_reactie_and_withdrawing_works_while_open(client: object, world: World) -> None:
    # A fresh listing, still open.
    from tests.api.world import vacancy

    answer = world.send(CORP_B, vacancy(CORP_B, "E-B2", factories.GEMEENTE_NIJMEGEN))
    listing = next(
        item["id"] for item in world.get(CORP_B, "/api/v1/publicaties", params={"status": "GEP"}).json()["items"]
    )
    assert answer.status_code == 202
    first = world.post(PORTAL_A, "/api/v1/reacties", json={"publicatie": listing, "inschrijving": "I-3"})
    again = world.post(PORTAL_A, "/api/v1/reacties", json={"publicatie": listing, "inschrijving": "I-3"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    mine = world.get(PORTAL_A, "/api/v1/reacties", params={"inschrijving": "I-3"}).json()
    assert first.json()["id"] in {item["id"] for item in mine["items"]}
    withdrawn = world.client.delete(f"/api/v1/reacties/{first.json()['id']}", headers=world.as_(PORTAL_A))
    assert withdrawn.status_code == 204
    closed = world.client.delete(
        f"/api/v1/reacties/{world.kandidaat[(world.publicatie[CORP_B], 'I-1')]}", headers=world.as_(PORTAL_A)
    )
    assert closed.status_code == 409  # that listing's window has closed


def test_municipality_and_admin_read_figures(world: World) -> None:
    world.allocate()
    for tenant in (MUNICIPALITY, ADMIN):
        answer = world.get(tenant, "/api/v1/toewijzingen/aantallen", params={"jaar": 2026})
        assert answer.status_code == 200
        items = {item["gemeente"]: item for item in answer.json()["items"]}
        assert set(items) == {"GM0202", "GM0268"}
        nijmegen = items["GM0268"]
        assert nijmegen["toewijzingen"] == 1
        assert nijmegen["herkomst"] == {"gemeente": 1, "regio": 0, "buitenRegio": 0}
        assert items["GM0202"]["herkomst"] == {"gemeente": 0, "regio": 1, "buitenRegio": 0}
        assert nijmegen["bindingAandeel"] is not None
        listings = world.get(tenant, "/api/v1/publicaties/aantallen", params={"jaar": 2026}).json()["items"]
        assert sum(item["aantal"] for item in listings) == 2


def test_the_csv_export_neutralises_formulas(world: World) -> None:
    world.allocate()
    answer = world.get(MUNICIPALITY, "/api/v1/toewijzingen/aantallen.csv", params={"jaar": 2026})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    lines = answer.text.splitlines()
    assert lines[0].startswith("jaar;gemeente;toewijzingen")
    assert len(lines) == 3


def test_portal_b_sees_its_own_offer(world: World) -> None:
    offers = world.get(PORTAL_B, "/api/v1/aanbiedingen").json()
    assert [o["id"] for o in offers["items"]] == [world.offer[CORP_A]]
    assert offers["total"] == 1
    assert world.get(CORP_A, f"/api/v1/aanbiedingen/{world.offer[CORP_A]}").status_code == 200


def test_every_csv_cell_goes_through_the_formula_neutraliser() -> None:
    from gateway.api.toewijzingen.schemas import Herkomst, ToewijzingAantallen, ToewijzingCijfers
    from gateway.api.toewijzingen.service import as_csv

    row = ToewijzingCijfers(
        jaar=2026,
        gemeente='=HYPERLINK("http://x")',
        toewijzingen=1,
        daeb=1,
        daeb_doelgroep=1,
        passend=1,
        niet_passend=0,
        binding=0,
        daeb_aandeel=1.0,
        passend_aandeel=1.0,
        binding_aandeel=0.0,
        herkomst=Herkomst(gemeente=1, regio=0, buiten_regio=0),
    )
    text = as_csv(ToewijzingAantallen(items=[row])).decode()
    assert "'=HYPERLINK" in text.splitlines()[1]


def test_staff_read_the_binding_caps_running_figure(world: World) -> None:
    answer = world.get(MUNICIPALITY, "/api/v1/publicaties/binding", params={"jaar": 2026})
    assert answer.status_code == 200
    body = answer.json()
    assert "Huisvestingswet 2014, art. 14" in body["bron"]
    figures = {(item["gemeente"], item["soort"]): item for item in body["items"]}
    assert set(figures) == {(g, s) for g in ("GM0202", "GM0268") for s in ("lokaal", "regionaal")}
    regional = figures[("GM0268", "regionaal")]
    # One listing in Nijmegen this year, asking for regional binding: the first of the year keeps it; the
    # cap is taken over the 12 listings Nijmegen expects (region file), so five more may have it.
    assert (regional["aanbod"], regional["metBinding"], regional["aandeel"], regional["ruimte"]) == (1, 1, 1.0, 5)
    assert regional["verwachtAanbod"] == 12
    assert figures[("GM0268", "lokaal")]["metBinding"] == 0
    assert world.get(PORTAL_A, "/api/v1/publicaties/binding", params={"jaar": 2026}).status_code == 403


def test_the_listing_carries_its_commitment_and_the_draw_can_be_read_and_checked(world: World) -> None:
    listing = world.publicatie[CORP_B]
    commitment = world.get(CORP_B, f"/api/v1/publicaties/{listing}").json()["lotingzaadCommitment"]
    draw = world.get(CORP_B, f"/api/v1/publicaties/{listing}/loting")
    assert draw.status_code == 200
    body = draw.json()
    assert body["commitment"] == commitment
    assert body["lotingzaad"] is not None  # the window closed and the list was drawn: the secret is revealed
    assert sorted(body["reacties"]) == sorted(world.kandidaat[(listing, seeker)] for seeker in ("I-1", "I-3"))
    assert verify_trekking(body) == []
    assert world.get(ADMIN, f"/api/v1/publicaties/{listing}/loting").status_code == 200
    # A municipality reads figures, not candidate lists: the draw names kandidaten, so it is not theirs.
    assert world.get(MUNICIPALITY, f"/api/v1/publicaties/{listing}/loting").status_code == 403
    # A corporation reads only its own listings' draws.
    assert world.get(CORP_A, f"/api/v1/publicaties/{listing}/loting").status_code == 404
