"""Text no store can hold (NUL, other C0 controls, lone surrogates) is refused at the model boundary.

PostgreSQL refuses NUL in text: before this, one NUL in a name sank a whole import batch on PostgreSQL.
Now every text field of the canonical model refuses it with a located error that does not echo the
value, and each adapter turns it into one MappingError while the other records are kept.
"""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pydantic import Field, ValidationError
from pydantic_core import PydanticCustomError

from schemas.base import CanonicalModel, Sleutel
from schemas.kandidaat import Rangschikkingscriterium
from schemas.sanctie import Sanctie
from schemas.types import MULTI_LINE, check_storable_text
from tests.hostile.inputs import (
    csv_file,
    decode_csv,
    decode_soap,
    decode_vera,
    registration,
    soap_page,
    soap_units,
    vera_units,
)

CONTROLS = [chr(code) for code in range(0x20)]


@pytest.mark.parametrize("control", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_every_c0_control_is_refused_in_a_one_line_field(control: str) -> None:
    with pytest.raises(ValidationError) as raised:
        Sleutel(id=f"E-10{control}1")
    (error,) = raised.value.errors(include_input=False)
    assert error["loc"] == ("id",)
    assert error["type"] == "unstorable_text"
    assert f"U+{ord(control):04X} at position 5" in error["msg"]


def test_a_lone_surrogate_is_refused_too() -> None:
    with pytest.raises(ValidationError):  # pydantic itself refuses it ("string_unicode")
        Sleutel(id="E-1\udc80")
    with pytest.raises(PydanticCustomError, match="lone surrogate U\\+DC80 at position 4"):
        check_storable_text("E-1\udc80")


class Note(CanonicalModel):
    """A model of every shape a text can take: optional multi-line, in a list, in untyped kept JSON."""

    titel: str
    tekst: Annotated[str | None, MULTI_LINE] = None
    labels: list[str] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict)


def test_a_multi_line_field_takes_tab_and_line_breaks_but_not_nul() -> None:
    kept = Rangschikkingscriterium(criterium="voorrang", waarde="1", omschrijving="regel 1\r\nregel 2\tklaar")
    assert kept.omschrijving == "regel 1\r\nregel 2\tklaar"
    with pytest.raises(ValidationError, match="U\\+0000 at position 3") as raised:
        Rangschikkingscriterium(criterium="voorrang", waarde="1", omschrijving="ab\x00")
    assert raised.value.errors()[0]["loc"] == ("omschrijving",)
    # Optional works the same, and the one-line fields beside it stay one line.
    assert Note(titel="t", tekst="a\nb").tekst == "a\nb"
    assert Note(titel="t").tekst is None
    with pytest.raises(ValidationError, match="at position 2"):
        Note(titel="t", tekst="a\x00")
    with pytest.raises(ValidationError, match="a one-line field"):
        Note(titel="a\nb")
    assert Sanctie.model_fields["omschrijving"].metadata.count(MULTI_LINE) == 1


def test_text_inside_lists_and_kept_json_is_checked_with_its_place() -> None:
    Note(titel="t", labels=["a", "b"], extra={"a": ["ok", {"b": "fine\u00e9"}]})
    with pytest.raises(ValidationError) as raised:
        Note(titel="t", labels=["a", "b\x00"])
    assert raised.value.errors()[0]["loc"] == ("labels", 1)
    with pytest.raises(ValidationError, match=r"of \[1\]\.b") as raised:
        Note(titel="t", extra={"a": ["ok", {"b": "x\x00"}]})
    assert raised.value.errors()[0]["loc"] == ("extra", "a")
    with pytest.raises(ValidationError, match="U\\+0000 at position 2"):
        Note(titel="t", extra={"k\x00": 1})


def test_the_error_never_echoes_the_text() -> None:
    with pytest.raises(ValidationError) as raised:
        Rangschikkingscriterium(criterium="voorrang", waarde="Jansen\x00Geheim", omschrijving="x")
    text = str(raised.value) + repr(raised.value.errors())
    assert "Jansen" not in text
    assert "Geheim" not in text


def test_assignment_is_checked_as_well() -> None:
    key = Sleutel(id="E-1")
    with pytest.raises(ValidationError, match="unstorable_text"):
        key.code = "c\x00de"


# --- through each adapter: one located MappingError, the other records kept -------------------------


def test_csv_a_nul_in_a_name_is_one_located_reject_and_the_other_rows_are_kept() -> None:
    data = csv_file([registration(1), registration(2, Achternaam="Jan\x00sen"), registration(3)])
    messages, errors = decode_csv(data)
    assert [m.payload.id for m in messages] == ["I-0001", "I-0003"]
    (error,) = errors
    assert (error.location.row, error.location.line, error.location.csv_column) == (2, 3, "Achternaam")
    assert "U+0000" in error.reason
    assert "Jan" not in str(error)


def test_soap_a_nul_byte_in_a_street_is_one_located_reject_and_the_other_units_are_kept() -> None:
    # Raw NUL is not even well-formed XML: without care libxml2 stops there and loses every unit after it.
    payload = soap_page(soap_units(3, {2: {"Straat": "Molen\x00straat"}}))
    messages, errors = decode_soap(payload)
    assert len(messages) == 2
    (error,) = errors
    assert error.location.record == 2
    assert error.location.field == "VrijeEenheid/Straat"
    assert error.location.line == payload[: payload.index(b"Molen\x00")].count(b"\n") + 1
    assert "U+0000 at position 6" in error.reason
    assert "Molen" not in str(error)


@pytest.mark.parametrize("control", ["\x01", "\x08", "\x0b", "\x1f"])
def test_soap_other_control_bytes_are_refused_the_same_way(control: str) -> None:
    payload = soap_page(soap_units(3, {3: {"Plaats": f"Nij{control}megen"}}))
    messages, errors = decode_soap(payload)
    assert len(messages) == 2
    (error,) = errors
    assert (error.location.record, error.location.field) == (3, "VrijeEenheid/Plaats")


def test_soap_a_private_use_character_without_control_bytes_is_left_alone() -> None:
    payload = soap_page(soap_units(2, {2: {"Straat": "Molen\uf780straat"}}))
    messages, errors = decode_soap(payload)
    assert (len(messages), errors) == (2, [])


def test_vera_a_nul_in_a_street_is_one_located_reject_and_the_other_units_are_kept() -> None:
    records = vera_units(3)
    records[1]["adres"]["straatnaam"] = "Molen\x00straat"
    messages, errors = decode_vera(records)
    assert [m.payload.eenheid.id for m in messages] == ["E-1", "E-3"]
    (error,) = errors
    assert error.location.field is not None
    assert "straatnaam" in error.location.field
    assert "U+0000" in error.reason
    assert "Molen" not in str(error)
