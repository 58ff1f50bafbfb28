"""Lossless write-back: what the vendor holds and Woonbrug does not model survives every write the adapter does.

The pure merge (`adapters.vera.writeback`) on its own, then the adapter against the real loopback
simulator seeded with vendor-only attributes and another party's extra-attribuut, on both write paths:
PATCH with a JSON merge patch, and GET + PUT of the merged record (the simulator with merge patch off).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters import PermanentError, TransientError
from adapters.sdk.simulator import Fault
from adapters.vera import VeraAdapter, mapping
from adapters.vera.simulator import VENDOR_EXTRA_ATTRIBUUT, VeraSimulator, apply_merge_patch, with_vendor_fields
from adapters.vera.writeback import merge_record, patch_body
from schemas import (
    AanbiedingGeaccepteerd,
    AanbiedingGedaan,
    AanbiedingVerlopen,
    Message,
    PublicatieAfgerond,
    ReactieIngetrokken,
)
from tests import factories as f
from tests.adapters.vera.cases import CASES, CORPORATION, VENDOR_CONTEXT, _envelope
from tests.adapters.vera.conftest import MakeAdapter

# --- the merge, pure ----------------------------------------------------------------------------------


def test_members_only_the_vendor_has_are_kept_and_ours_win_where_both_have_one() -> None:
    current = {"id": "P-1", "status": {"code": "GEP", "leverancierCode": "X"}, "intern": 7}
    ours = {"id": "P-1", "status": {"code": "ING", "naam": "Ingetrokken"}, "omschrijving": "nieuw"}
    assert merge_record(current, ours) == {
        "id": "P-1",
        "status": {"code": "ING", "leverancierCode": "X", "naam": "Ingetrokken"},
        "intern": 7,
        "omschrijving": "nieuw",
    }


def test_a_null_from_woonbrug_never_deletes() -> None:
    current = {"id": "A-1", "detailStatus": {"code": "WBN"}, "opmerking": "bel eerst"}
    ours = {"id": "A-1", "detailStatus": None, "nieuw": {"a": None, "b": 1}, "lijst": [{"c": None}]}
    assert merge_record(current, ours) == {
        "id": "A-1",
        "detailStatus": {"code": "WBN"},
        "opmerking": "bel eerst",
        "nieuw": {"b": 1},
        "lijst": [{}],
    }


def test_other_parties_extra_attributen_stay_and_ours_are_replaced_as_a_set() -> None:
    foreign = {"naam": "corporatie.dossiernummer", "waarde": "D-1"}
    current = {
        "extra-attributen": [
            {"naam": "woonbrug.bericht.causationId", "waarde": "stale"},
            foreign,
            {"naam": "woonbrug.veld.lift", "waarde": "false"},
        ]
    }
    ours = {"extra-attributen": [{"naam": "woonbrug.bericht.type", "waarde": "publicatie.ingetrokken"}]}
    assert merge_record(current, ours)["extra-attributen"] == [
        foreign,
        {"naam": "woonbrug.bericht.type", "waarde": "publicatie.ingetrokken"},
    ]


def test_lists_of_records_merge_by_id_and_keep_the_vendors_items() -> None:
    current = {"eenheden": [{"id": "E-2", "x": 1}, {"id": "E-1", "x": 2, "intern": True}]}
    ours = {"eenheden": [{"id": "E-1", "x": 3}, {"id": "E-3", "x": 4}]}
    assert merge_record(current, ours)["eenheden"] == [
        {"id": "E-2", "x": 1},
        {"id": "E-1", "x": 3, "intern": True},
        {"id": "E-3", "x": 4},
    ]


def test_lists_without_ids_merge_by_position_when_as_long_else_ours_stand() -> None:
    current = {"prijscomponenten": [{"bedrag": 600, "grootboek": "8010"}, {"bedrag": 30, "grootboek": "8020"}]}
    ours = {"prijscomponenten": [{"bedrag": 640}, {"bedrag": 35}]}
    assert merge_record(current, ours)["prijscomponenten"] == [
        {"bedrag": 640, "grootboek": "8010"},
        {"bedrag": 35, "grootboek": "8020"},
    ]
    assert merge_record(current, {"prijscomponenten": [{"bedrag": 1}]})["prijscomponenten"] == [{"bedrag": 1}]
    assert merge_record({"codes": [1, 2]}, {"codes": [3]}) == {"codes": [3]}


_SCALARS = st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(["a", "b", "woonbrug.x"])
_KEYS = st.sampled_from(["id", "naam", "waarde", "status", "extra-attributen", "lijst", "x"])
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=12,
)
_RECORDS = st.dictionaries(_KEYS, _JSON, max_size=5)


@settings(max_examples=200, deadline=None)
@given(current=_RECORDS, ours=_RECORDS)
def test_the_merge_patch_makes_what_the_merge_makes_and_merging_twice_changes_nothing(
    current: dict[str, Any], ours: dict[str, Any]
) -> None:
    merged = merge_record(current, ours)
    assert apply_merge_patch(current, patch_body(ours, merged)) == merged  # RFC 7396 as the simulator applies it
    assert merge_record(merged, ours) == merged  # so a redelivery sends the same bytes under its key
    assert patch_body(ours, merge_record(merged, ours)) == patch_body(ours, merged)


# --- every write-back, against the simulator -----------------------------------------------------------


def _more_cases() -> dict[str, Message]:
    """The types the VERA adapter encodes that have no golden case, built the same way."""
    return {
        "publicatie.afgerond": PublicatieAfgerond(
            payload=f.publicatie(status={"code": "AFG"}), **_envelope("publicatie-afgerond")
        ),
        "reactie.ingetrokken": ReactieIngetrokken(
            payload=f.kandidaat(status={"code": "AFG"}), **_envelope("reactie-ingetrokken")
        ),
        "aanbieding.gedaan": AanbiedingGedaan(
            payload=f.aanbieding(status={"code": "AAN"}), **_envelope("aanbieding-gedaan")
        ),
        "aanbieding.verlopen": AanbiedingVerlopen(
            payload=f.aanbieding(status={"code": "ING"}), **_envelope("aanbieding-verlopen")
        ),
        "aanbieding.geaccepteerd": AanbiedingGeaccepteerd(
            payload=f.aanbieding(status={"code": "TOE"}), **_envelope("aanbieding-geaccepteerd", CORPORATION)
        ),
    }


def write_back_cases() -> dict[str, Message]:
    cases = {message.type: message for message in (make() for make in CASES.values())}
    cases.update(_more_cases())
    return dict(sorted(cases.items()))


def test_the_cases_cover_every_type_the_adapter_encodes() -> None:
    assert set(write_back_cases()) == set(VeraAdapter.capabilities.encodes)


def _records_of(message: Message) -> list[dict[str, Any]]:
    body = mapping.encode(message).body
    return body if isinstance(body, list) else [body]


def _held_before(record: dict[str, Any]) -> dict[str, Any]:
    """An earlier state of a record Woonbrug wrote, as an older message left it: stale Woonbrug extras."""
    earlier: dict[str, Any] = json.loads(json.dumps(record))
    if "status" in earlier:
        earlier["status"] = {"code": "OUD", "naam": "Eerdere status"}  # so the write must win over it
    earlier["extra-attributen"] = [
        {"naam": "woonbrug.bericht.messageId", "waarde": "msg-earlier"},
        {"naam": "woonbrug.bericht.causationId", "waarde": "msg-even-earlier"},
        {"naam": "woonbrug.veld.verouderd", "waarde": "true"},
    ]
    return earlier


def _at(body: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        body = body[part]
    return body


def _seed(sim: VeraSimulator, message: Message, skip_last: bool = False) -> list[tuple[str, dict[str, Any], list[Any]]]:
    """Store the records `message` writes as the vendor holds them, with vendor-only attributes."""
    resource = mapping.resource_for_type(message.type).name
    records = _records_of(message)
    seeded = []
    for record in records[:-1] if skip_last and len(records) > 1 else records:
        held, paths = with_vendor_fields(_held_before(record))
        sim.preload(resource, [held])
        seeded.append((record["id"], held, paths))
    return seeded


def _written_methods(sim: VeraSimulator) -> set[str]:
    return {r.method for r in sim.requests if r.method in ("PATCH", "PUT")}


def _assert_kept(sim: VeraSimulator, message: Message, seeded: list[tuple[str, dict[str, Any], list[Any]]]) -> None:
    resource = mapping.resource_for_type(message.type).name
    now = {record["id"]: record for record in sim.records(resource)}
    for record_id, held, paths in seeded:
        final = now[record_id]
        for path in paths:
            assert _at(final, path) == _at(held, path), (message.type, record_id, path)
        assert VENDOR_EXTRA_ATTRIBUUT in final["extra-attributen"], (message.type, record_id)
        ours = next(r for r in _records_of(message) if r["id"] == record_id)["extra-attributen"]
        woonbrug = [e for e in final["extra-attributen"] if e["naam"].startswith("woonbrug.")]
        assert woonbrug == ours, (message.type, record_id)  # the stale envelope is gone, not merged with ours
    # What Woonbrug said arrived whole: reading the vendor's records back gives the very message, plus the
    # vendor's own attributes, which decoding keeps (`veraOverig`) instead of dropping.
    bodies = [now[r["id"]] for r in _records_of(message)]
    decoded = list(
        mapping.decode_records(bodies if len(bodies) > 1 else bodies[0], resource=None, context=VENDOR_CONTEXT)
    )
    assert [_without_kept(d.model_dump(mode="json")) for d in decoded] == [
        _without_kept(message.model_dump(mode="json"))
    ]
    assert "veraOverig" in json.dumps([d.model_dump(mode="json", exclude_none=True) for d in decoded])


def _without_kept(value: Any) -> Any:
    """`value` without the attributes decoding kept for the vendor (`vera_overig`, at any depth)."""
    if isinstance(value, dict):
        return {key: _without_kept(item) for key, item in value.items() if key not in ("vera_overig", "veraOverig")}
    if isinstance(value, list):
        return [_without_kept(item) for item in value]
    return value


@pytest.mark.parametrize(("merge_patch", "write"), [(True, "PATCH"), (False, "PUT")], ids=["patch", "get-put"])
@pytest.mark.parametrize("message_type", list(write_back_cases()))
async def test_vendor_only_fields_survive_every_write_back(
    sim: VeraSimulator, make_adapter: MakeAdapter, message_type: str, merge_patch: bool, write: str
) -> None:
    sim.merge_patch = merge_patch
    message = write_back_cases()[message_type]
    seeded = _seed(sim, message, skip_last=True)  # a kandidatenlijst meets two known kandidaten and a new one
    receipt = await make_adapter(merge_patch=merge_patch).deliver(message, idempotency_key=f"k-{message_type}")
    assert receipt.status == 200
    assert _written_methods(sim) == {write}
    _assert_kept(sim, message, seeded)


@pytest.mark.parametrize("merge_patch", [True, False], ids=["patch", "get-put"])
async def test_a_change_between_read_and_write_is_not_lost(
    sim: VeraSimulator, make_adapter: MakeAdapter, merge_patch: bool
) -> None:
    sim.merge_patch = merge_patch
    message = CASES["publicatie_ingetrokken"]()
    [(record_id, held, _)] = _seed(sim, message)
    # A colleague at the corporation adds a note and changes an attribute right after the adapter's read.
    note = {"naam": "corporatie.opmerking", "waarde": "bezichtiging gepland"}
    sim.edit_after_read(
        "publicaties",
        record_id,
        {"extra-attributen": [*held["extra-attributen"], note], "leverancierStatus": "door collega gewijzigd"},
    )
    receipt = await make_adapter(merge_patch=merge_patch).deliver(message, idempotency_key="k")
    assert receipt.status == 200
    write = "PATCH" if merge_patch else "PUT"
    assert [r.method for r in sim.requests] == ["GET", write, "GET", write]  # 412, read again, merge again
    [final] = sim.records("publicaties")
    assert final["leverancierStatus"] == "door collega gewijzigd"
    assert note in final["extra-attributen"]
    assert VENDOR_EXTRA_ATTRIBUUT in final["extra-attributen"]
    assert final["status"]["code"] == "ING"


async def test_a_record_that_keeps_changing_is_transient_after_the_bounded_attempts(
    sim: VeraSimulator, make_adapter: MakeAdapter
) -> None:
    message = CASES["aanbieding_geweigerd"]()
    [(record_id, held, _)] = _seed(sim, message)
    sim.edit_after_read("aanbiedingen", record_id, {"leverancierStatus": "steeds anders"}, times=10)
    with pytest.raises(TransientError) as raised:
        await make_adapter(write_attempts=2).deliver(message, idempotency_key="k")
    assert raised.value.status == 412
    assert "nothing was overwritten" in str(raised.value)
    assert [r.method for r in sim.requests] == ["GET", "PATCH", "GET", "PATCH"]
    [final] = sim.records("aanbiedingen")
    assert final["status"] == held["status"]  # our change never landed over the colleague's
    assert final["leverancierStatus"] == "steeds anders"


async def test_without_etags_the_write_is_unconditional_and_still_merges(
    sim: VeraSimulator, make_adapter: MakeAdapter
) -> None:
    sim.etags = False
    message = CASES["aanbieding_geweigerd"]()
    seeded = _seed(sim, message)
    await make_adapter(merge_patch=False).deliver(message, idempotency_key="k")
    assert all("if-match" not in r.headers for r in sim.requests)
    _assert_kept(sim, message, seeded)


async def test_weak_etags_are_not_sent_in_if_match_which_would_never_match(
    sim: VeraSimulator, make_adapter: MakeAdapter
) -> None:
    sim.weak_etags = True
    message = CASES["aanbieding_geweigerd"]()
    seeded = _seed(sim, message)
    receipt = await make_adapter().deliver(message, idempotency_key="k")
    assert receipt.status == 200
    assert [(r.method, "if-match" in r.headers) for r in sim.requests] == [("GET", False), ("PATCH", False)]
    _assert_kept(sim, message, seeded)


async def test_an_api_without_merge_patch_is_found_out_once_then_put(
    sim: VeraSimulator, make_adapter: MakeAdapter
) -> None:
    sim.merge_patch = False
    adapter = make_adapter()  # merge_patch unset: try PATCH, fall back on 405
    first, second = CASES["aanbieding_geweigerd"](), write_back_cases()["aanbieding.geaccepteerd"]
    seeded = _seed(sim, first)
    await adapter.deliver(first, idempotency_key="k1")
    _assert_kept(sim, first, seeded)
    await adapter.deliver(second, idempotency_key="k2")
    assert [r.method for r in sim.requests] == ["GET", "PATCH", "PUT", "GET", "PUT"]


async def test_merge_patch_configured_on_is_not_second_guessed(sim: VeraSimulator, make_adapter: MakeAdapter) -> None:
    sim.merge_patch = False
    message = CASES["aanbieding_geweigerd"]()
    _seed(sim, message)
    with pytest.raises(PermanentError) as raised:
        await make_adapter(merge_patch=True).deliver(message, idempotency_key="k")
    assert raised.value.status == 405


@pytest.mark.parametrize("merge_patch", [True, False], ids=["patch", "get-put"])
async def test_a_redelivered_write_back_has_one_effect(
    sim: VeraSimulator, make_adapter: MakeAdapter, merge_patch: bool
) -> None:
    sim.merge_patch = merge_patch
    message = CASES["aanbieding_geweigerd"]()
    _seed(sim, message)
    adapter = make_adapter(merge_patch=merge_patch)
    first = await adapter.deliver(message, idempotency_key="k")
    second = await adapter.deliver(message, idempotency_key="k")
    assert (first.duplicate, second.duplicate) == (False, True)
    assert len(sim.ledger.effects("aanbiedingen")) == 1
    assert sim.ledger.duplicates() == 1


async def test_a_create_the_vendor_already_holds_is_merged_not_replaced(
    sim: VeraSimulator, make_adapter: MakeAdapter
) -> None:
    message = CASES["toewijzing_gedaan"]()  # the corporation entered this allocation itself already
    seeded = _seed(sim, message)
    receipt = await make_adapter().deliver(message, idempotency_key="k")
    assert (receipt.status, receipt.vendor_reference) == (200, "T-6001")
    assert [r.method for r in sim.requests] == ["POST", "GET", "PATCH"]
    assert sim.requests[2].headers["idempotency-key"] == "k:merge"  # the 409'd POST may be remembered under k
    _assert_kept(sim, message, seeded)
    again = await make_adapter().deliver(message, idempotency_key="k")
    assert again.duplicate


async def test_an_api_that_replaces_on_post_is_read_first_when_configured(
    sim: VeraSimulator, make_adapter: MakeAdapter
) -> None:
    sim.replace_on_post = True  # this vendor answers a POST of a known id by replacing the record, no 409
    message = CASES["toewijzing_gedaan"]()
    seeded = _seed(sim, message)
    await make_adapter(read_before_create=True).deliver(message, idempotency_key="k")
    assert [r.method for r in sim.requests] == ["GET", "GET", "PATCH"]
    _assert_kept(sim, message, seeded)
    sim.reset()
    sim.replace_on_post = True
    await make_adapter(read_before_create=True).deliver(message, idempotency_key="k")  # nothing held: created
    assert [r.method for r in sim.requests] == ["GET", "POST"]
    [created] = sim.records("toewijzingen")
    assert "leverancierStatus" not in created


async def test_without_read_before_create_such_an_api_replaces(sim: VeraSimulator, make_adapter: MakeAdapter) -> None:
    """Why `read_before_create` exists: a vendor that replaces on POST cannot be protected otherwise."""
    sim.replace_on_post = True
    message = CASES["toewijzing_gedaan"]()
    _seed(sim, message)
    await make_adapter().deliver(message, idempotency_key="k")
    [replaced] = sim.records("toewijzingen")
    assert "leverancierStatus" not in replaced


async def test_a_garbled_record_is_not_written_over(sim: VeraSimulator, make_adapter: MakeAdapter) -> None:
    message = CASES["aanbieding_geweigerd"]()
    [(_, held, _)] = _seed(sim, message)
    sim.faults.fail_next(Fault.MALFORMED)
    with pytest.raises(TransientError, match="no readable record"):
        await make_adapter().deliver(message, idempotency_key="k")
    assert sim.records("aanbiedingen") == [held]
    assert [r.method for r in sim.requests] == ["GET"]


async def test_server_trouble_while_reading_keeps_its_retry_after(
    sim: VeraSimulator, make_adapter: MakeAdapter
) -> None:
    message = CASES["aanbieding_geweigerd"]()
    _seed(sim, message)
    sim.faults.retry_after = 9
    sim.faults.fail_next(Fault.UNAVAILABLE)
    with pytest.raises(TransientError) as raised:
        await make_adapter().deliver(message, idempotency_key="k")
    assert (raised.value.status, raised.value.retry_after) == (503, 9.0)
