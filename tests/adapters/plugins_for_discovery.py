"""Adapter classes of every broken shape, for the discovery tests to load through real EntryPoints."""

from __future__ import annotations

from adapters import Adapter, AdapterConfig, Capabilities, Transport


class GoodConfig(AdapterConfig):
    endpoint: str = "http://127.0.0.1:1"


class Good(Adapter[GoodConfig]):
    name = "good"
    version = "1.2.3"
    capabilities = Capabilities(transports=frozenset({Transport.PUSH}))
    config_model = GoodConfig


class WrongMajor(Good):
    name = "wrong_major"
    model_major = 2


class NoCapabilities(Adapter[GoodConfig]):
    name = "no_capabilities"
    version = "1"
    config_model = GoodConfig


class NotAnAdapter:
    name = "not_an_adapter"


raise_on_import = None  # the module "broken_import" below does not exist, on purpose
