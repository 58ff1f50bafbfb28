"""Bad input to `decode`: each becomes a located MappingError or a clear refusal, never a crash, and no
good unit is lost to a bad one.

Payloads are built with the simulator's own renderer and then broken on purpose; expected lines are
found in the payload text, so a test fails when the reported line is off by one.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from typing import Any

import pytest

from adapters import MappingError, PermanentError, TransientError
from adapters.soap_erp import SoapErpAdapter, SoapErpConfig
from adapters.soap_erp.decoding import EnvelopeReader
from adapters.soap_erp.mapping import _ID_NAMESPACE, _derived_id
from adapters.soap_erp.simulator import generate_units, vacant_units_response
from schemas import EenheidVrijgekomen, Message

Unit = dict[str, str | None]


@pytest.fixture(scope="module")
def adapter() -> SoapErpAdapter:
    return SoapErpAdapter(SoapErpConfig())


def units(count: int = 5, **changes: Mapping[str, str | None]) -> list[Unit]:
    """Generated units; `changes={"2": {"Postcode": "..."}}` alters unit 2 (1-based)."""
    out = generate_units(count, seed=11)
    for number, fields in changes.items():
        out[int(number) - 1].update(fields)
    return out


def decode(adapter: SoapErpAdapter, payload: bytes) -> list[Message | MappingError]:
    return list(adapter.decode_all(payload))


def split(items: list[Message | MappingError]) -> tuple[list[Message], list[MappingError]]:
    return [i for i in items if isinstance(i, Message)], [i for i in items if isinstance(i, MappingError)]


def line_of(payload: bytes, fragment: bytes, nth: int = 1) -> int:
    index = -1
    for _ in range(nth):
        index = payload.index(fragment, index + 1)
    return payload[:index].count(b"\n") + 1


def line_in_record(payload: bytes, record: int, fragment: bytes) -> int:
    """The line of `fragment` inside the `record`-th VrijeEenheid (1-based)."""
    start = -1
    for _ in range(record):
        start = payload.index(b"<erp:VrijeEenheid>", start + 1)
    return payload[: payload.index(fragment, start)].count(b"\n") + 1


def ids(messages: list[Message]) -> list[str]:
    return [m.payload.eenheid.id for m in messages if isinstance(m, EenheidVrijgekomen)]


# --- one bad unit among good ones ---------------------------------------------------------------------


def test_bad_units_are_located_and_the_good_ones_still_decode(adapter: SoapErpAdapter) -> None:
    payload = vacant_units_response(
        units(6, **{"2": {"Postcode": "0123AB"}, "4": {"Kamers": "drie"}, "5": {"Rekenhuur": None}}), "6"
    )
    messages, errors = split(decode(adapter, payload))
    assert ids(messages) == ["WS-000001", "WS-000003", "WS-000006"]
    assert [e.location.record for e in errors] == [2, 4, 5]
    postcode, kamers, rekenhuur = errors
    assert postcode.location.field == "VrijeEenheid/Postcode"
    assert postcode.location.line == line_of(payload, b"<erp:Postcode>0123AB")
    assert "postcode" in postcode.reason
    assert "adres.postcode" in postcode.reason
    assert kamers.location.field == "VrijeEenheid/Kamers"
    assert kamers.location.line == line_of(payload, b"<erp:Kamers>drie")
    assert "whole number" in kamers.reason
    assert rekenhuur.location.field == "VrijeEenheid/Rekenhuur"
    assert rekenhuur.location.line == line_of(payload, b"<erp:VrijeEenheid>", nth=5)  # missing: the record
    assert "missing" in rekenhuur.reason
    assert all(e.adapter == "soap_erp" for e in errors)
    assert str(kamers).startswith("[soap_erp] record 4, line ")


@pytest.mark.parametrize(
    ("element", "text", "says"),
    [
        ("Kamers", "1_0", "whole number"),
        ("Kamers", "٣", "whole number"),
        ("Kamers", "0", "greater than or equal to 1"),
        ("Verdieping", "12345678901", "whole number"),
        ("Oppervlakte", "nan", "decimal"),
        ("KaleHuur", "1e3", "decimal"),
        ("KaleHuur", "640.255", "two decimals"),
        ("KaleHuur", "-5.00", "negative"),
        ("Daeb", "ja", "boolean"),
        ("BeschikbaarPer", "20260401", "xs:date"),
        ("BeschikbaarPer", "2026-02-30", "date"),
        ("VrijgemeldOp", "2026-03-02T09:00:00", "time zone"),
        ("VrijgemeldOp", "1700000000", "time zone"),
        ("EenheidSoort", "XYZ", "EENHEIDSOORT"),
        ("Energielabel", "A+++++", "energy label"),
        ("Doelgroep", "ABC", "DOELGROEP"),
        ("GemeenteCode", "268", "GM"),
        ("Huisnummer", "12a", "pattern"),
        ("Huisletter", "ab", "pattern"),
        ("Straat", "S" * 81, "at most 80"),
        ("CorporatieCode", "woon stee", "pattern"),
    ],
)
def test_each_bad_field_names_its_element_and_line(adapter: SoapErpAdapter, element: str, text: str, says: str) -> None:
    payload = vacant_units_response(units(3, **{"2": {element: text}}), "3")
    messages, errors = split(decode(adapter, payload))
    assert ids(messages) == ["WS-000001", "WS-000003"]
    (error,) = errors
    assert error.location.record == 2
    assert error.location.field == f"VrijeEenheid/{element}"
    assert error.location.line == line_in_record(payload, 2, f"<erp:{element}>".encode())
    assert says in error.reason
    assert text not in str(error) or text in {"0"}  # the value itself is never repeated


def test_unknown_code_error_lists_the_allowed_codes(adapter: SoapErpAdapter) -> None:
    payload = vacant_units_response(units(1, **{"1": {"Toewijzingsmodel": "XXX"}}), "1")
    (error,) = decode(adapter, payload)
    assert isinstance(error, MappingError)
    assert "PUBLICATIEMODEL" in error.reason
    assert "LOT" in error.reason


def test_minimum_above_maximum_is_located(adapter: SoapErpAdapter) -> None:
    payload = vacant_units_response(units(1, **{"1": {"MinPersonen": "5", "MaxPersonen": "2"}}), "1")
    (error,) = decode(adapter, payload)
    assert isinstance(error, MappingError)
    # The canonical model names one end of the range; the location follows it to that ERP element.
    assert error.location.field in {"VrijeEenheid/MinPersonen", "VrijeEenheid/MaxPersonen"}
    local = error.location.field.split("/")[1]
    assert error.location.line == line_in_record(payload, 1, f"<erp:{local}>".encode())
    assert "voorwaarden" in error.reason


def test_unknown_elements_are_ignored_and_foreign_namespaces_are_not_ours(adapter: SoapErpAdapter) -> None:
    """A newer ERP may add elements; one in another namespace (a v2 Kamers) must not be read as ours."""
    payload = vacant_units_response(units(1), "1").replace(
        b"<erp:Kamers>", b"<erp:Tuin>ja</erp:Tuin><v2:Kamers xmlns:v2='urn:woonbrug:erp:v2'>9</v2:Kamers><erp:Kamers>"
    )
    (message,) = decode(adapter, payload)
    assert isinstance(message, EenheidVrijgekomen)
    assert message.payload.eenheid.kamers_aantal == int(units(1)[0]["Kamers"] or 0)


# --- whole-payload problems ---------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"", b"   \n\t ", b"\n"])
def test_empty_body(adapter: SoapErpAdapter, body: bytes) -> None:
    (error,) = decode(adapter, body)
    assert isinstance(error, MappingError)
    assert "empty body" in error.reason


def test_malformed_xml_reports_its_line_and_keeps_what_came_before(adapter: SoapErpAdapter) -> None:
    payload = vacant_units_response(units(4), "4")
    broken_at = line_of(payload, b"<erp:Straat>", nth=3)
    payload = payload.replace(b"</erp:Straat>", b"</erp:Straaat>", 3).replace(b"</erp:Straaat>", b"</erp:Straat>", 2)
    messages, errors = split(decode(adapter, payload))
    assert ids(messages) == ["WS-000001", "WS-000002"]
    (error,) = errors
    assert error.location.line == broken_at
    assert error.location.column is not None
    assert "malformed XML" in error.reason


def test_not_a_soap_envelope(adapter: SoapErpAdapter) -> None:
    payload = b'<?xml version="1.0"?>\n<erp:VrijeEenheid xmlns:erp="urn:woonbrug:erp:v1"/>'
    (error,) = decode(adapter, payload)
    assert isinstance(error, MappingError)
    assert "SOAP 1.1 envelope" in error.reason


def test_a_page_without_records_is_fine(adapter: SoapErpAdapter) -> None:
    reader = EnvelopeReader(vacant_units_response([], "7", more=False))
    assert list(reader) == []
    assert (reader.cursor, reader.more) == ("7", False)


def test_cursor_and_more_are_read_after_the_records() -> None:
    reader = EnvelopeReader(vacant_units_response(units(3), "1043", more=True))
    assert len(list(reader)) == 3
    assert (reader.cursor, reader.more, reader.records) == ("1043", True, 3)


# --- hostile XML --------------------------------------------------------------------------------------

XXE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE soap:Envelope [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:erp="urn:woonbrug:erp:v1">
<soap:Body><erp:GetVacantUnitsResponse><erp:VrijeEenheid><erp:EenheidNummer>WS-1</erp:EenheidNummer>
<erp:Straat>&xxe;</erp:Straat></erp:VrijeEenheid><erp:Cursor>1</erp:Cursor><erp:Meer>false</erp:Meer>
</erp:GetVacantUnitsResponse></soap:Body></soap:Envelope>"""

LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode() for i in range(1, 10)
    )
    + b']>\n<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>&lol9;</soap:Body></soap:Envelope>'
)


def no_secret_leaks(items: list[Message | MappingError]) -> None:
    text = " ".join(str(i) if isinstance(i, MappingError) else i.model_dump_json() for i in items)
    assert "root:" not in text
    assert "/bin/" not in text


def test_xxe_is_refused_and_the_file_never_appears(adapter: SoapErpAdapter) -> None:
    items = decode(adapter, XXE)
    assert len(items) == 1
    assert isinstance(items[0], MappingError)
    assert "DOCTYPE" in items[0].reason
    no_secret_leaks(items)


def test_xxe_behind_a_long_comment_is_refused(adapter: SoapErpAdapter) -> None:
    """A prefix window would miss a DOCTYPE pushed back by 100 KB of comment; the reader looks everywhere."""
    payload = XXE.replace(b"<!DOCTYPE", b"<!--" + b"x" * 100_000 + b"-->\n<!DOCTYPE", 1)
    items = decode(adapter, payload)
    assert len(items) == 1
    assert isinstance(items[0], MappingError)
    assert "DOCTYPE" in items[0].reason
    no_secret_leaks(items)


def test_xxe_in_utf16_is_refused(adapter: SoapErpAdapter) -> None:
    """In UTF-16 the byte search cannot see "<!DOCTYPE"; the parsed document's DTD is refused instead."""
    payload = XXE.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    items = decode(adapter, payload)
    assert all(isinstance(i, MappingError) for i in items)
    assert items
    no_secret_leaks(items)


