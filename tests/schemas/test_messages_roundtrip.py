"""Every message type survives model -> JSON -> parse_message unchanged, as its own class.

Messages are drawn by hypothesis (contract_tests.strategies) across the model's whole valid range. A BSN
only travels when the serialisation context asks for it (INCLUDE_BSN); without it, none leaves.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from contract_tests import strategies
from schemas import (
    BSN,
    INCLUDE_BSN,
    MESSAGE_TYPES,
    Message,
    SanctieOpgelegd,
    parse_message,
)
from tests.factories import SOURCE, T0
from tests.schemas.vera import VERA_DATE_TIME, date_times_in

ROUND_TRIP = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def bsns_in(value: Any) -> list[BSN]:
    """Every BSN held anywhere inside a model."""
    if isinstance(value, BSN):
        return [value]
    if isinstance(value, BaseModel):
        return [found for name in type(value).model_fields for found in bsns_in(getattr(value, name))]
    if isinstance(value, list | tuple):
        return [found for item in value for found in bsns_in(item)]
    return []


def keys_in(data: Any) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {key for value in data.values() for key in keys_in(value)}
    if isinstance(data, list):
        return {key for item in data for key in keys_in(item)}
    return set()


def strings_in(data: Any) -> set[str]:
    if isinstance(data, dict):
        return {text for value in data.values() for text in strings_in(value)}
    if isinstance(data, list):
        return {text for item in data for text in strings_in(item)}
    return {data} if isinstance(data, str) else set()


def sanctie_message() -> dict[str, Any]:
    """A valid sanctie.opgelegd message as JSON data (payload: the golden Sanctie)."""
    payload = json.loads((Path(__file__).parent / "golden" / "sanctie.json").read_text(encoding="utf-8"))
    message = SanctieOpgelegd(correlation_id="flow-0871", source=SOURCE, occurred_at=T0, payload=payload)
    data: dict[str, Any] = json.loads(message.model_dump_json())
    assert parse_message(data) == message
    return data


def test_the_registry_names_each_class_by_its_own_type() -> None:
    assert len(MESSAGE_TYPES) == 18
    for type_name, cls in MESSAGE_TYPES.items():
        assert issubclass(cls, Message)
        assert cls.model_fields["type"].default == type_name


def test_every_message_class_is_in_the_one_list() -> None:
    """AnyMessage is where the message classes are declared; a class defined but left out of it would be
    unknown to parse_message, MESSAGE_TYPES and the generated JSON Schemas."""
    import schemas.messages

    concrete = {
        cls
        for cls in vars(schemas.messages).values()
        if isinstance(cls, type) and issubclass(cls, Message) and isinstance(cls.model_fields["type"].default, str)
    }
    assert concrete == set(MESSAGE_TYPES.values())
    assert {cls.__name__ for cls in concrete} <= set(schemas.messages.__all__)


@pytest.mark.parametrize("message_type", MESSAGE_TYPES.values(), ids=list(MESSAGE_TYPES))
@ROUND_TRIP
@given(data=st.data())
def test_round_trip(message_type: type[Message], data: st.DataObject) -> None:
    """model -> JSON (with BSN) -> parse_message == model, same class; without the context no BSN leaves."""
    message = data.draw(strategies.messages(message_type), label="message")
    assert type(message) is message_type

    text = message.model_dump_json(context=INCLUDE_BSN)
    parsed = parse_message(text)
    assert type(parsed) is message_type
    assert parsed == message
    assert parsed.model_dump_json(context=INCLUDE_BSN) == text, "canonical JSON is stable"

    # The same through a dict (how an adapter that decoded JSON itself hands it over).
    assert parse_message(json.loads(text)) == message
    assert parse_message(text.encode()) == message

    # Timestamps travel as UTC with Z, VERA's Validatie-regex for date-time.
    assert all(VERA_DATE_TIME.match(found) for found in date_times_in(json.loads(text)))

    # A BSN travels only when the context asks for it.
    held = {bsn.reveal() for bsn in bsns_in(message)}
    assert held <= strings_in(json.loads(text))
    for dump in (json.loads(message.model_dump_json()), message.model_dump(mode="json"), message.model_dump()):
        assert "bsn" not in keys_in(dump)
        assert not held & strings_in(dump)


def test_inschrijving_messages_do_carry_a_bsn_sometimes() -> None:
    """Guards the BSN checks above against a strategy that never draws one."""
    cls = MESSAGE_TYPES["inschrijving.geregistreerd"]
    seen: list[int] = []

    @settings(max_examples=60, deadline=None, database=None)
    @given(strategies.messages(cls))
    def count(message: Message) -> None:
        seen.append(len(bsns_in(message)))

    count()
    assert any(seen)


@pytest.mark.parametrize("type_name", MESSAGE_TYPES)
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_parse_message_refuses_a_payload_under_another_type(type_name: str, data: st.DataObject) -> None:
    """The `type` decides the class: a payload announced as a different type does not parse."""
    message = data.draw(strategies.messages(MESSAGE_TYPES[type_name]))
    as_json = json.loads(message.model_dump_json(context=INCLUDE_BSN))
    for other in MESSAGE_TYPES:
        if (
            MESSAGE_TYPES[other].model_fields["payload"].annotation
            is MESSAGE_TYPES[type_name].model_fields["payload"].annotation
        ):
            continue  # same payload class: a status rule may or may not tell them apart
        with pytest.raises(ValidationError):
            parse_message({**as_json, "type": other})


def test_parse_message_rejects_an_unknown_type_naming_type() -> None:
    data = {**sanctie_message(), "type": "sanctie.verdampt"}
    with pytest.raises(ValidationError) as caught:
        parse_message(data)
    (error,) = caught.value.errors()
    assert error["type"] == "union_tag_invalid"
    assert "'type'" in error["msg"]
    assert "sanctie.verdampt" in error["msg"]
    assert "sanctie.opgelegd" in error["msg"], "the message lists the types it knows"


def test_parse_message_rejects_a_message_without_type() -> None:
    data = sanctie_message()
    del data["type"]
    with pytest.raises(ValidationError) as caught:
        parse_message(data)
    (error,) = caught.value.errors()
    assert error["type"] == "union_tag_not_found"
    assert "'type'" in error["msg"]


def test_parse_message_names_the_failing_field() -> None:
    data = sanctie_message()
    data["payload"]["begindatum"] = "gisteren"
    with pytest.raises(ValidationError) as caught:
        parse_message(data)
    assert [error["loc"][-2:] for error in caught.value.errors()] == [("payload", "begindatum")]


def test_schema_version_is_checked() -> None:
    data = {**sanctie_message(), "schemaVersion": "v2"}
    with pytest.raises(ValidationError) as caught:
        parse_message(data)
    assert caught.value.errors()[0]["loc"][-1] == "schemaVersion"
