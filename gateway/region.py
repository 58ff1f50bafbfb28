"""The region's adapters: which adapter, configured how, each corporation's system is reached through.

`RegionResolver` is shared by the two directions: delivery (a `Destination -> Adapter` resolver for the
dispatch workers) and the inbound side (the intake polls a corporation's adapter; the webhook endpoint
parses with it). It lives here, above both, so that delivery never imports the flow or the inbound side.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from adapters import Adapter, AdapterRegistry, discover
from gateway.delivery.outbox import Destination
from gateway.flow.policy import CorporatieConfig, RegionConfig

__all__ = ["RegionResolver", "with_secrets"]


def with_secrets(config: Mapping[str, Any]) -> dict[str, Any]:
    """The region file names secrets by environment variable (`api_key_env: CORP_A_API_KEY`); this reads
    them: `api_key` gets the variable's value when it is set, and the `_env` key goes."""
    out: dict[str, Any] = {}
    for key, value in config.items():
        if key.endswith("_env") and isinstance(value, str):
            secret = os.environ.get(value)
            if secret:
                out[key.removesuffix("_env")] = secret
        else:
            out[key] = value
    return out


class RegionResolver:
    """`Destination -> Adapter` for the delivery workers: the corporation's adapter with its region config.

    `overrides` replaces config values per corporation (the demo points adapters at its simulators).
    Adapters are built once per destination and reused.
    """

    def __init__(
        self,
        region: RegionConfig,
        *,
        registry: AdapterRegistry | None = None,
        overrides: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.region = region
        self.registry = registry or discover()
        self.overrides = overrides or {}
        self._built: dict[str, Adapter[Any]] = {}

    def settings_for(self, corporatie: CorporatieConfig) -> dict[str, Any]:
        """The corporation's adapter settings: the region file's, secrets read, overrides applied."""
        return {**with_secrets(corporatie.config), **self.overrides.get(corporatie.id, {})}

    def for_corporatie(self, corporatie: CorporatieConfig) -> Adapter[Any]:
        adapter = self._built.get(corporatie.id)
        if adapter is None:
            adapter = self.registry.get(corporatie.adapter).from_settings(self.settings_for(corporatie))
            self._built[corporatie.id] = adapter
        return adapter

    def __call__(self, destination: Destination) -> Adapter[Any]:
        corporatie = self.region.corporatie(destination.corporation)
        if corporatie.adapter != destination.adapter:
            raise LookupError(f"{destination.endpoint}: corporatie uses adapter {corporatie.adapter!r}")
        return self.for_corporatie(corporatie)

    async def aclose(self) -> None:
        for adapter in self._built.values():
            await adapter.aclose()