def test_billion_laughs_is_refused_quickly(adapter: SoapErpAdapter) -> None:
    start = time.perf_counter()
    items = decode(adapter, LAUGHS)
    assert time.perf_counter() - start < 0.5
    assert len(items) == 1
    assert isinstance(items[0], MappingError)
    assert "DOCTYPE" in items[0].reason


def test_declared_utf8_with_windows_1252_bytes(adapter: SoapErpAdapter) -> None:
    payload = vacant_units_response(units(3, **{"2": {"Straat": "Caf\u00e9straat"}}), "3")
    broken = payload.replace("Caf\u00e9straat".encode(), "Caf\u00e9straat".encode("cp1252"))
    messages, errors = split(decode(adapter, broken))
    assert ids(messages) == ["WS-000001"]  # the parser stops at the bad byte; what came before is kept
    (error,) = errors
    assert "encoding" in error.reason
    assert error.location.line == line_of(broken, b"<erp:Straat>Caf", nth=1)
    assert b"\xe9" not in str(error).encode("utf-8", "surrogateescape")


def test_declared_windows_1252_is_read_as_such(adapter: SoapErpAdapter) -> None:
    text = vacant_units_response(units(2, **{"2": {"Straat": "Caf\u00e9straat"}}), "2").decode()
    payload = text.replace('encoding="UTF-8"', 'encoding="windows-1252"').encode("cp1252")
    messages, errors = split(decode(adapter, payload))
    assert errors == []
    assert [m.payload.eenheid.adres.straatnaam for m in messages if isinstance(m, EenheidVrijgekomen)][1] == (
        "Caf\u00e9straat"
    )


