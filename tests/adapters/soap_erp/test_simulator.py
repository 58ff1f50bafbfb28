"""The simulated Woonstee ERP, spoken to by a plain zeep client over loopback and by raw HTTP.

A stock zeep client loads the WSDL from the simulator (`GET /erp?wsdl`, its XSD import from `/erp.xsd`)
and calls every operation with strict settings: so the simulator's answers match its own WSDL. Raw posts
check what it refuses (every refusal a `soap:Client` fault) and that every answer validates against the
XSD.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
import zeep
import zeep.exceptions
from lxml import etree
from zeep.wsse.username import UsernameToken

from adapters.sdk.simulator import SimulatorServer
from adapters.sdk.xml import ZEEP_SETTINGS, safe_parser
from adapters.soap_erp.simulator import ErpSimulator, generate_units
from adapters.soap_erp.soap import BINDING, addressing_headers
from tests.adapters.soap_erp.conftest import PASSWORD, SEEDED_UNITS, USERNAME
from tests.adapters.soap_erp.test_golden import body_problems

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
WSA = "http://www.w3.org/2005/08/addressing"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"


@pytest.fixture
def service(sim: ErpSimulator, erp_server: tuple[ErpSimulator, SimulatorServer]) -> Iterator[Any]:
    """A stock zeep client with the WSDL fetched from the simulator itself."""
    url = erp_server[1].url
    # The adapter forbids remote imports outright; this stock client must follow the WSDL's import of
    # /erp.xsd, on loopback, so only that switch differs from the adapter's hardened settings.
    settings = zeep.Settings(strict=True, forbid_dtd=True, forbid_entities=True, forbid_external=False)
    client = zeep.Client(f"{url}/erp?wsdl", settings=settings, wsse=UsernameToken(USERNAME, PASSWORD))
    yield client.bind("VerhuurService", "VerhuurPort")
    client.transport.session.close()


def headers(operation: str, message_id: str | None = None) -> list[Any]:
    return addressing_headers(operation, message_id or f"urn:uuid:{uuid.uuid4()}")


def toewijzing(unit: str, toewijzing_id: str = "T-1") -> dict[str, Any]:
    return {
        "ToewijzingId": toewijzing_id,
        "CorporatieCode": "woonstee",
        "EenheidNummer": unit,
        "PublicatieId": "P-1",
        "KandidaatId": "K-1",
        "InschrijvingNummer": "I-1",
        "Toewijzingsdatum": "2026-03-14T12:00:00Z",
        "Huishoudgrootte": 2,
        "Rekeninkomen": Decimal("31000.00"),
        "Rekenhuur": Decimal("675.25"),
        "Ouderenhuishouden": False,
        "Passendheid": "PAS",
        "CorrelatieId": "flow-1",
    }


def test_the_wsdl_is_served_with_its_own_address(
    sim: ErpSimulator, erp_server: tuple[ErpSimulator, SimulatorServer]
) -> None:
    url = erp_server[1].url
    wsdl = httpx.get(f"{url}/erp?wsdl")
    assert wsdl.status_code == 200
    assert f'location="{url}/erp"'.encode() in wsdl.content
    assert httpx.get(f"{url}/erp.xsd").content.startswith(b"<?xml")
    assert httpx.get(f"{url}/erp").status_code == 404


def test_zeep_get_vacant_units(service: Any) -> None:
    result = service.GetVacantUnits(MaxAantal=5, _soapheaders=headers("GetVacantUnits"))
    assert [u.EenheidNummer for u in result.VrijeEenheid] == [f"WS-{n:06d}" for n in range(1, 6)]
    assert (result.Cursor, result.Meer) == ("5", True)
    rest = service.GetVacantUnits(Sinds=result.Cursor, _soapheaders=headers("GetVacantUnits"))
    assert len(rest.VrijeEenheid) == SEEDED_UNITS - 5
    assert rest.Meer is False
    assert isinstance(rest.VrijeEenheid[0].KaleHuur, Decimal)
    assert isinstance(rest.VrijeEenheid[0].VrijgemeldOp, datetime)


def test_zeep_put_toewijzing_is_idempotent_by_message_id(sim: ErpSimulator, service: Any) -> None:
    key = f"urn:uuid:{uuid.uuid4()}"
    first = service.PutToewijzing(Toewijzing=toewijzing("WS-000003"), _soapheaders=headers("PutToewijzing", key))
    again = service.PutToewijzing(Toewijzing=toewijzing("WS-000003"), _soapheaders=headers("PutToewijzing", key))
    assert (first.Referentie, first.Dubbel) == ("TW-000001", False)
    assert (again.Referentie, again.Dubbel) == ("TW-000001", True)
    assert len(sim.allocations()) == 1
    assert sim.ledger.duplicates() == 1
    assert len(sim.contracts()) == 1  # auto_sign: one lease, not two
    assert "WS-000003" not in {u["EenheidNummer"] for u in sim.vacant_units()}


def test_zeep_get_changes_since_and_get_contracts(sim: ErpSimulator, service: Any) -> None:
    sim.auto_sign = False
    put = service.PutToewijzing(Toewijzing=toewijzing("WS-000002"), _soapheaders=headers("PutToewijzing"))
    contracts = service.GetContracts(ToewijzingReferentie=put.Referentie, _soapheaders=headers("GetContracts"))
    assert contracts.Huurcontract == []  # not signed yet
    lease = sim.sign(put.Referentie)
    changes = service.GetChangesSince(Sinds=str(SEEDED_UNITS), _soapheaders=headers("GetChangesSince"))
    # zeep gives an xs:choice list as `_value_1`, one dict per item keyed by the chosen element.
    signed_leases = [item["Huurcontract"].ContractNummer for item in changes._value_1 if "Huurcontract" in item]
    assert signed_leases == [lease["ContractNummer"]]
    assert changes.Cursor == str(SEEDED_UNITS + 1)
    contracts = service.GetContracts(ToewijzingReferentie=put.Referentie, _soapheaders=headers("GetContracts"))
    (signed,) = contracts.Huurcontract
    assert (signed.ToewijzingId, signed.CorrelatieId, signed.Status) == ("T-1", "flow-1", "LOP")
    assert signed.KaleHuur == Decimal(
        next(u["KaleHuur"] for u in generate_units(3, seed=3) if u["EenheidNummer"] == "WS-000002")
    )


def test_zeep_sees_client_faults_for_refused_allocations(sim: ErpSimulator, service: Any) -> None:
    with pytest.raises(zeep.exceptions.Fault) as unknown:
        service.PutToewijzing(Toewijzing=toewijzing("WS-999999"), _soapheaders=headers("PutToewijzing"))
    assert unknown.value.code.endswith("Client")
    service.PutToewijzing(Toewijzing=toewijzing("WS-000001"), _soapheaders=headers("PutToewijzing"))
    with pytest.raises(zeep.exceptions.Fault) as taken:  # another allocation of the same unit
        service.PutToewijzing(Toewijzing=toewijzing("WS-000001", "T-2"), _soapheaders=headers("PutToewijzing"))
    assert taken.value.code.endswith("Client")
    assert len(sim.allocations()) == 1


# --- raw HTTP: refusals and schema-valid answers --------------------------------------------------------


def envelope(
    body: str,
    *,
    action: str | None = "GetVacantUnits",
    message_id: str | None = "urn:uuid:1",
    username: str = USERNAME,
    password: str = PASSWORD,
) -> bytes:
    head = ""
    if action:
        head += f'<wsa:Action xmlns:wsa="{WSA}">urn:woonbrug:erp:v1/{action}</wsa:Action>'
    if message_id:
        head += f'<wsa:MessageID xmlns:wsa="{WSA}">{message_id}</wsa:MessageID>'
    head += (
        f'<wsse:Security xmlns:wsse="{WSSE}"><wsse:UsernameToken><wsse:Username>{username}</wsse:Username>'
        f"<wsse:Password>{password}</wsse:Password></wsse:UsernameToken></wsse:Security>"
    )
    return (
        f'<?xml version="1.0"?><s:Envelope xmlns:s="{SOAP}" xmlns:erp="urn:woonbrug:erp:v1">'
        f"<s:Header>{head}</s:Header><s:Body>{body}</s:Body></s:Envelope>"
    ).encode()


def post(endpoint: str, data: bytes, action: str = "GetVacantUnits") -> httpx.Response:
    return httpx.post(
        endpoint, content=data, headers={"Content-Type": "text/xml", "SOAPAction": f'"urn:woonbrug:erp:v1/{action}"'}
    )


def fault_of(response: httpx.Response) -> tuple[str, str]:
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/xml")
    root = etree.fromstring(response.content, parser=safe_parser())
    fault = root.find(f"{{{SOAP}}}Body/{{{SOAP}}}Fault")
    assert fault is not None
    return fault.findtext("faultcode") or "", fault.findtext(
        "detail/{urn:woonbrug:erp:v1}ErpFout/{urn:woonbrug:erp:v1}Code"
    ) or ""


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<not xml", "XML_ONGELDIG"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', "XML_ONGELDIG"),
        (b'<?xml version="1.0"?><x/>', "GEEN_ENVELOPE"),
        (envelope("<erp:GetVacantUnits/>", message_id=None), "WSA_ONTBREEKT"),
        (envelope("<erp:GetVacantUnits/>", action="GetContracts"), "ACTIE_ONJUIST"),
        (envelope("<erp:GetVacantUnits/>", password="wrong"), "AUTHENTICATIE"),
        (envelope("<erp:GetVacantUnits><erp:MaxAantal>veel</erp:MaxAantal></erp:GetVacantUnits>"), "SCHEMA"),
        (envelope("<erp:GetVacantUnits><erp:Sinds>abc</erp:Sinds></erp:GetVacantUnits>"), "CURSOR_ONGELDIG"),
    ],
)
def test_refusals_are_client_faults(sim: ErpSimulator, endpoint: str, data: bytes, code: str) -> None:
    faultcode, erp_code = fault_of(post(endpoint, data))
    assert faultcode == "soap:Client"
    assert erp_code == code
    assert sim.allocations() == []


@pytest.mark.parametrize(
    ("operation", "body"),
    [
        ("GetVacantUnits", "<erp:GetVacantUnits/>"),
        ("GetChangesSince", "<erp:GetChangesSince><erp:Sinds>3</erp:Sinds></erp:GetChangesSince>"),
        ("GetContracts", "<erp:GetContracts/>"),
    ],
)
def test_answers_validate_against_the_xsd(sim: ErpSimulator, endpoint: str, operation: str, body: str) -> None:
    sim.add_unit(generate_units(1, seed=99, first=500)[0])
    response = post(endpoint, envelope(body, action=operation), operation)
    assert response.status_code == 200
    assert body_problems(response.content) == []


def test_simulated_soap_faults_and_their_control_route(sim: ErpSimulator, endpoint: str) -> None:
    base = endpoint.removesuffix("/erp")
    assert httpx.post(f"{base}/_sim/soap-fault", json={"fault": "server", "count": 1}).status_code == 200
    sim.fail_next_soap("client")
    assert fault_of(post(endpoint, envelope("<erp:GetVacantUnits/>")))[0] == "soap:Server"
    assert fault_of(post(endpoint, envelope("<erp:GetVacantUnits/>")))[0] == "soap:Client"
    assert post(endpoint, envelope("<erp:GetVacantUnits/>")).status_code == 200


def test_control_routes_sign_and_seed(sim: ErpSimulator, endpoint: str) -> None:
    base = endpoint.removesuffix("/erp")
    sim.auto_sign = False
    put = post(
        endpoint,
        envelope(
            "<erp:PutToewijzing><erp:Toewijzing><erp:ToewijzingId>T-9</erp:ToewijzingId>"
            "<erp:CorporatieCode>woonstee</erp:CorporatieCode><erp:EenheidNummer>WS-000004</erp:EenheidNummer>"
            "<erp:PublicatieId>P</erp:PublicatieId><erp:KandidaatId>K</erp:KandidaatId>"
            "<erp:InschrijvingNummer>I</erp:InschrijvingNummer><erp:Toewijzingsdatum>2026-03-01T00:00:00Z"
            "</erp:Toewijzingsdatum><erp:Huishoudgrootte>1</erp:Huishoudgrootte><erp:Rekeninkomen>20000</erp:Rekeninkomen>"
            "<erp:Rekenhuur>500</erp:Rekenhuur><erp:Ouderenhuishouden>false</erp:Ouderenhuishouden>"
            "<erp:Passendheid>PAS</erp:Passendheid><erp:CorrelatieId>c</erp:CorrelatieId></erp:Toewijzing>"
            "</erp:PutToewijzing>",
            action="PutToewijzing",
            message_id="key-9",
        ),
        "PutToewijzing",
    )
    assert put.status_code == 200
    assert b"TW-000001" in put.content
    assert httpx.post(f"{base}/_sim/sign", json={"referentie": "TW-404"}).status_code == 404
    signed = httpx.post(f"{base}/_sim/sign", json={"referentie": "TW-000001"}).json()
    assert signed["ToewijzingId"] == "T-9"
    assert signed["Status"] == "LOP"
    assert httpx.get(f"{base}/_sim/received").json()["keys"] == ["key-9"]
    assert httpx.post(f"{base}/_sim/seed", json={"count": 2}).json()["added"] == [
        f"WS-{SEEDED_UNITS + 1:06d}",
        f"WS-{SEEDED_UNITS + 2:06d}",
    ]


def test_generated_units_are_deterministic_and_valid() -> None:
    assert generate_units(20, seed=5) == generate_units(20, seed=5)
    assert generate_units(20, seed=5) != generate_units(20, seed=6)
    from adapters.soap_erp import SoapErpAdapter, SoapErpConfig
    from adapters.soap_erp.simulator import vacant_units_response

    payload = vacant_units_response(generate_units(300, seed=5), "300")
    assert body_problems(payload) == []
    decoded = list(SoapErpAdapter(SoapErpConfig()).decode(payload))
    assert len(decoded) == 300
    assert not any(isinstance(d, Exception) for d in decoded)


def test_a_stock_zeep_client_reads_what_the_simulator_renders() -> None:
    """The benchmark's zeep baseline must decode the same bytes fully, or the comparison is void."""
    from adapters.soap_erp.simulator import changes_response, vacant_units_response
    from adapters.soap_erp.soap import WSDL_PATH, LocalOnlyTransport, load_document

    client = zeep.Client(wsdl=load_document(str(WSDL_PATH)), transport=LocalOnlyTransport(), settings=ZEEP_SETTINGS)
    binding = client.wsdl.bindings[BINDING]
    for operation, payload in [
        ("GetVacantUnits", vacant_units_response(generate_units(3, seed=1), "3")),
        ("GetChangesSince", changes_response([("unit", generate_units(1)[0])], "1")),
    ]:
        result = binding.get(operation).process_reply(etree.fromstring(payload, parser=safe_parser()))
        assert result.Cursor in {"1", "3"}
