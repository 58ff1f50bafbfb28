"""The kit's SOAP checks against a WSDL and an XSD: what they find, and that their texts never carry values."""

from __future__ import annotations

from pathlib import Path

from adapters.soap_erp import WSDL_PATH, XSD_PATH
from contract_tests.vendor_formats import soap_problems, without_values, xsd_problems

SAMPLES = Path(__file__).resolve().parents[2] / "adapters" / "soap_erp" / "contract" / "samples"
REQUEST = (SAMPLES / "encode" / "toewijzing_passend.vendor.xml").read_bytes()


def test_a_correct_request_and_response_pass() -> None:
    assert soap_problems(WSDL_PATH, REQUEST, "PutToewijzing") == []
    assert soap_problems(WSDL_PATH, (SAMPLES / "changes.vendor.xml").read_bytes()) == []


def test_each_envelope_fault_is_named() -> None:
    soap12 = REQUEST.replace(b"http://schemas.xmlsoap.org/soap/envelope/", b"http://www.w3.org/2003/05/soap-envelope")
    assert soap_problems(WSDL_PATH, soap12)[0].startswith("Envelope: a SOAP 1.2 envelope")
    other = REQUEST.replace(b"ns0:PutToewijzing", b"ns0:GetContracts")
    assert soap_problems(WSDL_PATH, other, "PutToewijzing")[0] == (
        "Body: GetContracts is the input of GetContracts, not of PutToewijzing"
    )
    unknown = REQUEST.replace(b"ns0:PutToewijzing", b"ns0:Verwijder")
    assert soap_problems(WSDL_PATH, unknown)[0].startswith("Body: Verwijder is no operation's element in the WSDL")
    no_id = REQUEST.replace(b"wsa:MessageID", b"wsa:RelatesTo")
    assert soap_problems(WSDL_PATH, no_id) == ["Header: no wsa:MessageID (WS-Addressing needs one on every request)"]
    no_action = REQUEST.replace(b"wsa:Action", b"wsa:To")
    assert soap_problems(WSDL_PATH, no_action) == [
        "Header: no wsa:Action; the WSDL's soapAction for PutToewijzing is urn:woonbrug:erp:v1/PutToewijzing"
    ]


def test_xsd_problems_name_the_element_but_never_the_value() -> None:
    secret = b"Jansen-de-Vries-1234"
    bad = REQUEST.replace(b"<ns0:Rekenhuur>675.25</ns0:Rekenhuur>", b"<ns0:Rekenhuur>" + secret + b"</ns0:Rekenhuur>")
    problems = xsd_problems(XSD_PATH, bad)
    assert problems, "the XSD must refuse a rent that is not a decimal"
    assert any("Rekenhuur" in problem for problem in problems), problems
    assert all(secret.decode() not in problem for problem in problems), problems


def test_without_values_keeps_the_rule() -> None:
    message = "Element '{urn:x}Bsn': [facet 'pattern'] The value '123456782' is not accepted by the pattern '[0-9]{9}'."
    assert without_values(message) == (
        "Element '{urn:x}Bsn': [facet 'pattern'] the value is not accepted by the pattern '[0-9]{9}'."
    )
    assert "abc" not in without_values("Element 'Huur': 'abc' is not a valid value of the atomic type 'xs:decimal'.")