def test_a_10_mb_text_field_is_refused_without_losing_what_came_before(adapter: SoapErpAdapter) -> None:
    payload = vacant_units_response(units(3, **{"2": {"Straat": "x" * (10 * 1024 * 1024)}}), "3")
    start = time.perf_counter()
    messages, errors = split(decode(adapter, payload))
    assert time.perf_counter() - start < 5
    assert ids(messages) == ["WS-000001"]
    (error,) = errors
    assert error.location.line == line_of(payload, b"<erp:Straat>x", nth=1)
    assert "larger than the parser allows" in error.reason


def test_a_long_text_below_the_parser_limit_is_one_bad_unit(adapter: SoapErpAdapter) -> None:
    payload = vacant_units_response(units(3, **{"2": {"Straat": "x" * 200_000}}), "3")
    messages, errors = split(decode(adapter, payload))
    assert ids(messages) == ["WS-000001", "WS-000003"]
    (error,) = errors
    assert error.location.field == "VrijeEenheid/Straat"
    assert error.location.record == 2


def test_binary_junk_is_a_mapping_error(adapter: SoapErpAdapter) -> None:
    items = decode(adapter, bytes([0, 255, 254, 1, 0x80, 0x9F]) * 20)
    assert len(items) == 1
    assert isinstance(items[0], MappingError)


# --- faults in a decoded envelope ---------------------------------------------------------------------


def fault_envelope(code: str) -> bytes:
    return (
        '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        f"<s:Fault><faultcode>s:{code}</faultcode><faultstring>Burger 123456782 onbekend</faultstring>"
        "</s:Fault></s:Body></s:Envelope>"
    ).encode()


@pytest.mark.parametrize(
    ("code", "error"),
    [("Client", PermanentError), ("Client.Authentication", PermanentError), ("Server", TransientError)],
)
def test_a_soap_fault_is_raised_as_what_it_means(adapter: SoapErpAdapter, code: str, error: type[Any]) -> None:
    with pytest.raises(error) as raised:
        decode(adapter, fault_envelope(code))
    assert not isinstance(raised.value, MappingError)
    assert "123456782" not in str(raised.value)  # the faultstring may carry personal data


# --- ids ----------------------------------------------------------------------------------------------


def test_derived_ids_are_uuid5() -> None:
    for parts in [("a",), ("eenheid.vrijgekomen", "woonstee", "WS-1", "1772442000000000"), ("é", "ü")]:
        assert _derived_id(*parts) == str(uuid.uuid5(_ID_NAMESPACE, "|".join(parts)))


def test_one_moment_spelled_two_ways_is_one_vacancy(adapter: SoapErpAdapter) -> None:
    one = vacant_units_response(units(1, **{"1": {"VrijgemeldOp": "2026-03-02T09:01:00Z"}}), "1")
    other = vacant_units_response(units(1, **{"1": {"VrijgemeldOp": "2026-03-02T10:01:00.000+01:00"}}), "1")
    first, second = decode(adapter, one)[0], decode(adapter, other)[0]
    assert isinstance(first, Message)
    assert isinstance(second, Message)
    assert first.message_id == second.message_id
