"""Finding adapters: the entry-point group `woonbrug.adapters`, for our own and vendors' adapters alike.

Every plugin is checked when it loads: the right shape (an `Adapter` subclass with a name matching its
entry point, a version, capabilities and a config model) and the canonical model major it was built for.
A broken plugin is reported with a clear reason and does not take the others down.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points

from adapters.sdk.adapter import Adapter, AdapterConfig, Capabilities
from schemas import MODEL_MAJOR

__all__ = ["ENTRY_POINT_GROUP", "AdapterRegistry", "BrokenAdapter", "check_adapter_class", "discover"]

ENTRY_POINT_GROUP = "woonbrug.adapters"


@dataclass(frozen=True)
class BrokenAdapter:
    name: str
    target: str
    reason: str


@dataclass
class AdapterRegistry:
    adapters: dict[str, type[Adapter]] = field(default_factory=dict)  # type: ignore[type-arg]
    broken: list[BrokenAdapter] = field(default_factory=list)

    def get(self, name: str) -> type[Adapter]:  # type: ignore[type-arg]
        if name in self.adapters:
            return self.adapters[name]
        for broken in self.broken:
            if broken.name == name:
                raise LookupError(f"adapter {name!r} is installed but broken: {broken.reason}")
        known = ", ".join(sorted(self.adapters)) or "none"
        raise LookupError(f"no adapter named {name!r}; installed: {known}")


def check_adapter_class(candidate: object, entry_name: str) -> type[Adapter]:  # type: ignore[type-arg]
    """Return the class when it has the shape of an adapter; raise TypeError saying what is wrong."""
    if not (isinstance(candidate, type) and issubclass(candidate, Adapter)):
        raise TypeError(f"{candidate!r} is not a subclass of adapters.Adapter")
    problems = []
    name = getattr(candidate, "name", None)
    if not isinstance(name, str) or name != entry_name:
        problems.append(f"class attribute name={name!r} must equal the entry point name {entry_name!r}")
    if not isinstance(getattr(candidate, "version", None), str):
        problems.append("class attribute version must be a string")
    if not isinstance(getattr(candidate, "capabilities", None), Capabilities):
        problems.append("class attribute capabilities must be an adapters.Capabilities")
    config_model = getattr(candidate, "config_model", None)
    if not (isinstance(config_model, type) and issubclass(config_model, AdapterConfig)):
        problems.append("class attribute config_model must be an adapters.AdapterConfig subclass")
    major = getattr(candidate, "model_major", None)
    if major != MODEL_MAJOR:
        problems.append(
            f"built for canonical model v{major}, but this gateway runs v{MODEL_MAJOR}: "
            f"upgrade the adapter to model v{MODEL_MAJOR}"
        )
    if problems:
        raise TypeError("; ".join(problems))
    return candidate


def discover(points: list[EntryPoint] | None = None) -> AdapterRegistry:
    """Load every adapter registered under `woonbrug.adapters`; broken ones are listed, not raised."""
    registry = AdapterRegistry()
    for point in points if points is not None else list(entry_points(group=ENTRY_POINT_GROUP)):
        try:
            registry.adapters[point.name] = check_adapter_class(point.load(), point.name)
        except Exception as error:
            reason = f"{type(error).__name__}: {error}"
            registry.broken.append(BrokenAdapter(point.name, point.value, reason))
    return registry
