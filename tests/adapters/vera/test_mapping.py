"""The VERA adapter's pure translation: golden files both ways, VERA spec conformance, and bad input.

Regenerate the golden files after an intended mapping change with
`python -m tests.adapters.vera.regenerate_golden` and review the diff.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adapters import MappingError, UnsupportedOperation
from adapters.vera import VeraAdapter, VeraConfig, mapping
from schemas import (
    AanbiedingGeaccepteerd,
    AanbiedingGedaan,
    AanbiedingVerlopen,
    InschrijvingGewijzigd,
    Kandidatenlijst,
    KandidatenlijstVrijgegeven,
    Message,
    PublicatieAfgerond,
    ReactieIngetrokken,
    parse_message,
)
from tests import factories as f
from tests.adapters.vera.cases import CASES, GATEWAY, GOLDEN, VENDOR_CASES, VENDOR_CONTEXT, _envelope
from tests.adapters.vera.vera_spec import conformance_problems, declares, schema_errors


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def decode(payload: bytes | Any, resource: str | None = None) -> list[Message | MappingError]:
    if not isinstance(payload, bytes):
        payload = json.dumps(payload).encode()
    return list(mapping.decode_payload(payload, resource=resource, context=VENDOR_CONTEXT))


def only_error(items: list[Message | MappingError]) -> MappingError:
    assert len(items) == 1, items
    assert isinstance(items[0], MappingError), items[0]
    return items[0]


def publicatie_body() -> dict[str, Any]:
    body = mapping.encode(CASES["publicatie_aangeboden"]()).body
    assert isinstance(body, dict)
    return body


def bodies(body: dict[str, Any] | list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield from body if isinstance(body, list) else [body]


# --- golden files, both ways ------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES))
def test_encode_matches_golden_vera_file(case: str) -> None:
    assert mapping.encode(CASES[case]()).body == load(GOLDEN / f"{case}.vera.json")


@pytest.mark.parametrize("case", sorted(CASES))
def test_decode_of_golden_vera_file_matches_golden_canonical_file(case: str) -> None:
    [message] = decode((GOLDEN / f"{case}.vera.json").read_bytes())
    assert not isinstance(message, MappingError), str(message)
    assert message.model_dump(mode="json") == load(GOLDEN / f"{case}.canonical.json")


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_canonical_file_is_the_case_and_parses(case: str) -> None:
    """The canonical file is what the case builds, and a valid canonical message on its own."""
    canonical = load(GOLDEN / f"{case}.canonical.json")
    assert CASES[case]().model_dump(mode="json") == canonical
    assert parse_message(canonical) == CASES[case]()


@pytest.mark.parametrize("case", sorted(VENDOR_CASES))
def test_vendor_body_decodes_to_golden_canonical_file(case: str) -> None:
    [message] = decode((GOLDEN / f"{case}.vera.json").read_bytes(), VENDOR_CASES[case])
    assert not isinstance(message, MappingError), str(message)
    assert message.model_dump(mode="json") == load(GOLDEN / f"{case}.canonical.json")


def test_every_golden_file_belongs_to_a_case() -> None:
    """A golden file left behind by a renamed case is noise a reviewer would trust."""
    names = {p.name.split(".")[0] for p in GOLDEN.glob("*.json")}
    assert names == set(CASES) | set(VENDOR_CASES)


@pytest.mark.parametrize(
    "message",
    [
        PublicatieAfgerond(payload=f.publicatie(status={"code": "AFG"}), **_envelope("afgerond")),
        ReactieIngetrokken(payload=f.kandidaat(status={"code": "AFG"}), **_envelope("reactie-ingetrokken")),
        AanbiedingGedaan(payload=f.aanbieding(), **_envelope("gedaan")),
        AanbiedingVerlopen(
            payload=f.aanbieding(status={"code": "ING"}, detailStatus={"code": "REA"}), **_envelope("verlopen")
        ),
        AanbiedingGeaccepteerd(payload=f.aanbieding(status={"code": "TOE"}), **_envelope("geaccepteerd")),
        InschrijvingGewijzigd(payload=f.inschrijving(aanvrager=f.persoon(bsn=None)), **_envelope("gewijzigd")),
    ],
    ids=lambda m: m.type,
)
def test_other_message_types_survive_the_round_trip(message: Message) -> None:
    [decoded] = decode(mapping.encode(message).body)
    assert decoded == message


def test_golden_cases_and_round_trips_cover_every_declared_type() -> None:
    covered = {build().type for build in CASES.values()} | {
        "publicatie.afgerond",
        "reactie.ingetrokken",
        "aanbieding.gedaan",
        "aanbieding.verlopen",
        "aanbieding.geaccepteerd",
        "inschrijving.gewijzigd",
    }
    assert covered == VeraAdapter.capabilities.encodes == VeraAdapter.capabilities.decodes


# --- VERA spec conformance ----------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES))
def test_encoded_body_validates_against_vera_schema(case: str, vera_dir: Path) -> None:
    encoded = mapping.encode(CASES[case]())
    schema = mapping.RESOURCES[encoded.resource].vera_schema
    for body in bodies(encoded.body):
        assert schema_errors(vera_dir, schema, body) == []
        assert conformance_problems(vera_dir, schema, body) == []


@pytest.mark.parametrize("case", sorted(VENDOR_CASES))
def test_hand_written_vendor_bodies_are_valid_vera(case: str, vera_dir: Path) -> None:
    body = load(GOLDEN / f"{case}.vera.json")
    schema = mapping.RESOURCES[VENDOR_CASES[case]].vera_schema
    assert schema_errors(vera_dir, schema, body) == []
    assert conformance_problems(vera_dir, schema, body) == []


def test_spec_checks_catch_what_they_promise(vera_dir: Path) -> None:
    """The three checks are not vacuous: each finds its own kind of mistake."""
    body = publicatie_body()
    body["status"] = "GEP"  # Referentiedata must be an object
    body["einddatum"] = "2026-03-09T10:00:00+01:00"  # VERA wants UTC ...Z
    body["eenheden"][0]["kamersAantal"] = "3"
    errors = schema_errors(vera_dir, "Publicaties-Publicatiebericht", body)
    assert any(e.startswith("status:") for e in errors)
    assert any(e.startswith("einddatum:") for e in errors)
    assert any(e.startswith("eenheden/0/kamersAantal:") for e in errors)

    body = publicatie_body()
    body["eenheden"][0]["lift"] = True  # not a VERA attribute
    body["model"] = {"code": "XXX", "naam": "?"}
    body["eenheden"][0]["soort"]["naam"] = "Woning"
    problems = conformance_problems(vera_dir, "Publicaties-Publicatiebericht", body)
    assert "eenheden[0].lift: not an attribute of VERA Publicaties-Publicatiebericht here" in problems
    assert any(p.startswith("model: code 'XXX'") for p in problems)
    assert any(p.startswith("eenheden[0].soort: naam 'Woning'") for p in problems)


@pytest.mark.parametrize("resource", sorted(mapping.RESOURCES))
def test_only_fields_vera_lacks_are_moved_to_extra_attributen(resource: str, vera_dir: Path) -> None:
    """An extras path that VERA does declare would hide a real VERA attribute from the vendor."""
    spec = mapping.RESOURCES[resource]
    for path in spec.extras:
        in_body = path.removeprefix(f"{spec.body}.") if spec.body else path
        assert not declares(vera_dir, spec.vera_schema, in_body), f"{path} is a VERA attribute of {resource}"
    assert declares(vera_dir, spec.vera_schema, "id")  # the check itself can say yes
    assert declares(vera_dir, "Publicaties-Publicatiebericht", "eenheden[*].kamersAantal")


def test_fields_without_a_vera_attribute_travel_as_extra_attributen() -> None:
    body = publicatie_body()
    extras = {e["naam"]: e["waarde"] for e in body["extra-attributen"]}
    assert "lift" not in body["eenheden"][0]
    assert extras["woonbrug.veld.eenheden[0].lift"] == "true"
    assert extras["woonbrug.bericht.type"] == "publicatie.aangeboden"
    assert extras["woonbrug.bericht.correlationId"] == "flow-P-2001"
    assert extras["woonbrug.bericht.source.tenant"] == GATEWAY.tenant


# --- where each message goes --------------------------------------------------------------------------


def test_new_records_are_posted_and_changes_are_put() -> None:
    created = mapping.encode(CASES["publicatie_aangeboden"]())
    changed = mapping.encode(CASES["publicatie_ingetrokken"]())
    assert (created.method, created.path) == ("POST", "/publicaties")
    assert (changed.method, changed.path, changed.record_id) == ("PUT", "/publicaties/P-2001", "P-2001")
    assert mapping.encode(CASES["aanbieding_geweigerd"]()).method == "PUT"
    assert mapping.encode(CASES["eenheid_vrijgekomen"]()).path == "/eenheden"


def test_a_type_without_vera_resource_is_unsupported() -> None:
    # Issue 13 mapped Inschrijving, the last type without one; the refusal still names the type.
    with pytest.raises(UnsupportedOperation, match=r"no resource for message type 'woonbrug\.onbekend'"):
        mapping.resource_for_type("woonbrug.onbekend")


def test_an_inschrijving_travels_as_a_vera_overeenkomst_of_soort_ins() -> None:
    encoded = mapping.encode(CASES["inschrijving_beeindigd"]())
    assert (encoded.method, encoded.path) == ("PUT", "/overeenkomsten/I-3001")
    assert isinstance(encoded.body, dict)
    assert encoded.body["soort"] == {"code": "INS", "naam": "Inschrijving"}
    # A vendor's own INS record (no Woonbrug envelope) is a registration; its household travels as extras.
    own = {k: v for k, v in encoded.body.items() if k != "extra-attributen"}
    own["extra-attributen"] = [e for e in encoded.body["extra-attributen"] if e["naam"].startswith("woonbrug.veld.")]
    [message] = decode(own, "overeenkomsten")
    assert isinstance(message, Message)
    assert message.type == "inschrijving.geregistreerd"
    assert message.payload == CASES["inschrijving_beeindigd"]().payload


def test_an_empty_kandidatenlijst_is_refused_not_sent_as_nothing() -> None:
    lijst = Kandidatenlijst.model_validate(
        {
            "publicatie": {"id": "P-2001"},
            "idOrganisatie": "corp-a",
            "vastgesteldOp": "2026-03-09T09:00:00Z",
            "kandidaten": [],
        }
    )
    with pytest.raises(UnsupportedOperation, match="empty kandidatenlijst"):
        mapping.encode(KandidatenlijstVrijgegeven(payload=lijst, **_envelope("leeg")))


# --- decoding a vendor's own records --------------------------------------------------------------------


def test_vendor_records_get_their_type_from_resource_and_status() -> None:
    body = load(GOLDEN / "vendor_publicatie.vera.json")
    body["status"] = {"code": "ING"}
    [message] = decode(body, "publicaties")
    assert isinstance(message, Message)
    assert message.type == "publicatie.ingetrokken"


def test_vendor_record_ids_are_stable_and_follow_content() -> None:
    body = load(GOLDEN / "vendor_publicatie.vera.json")
    [first], [again] = decode(body, "publicaties"), decode(body, "publicaties")
    body["einddatum"] = "2026-03-10T22:59:59Z"
    [changed] = decode(body, "publicaties")
    assert isinstance(first, Message)
    assert isinstance(again, Message)
    assert isinstance(changed, Message)
    assert first.message_id == again.message_id != changed.message_id
    assert first.correlation_id == changed.correlation_id  # same publicatie, same flow


def test_a_status_without_message_is_a_located_error() -> None:
    body = load(GOLDEN / "vendor_publicatie.vera.json")
    body["status"] = {"code": "VOO", "naam": "In voorbereiding"}
    error = only_error(decode(body, "publicaties"))
    assert error.location.field == "status"
    assert "GEP, ING, AFG" in error.reason


def test_without_envelope_or_resource_a_plain_vera_body_is_recognised_by_its_shape() -> None:
    # Changed with issue 13: a plain VERA document used to be refused without a resource.
    body = load(GOLDEN / "vendor_publicatie.vera.json")
    assert decode(body) == decode(body, "publicaties")


def test_a_body_that_fits_no_resource_says_how_to_name_it() -> None:
    error = only_error(decode({"naam": "zonder vorm"}))
    assert "cannot tell the message type" in error.reason
    assert "--resource eenheden" in error.reason


def test_an_envelope_type_on_the_wrong_resource_is_refused() -> None:
    error = only_error(decode(publicatie_body(), "eenheden"))
    assert "does not belong on /eenheden" in error.reason


def test_other_parties_extra_attributen_are_left_alone() -> None:
    body = publicatie_body()
    body["extra-attributen"].append({"naam": "Huurprognose", "waarde": "€850,-"})
    body["extra-attributen"].append({"naam": "Zonder waarde"})
    [message] = decode(body)
    # Kept untouched (issue 13: they used to be dropped) and written back first, as they came.
    assert isinstance(message, Message)
    assert message.payload.vera_overig == {
        "/extra-attributen": [{"naam": "Huurprognose", "waarde": "€850,-"}, {"naam": "Zonder waarde"}]
    }
    assert message.model_copy(update={"payload": message.payload.model_copy(update={"vera_overig": None})}) == (
        CASES["publicatie_aangeboden"]()
    )
    encoded = mapping.encode(message).body
    assert isinstance(encoded, dict)
    assert encoded["extra-attributen"][:2] == [{"naam": "Huurprognose", "waarde": "€850,-"}, {"naam": "Zonder waarde"}]


def test_a_missing_field_vera_lacks_says_how_to_send_it() -> None:
    body = load(GOLDEN / "vendor_aanbieding_geaccepteerd.vera.json")
    body["extra-attributen"] = [e for e in body["extra-attributen"] if e["naam"] != "woonbrug.veld.reagerenVoor"]
    error = only_error(decode(body, "aanbiedingen"))
    assert error.location.field == "reagerenVoor"
    assert "extra-attribuut woonbrug.veld.reagerenVoor" in error.reason


def test_a_page_of_kandidaten_rebuilds_the_kandidatenlijst_in_positie_order() -> None:
    records = mapping.encode(CASES["kandidatenlijst_vrijgegeven"]()).body
    assert isinstance(records, list)
    [message] = decode(list(reversed(records)))
    assert message == CASES["kandidatenlijst_vrijgegeven"]()


def test_a_kandidatenlijst_missing_a_kandidaat_is_refused_not_shortened() -> None:
    records = mapping.encode(CASES["kandidatenlijst_vrijgegeven"]()).body
    assert isinstance(records, list)
    error = only_error(decode(records[:2]))
    assert "incomplete: 2 of 3 kandidaten" in error.reason


# --- bad input: located, never a crash --------------------------------------------------------------


def test_malformed_json_is_located_by_line_and_column() -> None:
    with pytest.raises(MappingError) as raised:
        decode(b'{\n  "id": "P-1",\n  "status": \n}')
    assert (raised.value.location.line, raised.value.location.column) == (4, 1)
    assert "malformed JSON" in raised.value.reason


def test_a_wrong_type_names_the_field_path() -> None:
    body = publicatie_body()
    body["eenheden"][0]["kamersAantal"] = "drie"
    error = only_error(decode(body))
    assert error.location.field == "eenheden[0].kamersAantal"
    assert "integer" in error.reason
    assert "drie" not in str(error)


def test_one_bad_record_in_a_page_does_not_sink_the_others() -> None:
    good = publicatie_body()
    bad = copy.deepcopy(good)
    bad["eenheden"][0]["kamersAantal"] = "drie"
    other = copy.deepcopy(good)
    other["extra-attributen"][1]["waarde"] = "msg-other"
    first, error, last = decode([good, bad, other])
    assert isinstance(first, Message)
    assert isinstance(last, Message)
    assert isinstance(error, MappingError)
    assert (error.location.record, error.location.field) == (1, "eenheden[0].kamersAantal")
    assert str(error.location) == "record 1, field eenheden[0].kamersAantal"


def test_an_unknown_code_names_the_list_and_the_field() -> None:
    body = publicatie_body()
    body["model"] = {"code": "XYZ", "naam": "?"}
    error = only_error(decode(body))
    assert error.location.field == "model"
    assert "unknown PUBLICATIEMODEL code 'XYZ'" in error.reason


def test_a_bad_extra_attribuut_points_at_itself() -> None:
    body = publicatie_body()
    body["extra-attributen"][-1]["waarde"] = "{not json"
    error = only_error(decode(body))
    assert error.location.field == f"extra-attributen[{len(body['extra-attributen']) - 1}].waarde"

    body = publicatie_body()
    body["extra-attributen"][-1]["waarde"] = '"ja"'  # lift must be a boolean
    error = only_error(decode(body))
    assert error.location.field == f"extra-attributen[{len(body['extra-attributen']) - 1}]"
    assert "eenheden[0].lift" in error.reason


@pytest.mark.parametrize("payload", [b"", b"   \n", b"\xef\xbb\xbf"])
def test_an_empty_body_is_a_clear_refusal(payload: bytes) -> None:
    with pytest.raises(MappingError, match="empty body"):
        decode(payload)


def test_a_10_mb_field_is_refused_by_the_body_limit() -> None:
    body = publicatie_body()
    body["eenheden"][0]["naam"] = "x" * (10 * 1024 * 1024)
    with pytest.raises(MappingError, match="over the limit of 8,388,608 bytes"):
        decode(body)


def test_a_10_mb_field_under_a_raised_body_limit_is_refused_by_the_field_limit() -> None:
    adapter = VeraAdapter(VeraConfig(max_body_bytes=64 * 1024 * 1024))
    body = publicatie_body()
    body["eenheden"][0]["naam"] = "x" * (10 * 1024 * 1024)
    [error] = list(adapter.decode_all(json.dumps(body).encode()))
    assert isinstance(error, MappingError)
    assert error.location.field == "eenheden[0].naam"
    assert "over the limit of 10,000" in error.reason
    assert error.adapter == "vera"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b'{"id": "\xff\xfe"}', "not UTF-8"),
        (b'{"bedrag": NaN}', "NaN is not a JSON number"),
        (b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
        (b'{"a": ' + b"[" * 40 + b"]" * 40 + b"}", "nested deeper than 32"),
        (b'"just a string"', "JSON object, not a string"),
        (b"[1, null]", "JSON object, not a number"),
        (b'{"extra-attributen": {"naam": "x"}}', "extra-attributen must be an array"),
        (b'{"extra-attributen": [{"waarde": "x"}]}', "needs a string naam"),
    ],
)
def test_hostile_or_odd_input_is_a_mapping_error_never_a_crash(payload: bytes, expected: str) -> None:
    items = list(VeraAdapter(VeraConfig()).decode_all(payload))
    assert items
    assert all(isinstance(item, MappingError) for item in items)
    assert expected in str(items[0])


def test_personal_data_in_a_vendor_body_never_reaches_errors_or_messages() -> None:
    body = load(GOLDEN / "vendor_aanbieding_geaccepteerd.vera.json")
    [message] = decode(body, "aanbiedingen")
    assert isinstance(message, Message)
    assert f.VOORNAAM not in message.model_dump_json()  # the vendor's relatie is not carried over
    body["relatie"]["geboortedatum"] = 19870314  # wrong type, but not ours to read: dropped
    body["aangebodenOp"] = f.VOORNAAM  # a name where a moment belongs (vendor mistake)
    body["extra-attributen"] = [e for e in body["extra-attributen"] if "aangebodenOp" not in e["naam"]]
    error = only_error(decode(body, "aanbiedingen"))
    assert error.location.field == "aangebodenOp"
    assert f.VOORNAAM not in str(error)
    assert f.ACHTERNAAM not in str(error)


def test_an_error_in_a_kandidatenlijst_points_at_the_kandidaat_record() -> None:
    records = mapping.encode(CASES["kandidatenlijst_vrijgegeven"]()).body
    assert isinstance(records, list)
    records[2]["aantalKinderen"] = "twee"
    error = only_error(decode(records))
    assert (error.location.record, error.location.field) == (2, "aantalKinderen")


def test_an_error_in_a_kandidatenlijst_field_points_at_its_extra_attribuut() -> None:
    records = mapping.encode(CASES["kandidatenlijst_vrijgegeven"]()).body
    assert isinstance(records, list)
    for record in records:
        for extra in record["extra-attributen"]:
            if extra["naam"] == "woonbrug.lijst.lotingzaad":
                extra["waarde"] = '"not-a-seed"'
    error = only_error(decode(records))
    index = [e["naam"] for e in records[0]["extra-attributen"]].index("woonbrug.lijst.lotingzaad")
    assert (error.location.record, error.location.field) == (0, f"extra-attributen[{index}]")
    assert error.reason.startswith("lotingzaad:")
