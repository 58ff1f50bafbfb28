"""Golden files both ways: ERP response envelopes -> canonical JSON, canonical toewijzing -> SOAP request.

Regenerate after an intended mapping change with `python -m tests.adapters.soap_erp.regenerate_golden`
and review the diff. Encoded requests are compared as canonical XML (C14N, blank text removed); nothing
in them is generated, so the comparison is exact.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from lxml import etree

from adapters import MappingError, UnsupportedOperation
from adapters.sdk.xml import safe_parser
from adapters.soap_erp import CONTENT_TYPE, XSD_PATH, SoapErpAdapter, SoapErpConfig
from schemas import Message, ToewijzingGedaan, parse_message
from tests import factories as f
from tests.adapters.soap_erp.cases import DECODE, ENCODE, ENCODE_CASES, GATEWAY, decode_cases
from tests.adapters.soap_erp.conftest import PASSWORD, USERNAME

SOAP_BODY = "{http://schemas.xmlsoap.org/soap/envelope/}Body"
SCHEMA = etree.XMLSchema(etree.parse(str(XSD_PATH), parser=safe_parser()))


def load(path: Any) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def canonical_xml(data: bytes) -> bytes:
    """C14N of a document parsed without blank text: indentation and prefixes of the declaration aside."""
    root = etree.fromstring(data, parser=safe_parser())
    return etree.tostring(root, method="c14n")


def body_problems(envelope: bytes) -> list[str]:
    """The XSD errors of the operation element inside a SOAP envelope's Body."""
    root = etree.fromstring(envelope, parser=safe_parser())
    body = root.find(SOAP_BODY)
    assert body is not None
    assert len(body) == 1
    if SCHEMA.validate(body[0]):
        return []
    return [f"line {e.line}: {e.message}" for e in SCHEMA.error_log]


@pytest.fixture(scope="module")
def adapter() -> SoapErpAdapter:
    return SoapErpAdapter(SoapErpConfig())


def test_there_are_golden_cases_both_ways() -> None:
    assert decode_cases() == ["changes", "contracts", "vacant_units"]
    assert {p.name for p in ENCODE.iterdir()} == {
        f"{name}.{kind}" for name in ENCODE_CASES for kind in ("canonical.json", "vendor.xml")
    }


@pytest.mark.parametrize("name", decode_cases())
def test_vendor_samples_are_valid_erp_messages(name: str) -> None:
    """The hand-written samples are what the ERP may send: they validate against its own XSD."""
    assert body_problems((DECODE / f"{name}.vendor.xml").read_bytes()) == []


@pytest.mark.parametrize("name", decode_cases())
def test_decode_golden(adapter: SoapErpAdapter, name: str) -> None:
    decoded = list(adapter.decode_all((DECODE / f"{name}.vendor.xml").read_bytes()))
    errors = [item for item in decoded if isinstance(item, MappingError)]
    assert errors == []
    expected = load(DECODE / f"{name}.canonical.json")
    assert [m.model_dump(mode="json") for m in decoded if isinstance(m, Message)] == expected
    for item in expected:  # the golden JSON itself is valid canonical
        assert parse_message(item).model_dump(mode="json") == item


def test_decode_golden_details(adapter: SoapErpAdapter) -> None:
    """The points of the mapping the golden files pin down, stated once in words."""
    units = load(DECODE / "vacant_units.canonical.json")
    full, minimal, sloppy = (u["payload"]["eenheid"] for u in units)
    assert units[0]["occurredAt"] == "2026-03-02T09:15:00Z"  # +01:00 kept as UTC
    assert full["energieprestaties"] == [{"label": {"code": "APP", "naam": "A++"}}]
    assert full["adres"]["gemeente"] == {"code": "GM0268", "naam": "Nijmegen"}  # CBS number gets its GM
    assert [p["soort"]["code"] for p in full["prijscomponenten"]] == ["NET", "SER"]
    assert full["maatschappelijkLabel"]["code"] == "DAE"
    assert full["criteria"] == [
        {"soort": {"code": "BIN", "naam": "Binding"}, "detailsoort": {"code": "REG", "naam": "Regio"}}
    ]
    assert minimal["maatschappelijkLabel"]["code"] == "NDA"
    assert [p["soort"]["code"] for p in minimal["prijscomponenten"]] == ["NET"]
    assert "gewenstModel" not in units[1]["payload"]
    assert sloppy["id"] == "WS-000031"
    assert sloppy["adres"]["straatnaam"] == "Berg en Dalseweg"
    assert sloppy["adres"]["postcode"] == "6522 BJ"
    assert "huisletter" not in sloppy["adres"]
    assert sloppy["etage"] == -1
    assert sloppy["lift"] is False
    contracts = load(DECODE / "changes.canonical.json")[1:]
    assert contracts[0]["correlationId"] == "flow-7f3a9c"  # echoed from PutToewijzing: the same flow
    assert contracts[0]["payload"]["toewijzing"] == {"id": "T-6001", "code": "TW-000118"}
    assert contracts[1]["correlationId"] == contracts[1]["messageId"]  # a lease from outside the gateway


