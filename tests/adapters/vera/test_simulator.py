"""The VERA simulator on its own, over plain HTTP: the spec's paging headers, sign-in, control routes, and
what a careful vendor does with writes (ETags and If-Match, JSON merge patch, 409 on a known id)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from adapters.vera import mapping
from adapters.vera.simulator import (
    DEFAULT_API_KEY,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    VENDOR_EXTRA_ATTRIBUUT,
    VeraSimulator,
    with_vendor_fields,
)
from tests.adapters.vera.cases import CASES

KEY = {"X-API-KEY": DEFAULT_API_KEY}


@pytest.fixture
def http(sim: VeraSimulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.url, timeout=5) as client:
        yield client


def test_list_pages_carry_the_vera_parameters_headers(sim: VeraSimulator, http: httpx.Client) -> None:
    sim.preload("sancties", [{"id": f"S-{n}"} for n in range(5)])
    first = http.get("/sancties", headers={**KEY, "X-Parameters-AantalPerPagina": "2"})
    assert [r["id"] for r in first.json()] == ["S-0", "S-1"]
    assert first.headers["X-Parameters-Aantal"] == "5"
    assert first.headers["X-Parameters-AantalPerPagina"] == "2"
    cursor = first.headers["X-Parameters-Cursor"]
    second = http.get("/sancties", params={"cursor": cursor}, headers={**KEY, "X-Parameters-AantalPerPagina": "2"})
    assert [r["id"] for r in second.json()] == ["S-2", "S-3"]
    assert second.headers["X-Parameters-Aantal"] == "3"


def test_default_page_size_and_limits(sim: VeraSimulator, http: httpx.Client) -> None:
    sim.preload("sancties", [{"id": f"S-{n}"} for n in range(25)])
    assert len(http.get("/sancties", headers=KEY).json()) == 20
    assert http.get("/sancties", headers={**KEY, "X-Parameters-AantalPerPagina": "101"}).status_code == 400
    assert http.get("/sancties", params={"cursor": "bogus!"}, headers=KEY).status_code == 400
    other = http.get("/publicaties", headers=KEY).headers["X-Parameters-Cursor"]
    assert http.get("/sancties", params={"cursor": other}, headers=KEY).status_code == 400


def test_a_replaced_record_moves_to_the_end_of_the_list(sim: VeraSimulator, http: httpx.Client) -> None:
    sim.preload("sancties", [{"id": "S-1"}, {"id": "S-2"}])
    cursor = http.get("/sancties", headers=KEY).headers["X-Parameters-Cursor"]
    assert http.put("/sancties/S-1", json={"id": "S-1", "omschrijving": "gewijzigd"}, headers=KEY).status_code == 200
    changed = http.get("/sancties", params={"cursor": cursor}, headers=KEY).json()
    assert changed == [{"id": "S-1", "omschrijving": "gewijzigd"}]
    assert http.get("/sancties/S-1", headers=KEY).json()["omschrijving"] == "gewijzigd"


def test_a_put_without_an_id_replaces_the_record_in_the_path(sim: VeraSimulator, http: httpx.Client) -> None:
    sim.preload("sancties", [{"id": "S-1"}])
    replaced = http.put("/sancties/S-1", json={"omschrijving": "gewijzigd"}, headers=KEY)
    assert replaced.status_code == 200
    assert replaced.headers["Location"] == "/sancties/S-1"
    assert sim.records("sancties") == [{"id": "S-1", "omschrijving": "gewijzigd"}]


def test_writes_are_checked(http: httpx.Client) -> None:
    assert http.post("/sancties", content=b"{nope", headers=KEY).status_code == 400
    assert http.post("/sancties", json="text", headers=KEY).status_code == 400
    assert http.put("/sancties/S-1", json={"id": "S-2"}, headers=KEY).status_code == 400
    assert http.get("/sancties/S-404", headers=KEY).status_code == 404
    assert http.get("/relaties", headers=KEY).status_code == 404  # not a resource this simulator keeps
    created = http.post("/sancties", json={"omschrijving": "zonder id"}, headers=KEY)
    assert created.status_code == 201
    assert created.headers["Location"] == f"/sancties/{created.json()['id']}"


def test_sign_in_and_the_token_endpoint(sim: VeraSimulator, http: httpx.Client) -> None:
    refused = http.get("/publicaties")
    assert refused.status_code == 401
    assert refused.json()["code"] == "NIET_GEAUTORISEERD"
    assert http.post("/oauth/token", data={"grant_type": "password"}).status_code == 400
    form = {"grant_type": "client_credentials", "client_id": DEFAULT_CLIENT_ID, "client_secret": "nope"}
    assert http.post("/oauth/token", data=form).status_code == 401
    token = http.post("/oauth/token", data={**form, "client_secret": DEFAULT_CLIENT_SECRET}).json()
    assert token["token_type"] == "Bearer"
    assert http.get("/publicaties", headers={"Authorization": f"Bearer {token['access_token']}"}).status_code == 200
    sim.revoke_tokens()
    assert http.get("/publicaties", headers={"Authorization": f"Bearer {token['access_token']}"}).status_code == 401


def test_faults_and_received_over_http(sim: VeraSimulator, http: httpx.Client) -> None:
    assert http.post("/_sim/faults", json={"fault": "unavailable", "count": 1, "retry_after": 4}).status_code == 200
    failed = http.get("/publicaties", headers=KEY)
    assert (failed.status_code, failed.headers["Retry-After"]) == (503, "4")
    body = mapping.encode(CASES["sanctie_opgelegd"]()).body
    for _ in range(2):
        http.post("/sancties", json=body, headers={**KEY, "Idempotency-Key": "k"})
    assert http.get("/_sim/received").json() == {"count": 1, "duplicates": 1, "keys": ["k"], "kinds": ["sancties"]}


def test_preload_over_http_for_a_simulator_in_another_process(sim: VeraSimulator, http: httpx.Client) -> None:
    assert http.post("/_sim/preload/eenheden", json=[{"id": "E-1"}]).json() == {"ids": ["E-1"]}
    assert sim.records("eenheden") == [{"id": "E-1"}]


# --- what a careful vendor does with writes: ETags, If-Match, merge patch, conflicts ----------------------

MERGE = {**KEY, "Content-Type": "application/merge-patch+json"}


def test_reads_and_writes_carry_an_etag_and_a_stale_if_match_is_412(sim: VeraSimulator, http: httpx.Client) -> None:
    sim.preload("sancties", [{"id": "S-1", "omschrijving": "oud", "intern": {"dossier": "D-1"}}])
    read = http.get("/sancties/S-1", headers=KEY)
    etag = read.headers["ETag"]
    changed = http.put("/sancties/S-1", json={"omschrijving": "nieuw"}, headers={**KEY, "If-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] not in (etag, None)
    stale = http.put("/sancties/S-1", json={"omschrijving": "verloren"}, headers={**KEY, "If-Match": etag})
    assert (stale.status_code, stale.json()["code"]) == (412, "GEWIJZIGD")
    assert (
        http.put("/sancties/S-1", json={"omschrijving": "altijd"}, headers={**KEY, "If-Match": "*"}).status_code == 200
    )
    assert sim.records("sancties") == [{"omschrijving": "altijd", "id": "S-1"}]  # a PUT replaces, as VERA says


def test_patch_applies_a_json_merge_patch(sim: VeraSimulator, http: httpx.Client) -> None:
    sim.preload("sancties", [{"id": "S-1", "a": {"b": 1, "c": 2}, "lijst": [1, 2], "weg": True, "blijft": "x"}])
    patched = http.patch("/sancties/S-1", content=b'{"a": {"c": 3}, "lijst": [9], "weg": null}', headers=MERGE)
    assert patched.status_code == 200
    assert sim.records("sancties") == [{"id": "S-1", "a": {"b": 1, "c": 3}, "lijst": [9], "blijft": "x"}]
    assert http.patch("/sancties/S-1", json={"a": 1}, headers=KEY).status_code == 415  # plain JSON is no merge patch
    assert http.patch("/sancties/S-1", json={"id": "S-2"}, headers=MERGE).status_code == 400
    assert http.patch("/sancties/S-404", json={"a": 1}, headers=MERGE).status_code == 404
    sim.merge_patch = False
    refused = http.patch("/sancties/S-1", json={"a": 1}, headers=MERGE)
    assert (refused.status_code, refused.headers["Allow"]) == (405, "GET, PUT")


def test_a_post_of_an_id_the_vendor_holds_is_a_conflict(sim: VeraSimulator, http: httpx.Client) -> None:
    sim.preload("toewijzingen", [{"id": "T-1", "eigen": "veld"}])
    assert http.post("/toewijzingen", json={"id": "T-1"}, headers=KEY).status_code == 409
    assert http.post("/toewijzingen", json=[{"id": "T-2"}, {"id": "T-1"}], headers=KEY).status_code == 409
    assert sim.records("toewijzingen") == [{"id": "T-1", "eigen": "veld"}]  # nothing of the refused page stored


def test_a_refused_write_is_not_remembered_under_its_idempotency_key(sim: VeraSimulator, http: httpx.Client) -> None:
    sim.preload("sancties", [{"id": "S-1"}])
    stale = {**MERGE, "If-Match": '"999"', "Idempotency-Key": "k"}
    assert http.patch("/sancties/S-1", json={"a": 1}, headers=stale).status_code == 412
    fresh = {**MERGE, "If-Match": http.get("/sancties/S-1", headers=KEY).headers["ETag"], "Idempotency-Key": "k"}
    assert http.patch("/sancties/S-1", json={"a": 2}, headers=fresh).status_code == 200
    again = http.patch("/sancties/S-1", json={"a": 2}, headers=fresh)
    assert again.headers["Idempotent-Replayed"] == "true"


def test_an_edit_after_a_read_makes_that_read_stale(sim: VeraSimulator, http: httpx.Client) -> None:
    sim.preload("sancties", [{"id": "S-1", "a": 1}])
    sim.edit_after_read("sancties", "S-1", {"a": 2}, times=1)
    first = http.get("/sancties/S-1", headers=KEY)
    assert first.json() == {"id": "S-1", "a": 1}  # the reader saw the version before the edit
    second = http.get("/sancties/S-1", headers=KEY)
    assert second.json() == {"id": "S-1", "a": 2}
    assert first.headers["ETag"] != second.headers["ETag"]
    assert http.get("/sancties/S-1", headers=KEY).headers["ETag"] == second.headers["ETag"]  # one edit only


def test_without_etags_none_are_served_and_if_match_is_not_checked(sim: VeraSimulator, http: httpx.Client) -> None:
    sim.etags = False
    sim.preload("sancties", [{"id": "S-1"}])
    assert "ETag" not in http.get("/sancties/S-1", headers=KEY).headers
    assert http.put("/sancties/S-1", json={}, headers={**KEY, "If-Match": '"1"'}).status_code == 200


def test_a_weak_etag_never_matches_if_match(sim: VeraSimulator, http: httpx.Client) -> None:
    sim.weak_etags = True
    sim.preload("sancties", [{"id": "S-1"}])
    etag = http.get("/sancties/S-1", headers=KEY).headers["ETag"]
    assert etag.startswith('W/"')
    assert http.put("/sancties/S-1", json={}, headers={**KEY, "If-Match": etag}).status_code == 412
    assert http.put("/sancties/S-1", json={}, headers={**KEY, "If-Match": "*"}).status_code == 200


def test_records_keep_the_vendors_own_attributes(sim: VeraSimulator, http: httpx.Client) -> None:
    held, paths = with_vendor_fields({"id": "S-1", "inschrijving": {"id": "I-1"}, "soort": {"code": "NOS"}})
    sim.preload("sancties", [held])
    assert http.get("/sancties/S-1", headers=KEY).json() == held
    assert paths == [("inschrijving", "leverancierCode"), ("leverancierKenmerken",), ("leverancierStatus",)]
    assert held["extra-attributen"] == [VENDOR_EXTRA_ATTRIBUUT]
