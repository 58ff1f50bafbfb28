"""Finding the adapter for a destination: a resolver is any callable `Destination -> Adapter`.

Workers run in separate processes, so a resolver travels there either as a `module:attribute` text
(imported in the worker; `WOONBRUG_ADAPTER_RESOLVER` or `woonbrug worker --resolver`) or as a picklable
object. Without one, `RegistryResolver` builds the adapter named by the destination from the
`woonbrug.adapters` entry points, with its configuration taken from the environment.
"""

from __future__ import annotations

import importlib
from typing import Any

from adapters import Adapter, AdapterRegistry, discover
from gateway.delivery.dispatch import AdapterResolver
from gateway.delivery.outbox import Destination

__all__ = ["RegistryResolver", "load_resolver"]


class RegistryResolver:
    """Adapters by name from the installed entry points; one instance per destination, configured from
    the environment (each adapter's config model says which variables it reads)."""

    def __init__(self, registry: AdapterRegistry | None = None) -> None:
        self._registry = registry

    def __call__(self, destination: Destination) -> Adapter[Any]:
        if self._registry is None:
            self._registry = discover()
        return self._registry.get(destination.adapter).from_settings({})


def load_resolver(spec: str | AdapterResolver | None) -> AdapterResolver:
    """The resolver `spec` names (`package.module:attribute`), or `spec` itself, or the registry default."""
    if spec is None:
        return RegistryResolver()
    if not isinstance(spec, str):
        return spec
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"adapter resolver must look like 'package.module:attribute', not {spec!r}")
    target: Any = importlib.import_module(module_name)
    for part in attribute.split("."):
        target = getattr(target, part)
    if not callable(target):
        raise TypeError(f"adapter resolver {spec!r} is not callable")
    resolver: AdapterResolver = target
    return resolver