def test_decoding_is_deterministic_and_spelling_blind(adapter: SoapErpAdapter) -> None:
    """The same ERP event gets the same message id, in any response and however its moment is spelled,
    so the gateway's inbox drops a vacancy reported by both GetVacantUnits and GetChangesSince."""
    changes = list(adapter.decode((DECODE / "changes.vendor.xml").read_bytes()))
    contracts = list(adapter.decode((DECODE / "contracts.vendor.xml").read_bytes()))
    assert isinstance(changes[1], Message)
    assert isinstance(contracts[0], Message)
    assert changes[1].message_id == contracts[0].message_id  # OndertekendOp +01:00 there, Z here
    again = list(adapter.decode((DECODE / "changes.vendor.xml").read_bytes()))
    assert [m.message_id for m in again if isinstance(m, Message)] == [
        m.message_id for m in changes if isinstance(m, Message)
    ]


@pytest.mark.parametrize("name", list(ENCODE_CASES))
def test_encode_golden(adapter: SoapErpAdapter, name: str) -> None:
    message = parse_message(load(ENCODE / f"{name}.canonical.json"))
    payload = adapter.encode(message)
    assert canonical_xml(payload.body) == canonical_xml((ENCODE / f"{name}.vendor.xml").read_bytes())
    assert payload.content_type == CONTENT_TYPE == "text/xml; charset=utf-8"
    assert payload.metadata["SOAPAction"] == '"urn:woonbrug:erp:v1/PutToewijzing"'
    assert body_problems(payload.body) == []


@pytest.mark.parametrize("name", list(ENCODE_CASES))
def test_encode_golden_input_is_current(name: str) -> None:
    """The canonical golden file is the case as built in code (else regenerate)."""
    assert load(ENCODE / f"{name}.canonical.json") == ENCODE_CASES[name]().model_dump(mode="json")


def test_encoded_request_carries_the_message_id_and_the_flow() -> None:
    message = ENCODE_CASES["toewijzing_niet_passend"]()
    adapter = SoapErpAdapter(SoapErpConfig(endpoint="https://erp.example.nl/erp"))
    root = etree.fromstring(adapter.encode(message).body, parser=safe_parser())
    wsa = "{http://www.w3.org/2005/08/addressing}"
    assert root.findtext(f".//{wsa}MessageID") == message.message_id
    assert root.findtext(f".//{wsa}Action") == "urn:woonbrug:erp:v1/PutToewijzing"
    assert root.findtext(f".//{wsa}To") == "https://erp.example.nl/erp"
    erp = "{urn:woonbrug:erp:v1}"
    assert root.findtext(f".//{erp}CorrelatieId") == message.correlation_id
    assert root.findtext(f".//{erp}Toewijzingsdatum") == "2026-03-18T09:30:00Z"
    assert [v.findtext(f"{erp}Soort") for v in root.iter(f"{erp}Voorrang")] == ["URG", "BIN"]


def test_encode_never_carries_the_password() -> None:
    """A translation is shown to people (`woonbrug translate`): WS-Security is added only when sending."""
    adapter = SoapErpAdapter(SoapErpConfig(username=USERNAME, password=PASSWORD))
    body = adapter.encode(ENCODE_CASES["toewijzing_passend"]()).body
    assert PASSWORD.encode() not in body
    assert b"Security" not in body


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"passendheidsoort": {"code": "NVT"}},
        {"rekeninkomen": 999999999.99, "huishoudgrootte": 20, "id": "T-" + "9" * 98},
        {"aanvullendeDoelgroep": {"code": "BSTU"}, "doelgroep": {"code": "STU"}},
    ],
)
def test_every_encoded_request_validates_against_the_xsd(adapter: SoapErpAdapter, changes: dict[str, Any]) -> None:
    message = ToewijzingGedaan(correlation_id="flow-1", source=GATEWAY, payload=f.toewijzing(**changes))
    assert body_problems(adapter.encode(message).body) == []


def test_encode_refuses_what_it_does_not_encode(adapter: SoapErpAdapter) -> None:
    from schemas import EenheidVrijgekomen, Vrijkomen

    message = EenheidVrijgekomen(
        correlation_id="c", source=f.SOURCE, payload=Vrijkomen(eenheid=f.eenheid(), beschikbaar_per="2026-04-01")
    )
    with pytest.raises(UnsupportedOperation):
        adapter.encode(message)
