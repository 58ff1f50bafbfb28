"""VeraConfig: secrets from the environment, one way to sign in, and the adapter's declaration."""

from __future__ import annotations

import json

import pydantic
import pytest

from adapters import MappingError, Transport, UnsupportedOperation, discover
from adapters.sdk.discovery import check_adapter_class
from adapters.vera import VeraAdapter, VeraConfig
from schemas import Message
from tests.adapters.vera.cases import CASES, GOLDEN


def test_secrets_come_from_the_environment_and_stay_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WOONBRUG_VERA_BASE_URL", "https://wrv.corp.example/v4")
    monkeypatch.setenv("WOONBRUG_VERA_TOKEN_URL", "/oauth/token")
    monkeypatch.setenv("WOONBRUG_VERA_CLIENT_ID", "woonbrug")
    monkeypatch.setenv("WOONBRUG_VERA_CLIENT_SECRET", "s3cret-from-env")
    config = VeraConfig()
    assert config.base_url == "https://wrv.corp.example/v4"
    assert config.uses_oauth2
    assert config.client_secret is not None
    assert config.client_secret.get_secret_value() == "s3cret-from-env"
    assert "s3cret-from-env" not in repr(config)
    assert "s3cret-from-env" not in config.model_dump_json()


def test_region_file_values_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WOONBRUG_VERA_PAGE_SIZE", "5")
    assert VeraConfig.model_validate({"page_size": 50}).page_size == 50
    assert VeraConfig().page_size == 5


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"api_key": "k", "token_url": "/t", "client_id": "c", "client_secret": "s"}, "not both"),
        ({"token_url": "/oauth/token"}, "token_url, client_id and client_secret together"),
        ({"poll_resources": ["publicaties", "relaties"]}, "unknown VERA resources"),
        ({"resource": "gebeurtenissen"}, "unknown VERA resources"),
        ({"page_size": 101}, "less than or equal to 100"),
        ({"base_url": "ftp://x"}, "should match pattern"),
        ({"api_kee": "typo"}, "Extra inputs are not permitted"),
    ],
)
def test_bad_configuration_is_refused_with_the_reason(values: dict[str, object], message: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=message) as raised:
        VeraConfig.model_validate(values)
    assert "s3cret" not in str(raised.value)


def test_the_adapter_is_found_through_its_entry_point() -> None:
    registry = discover()
    assert registry.get("vera") is VeraAdapter
    assert check_adapter_class(VeraAdapter, "vera") is VeraAdapter


def test_the_declaration_names_transports_and_config_schema() -> None:
    described = VeraAdapter.describe()
    assert described["name"] == "vera"
    assert described["version"] == "1.0.0"
    assert VeraAdapter.capabilities.transports == {Transport.PUSH, Transport.POLL, Transport.WEBHOOK}
    assert {"base_url", "api_key", "token_url", "client_secret"} <= set(described["config_schema"]["properties"])
    # Issue 13: an Inschrijving now travels as VERA's Overeenkomsten-Inschrijving (soort INS).
    assert "inschrijving.geregistreerd" in VeraAdapter.capabilities.encodes


def test_translation_works_without_any_configuration() -> None:
    """`woonbrug translate` builds the adapter from an empty config: that must be enough to translate."""
    adapter = VeraAdapter.from_settings({})
    assert list(adapter.decode_all(b"[]")) == []


def test_a_configured_resource_lets_translate_read_a_vendor_export() -> None:
    # A plain VERA Publicatie is recognised by its shape; naming the resource gives the same message.
    # (Changed with issue 13: it used to be refused without a configured resource.)
    body = (GOLDEN / "vendor_publicatie.vera.json").read_bytes()
    [by_shape] = list(VeraAdapter.from_settings({}).decode_all(body))
    [message] = list(VeraAdapter.from_settings({"resource": "publicaties"}).decode_all(body))
    assert isinstance(message, Message)
    assert message.type == "publicatie.aangeboden"
    assert isinstance(by_shape, Message)
    assert by_shape.model_dump(exclude={"occurred_at"}) == message.model_dump(exclude={"occurred_at"})
    [error] = list(VeraAdapter.from_settings({}).decode_all(b'{"naam": "zonder vorm"}'))
    assert isinstance(error, MappingError)
    assert "--resource eenheden" in error.reason


def test_encode_many_makes_one_vera_page_that_decodes_back() -> None:
    adapter = VeraAdapter.from_settings({})
    messages = [CASES["publicatie_aangeboden"](), CASES["kandidatenlijst_vrijgegeven"](), CASES["sanctie_opgelegd"]()]
    page = adapter.encode_many(messages)
    assert page.content_type == "application/json"
    assert len(json.loads(page.body)) == 1 + 3 + 1  # the kandidatenlijst is three kandidaat records
    assert list(adapter.decode_all(page.body)) == messages


def test_an_unsupported_type_names_the_adapter() -> None:
    # Every message type has a VERA resource now (issue 13 mapped Inschrijving); an empty kandidatenlijst
    # still has no VERA form.
    lijst = CASES["kandidatenlijst_vrijgegeven"]()
    message = lijst.model_copy(update={"payload": lijst.payload.model_copy(update={"kandidaten": []})})
    with pytest.raises(UnsupportedOperation) as raised:
        VeraAdapter.from_settings({}).encode(message)
    assert raised.value.adapter == "vera"
