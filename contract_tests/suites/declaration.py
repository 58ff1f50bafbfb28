"""Declaration: who the adapter says it is — name, version, capabilities, config schema, model major.

These are the facts `woonbrug adapters list` shows and discovery checks; a vendor cannot opt out of
them. The model major the adapter states is recorded in the report (junit testsuite properties
`woonbrug_<adapter>_model_major` and `woonbrug_kit_model_major`, and the kit's summary line), so an
integrator sees at a glance which canonical model a passing adapter was built for.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from pydantic import SecretBytes, SecretStr

from adapters import Adapter, AdapterConfig, Capabilities, Transport
from adapters.sdk.discovery import check_adapter_class
from contract_tests.compare import candidate_types
from contract_tests.kit import ContractSetupError
from contract_tests.suites.base import Suite, contract, setup_failure
from schemas import MESSAGE_TYPES, MODEL_MAJOR

__all__ = ["DeclarationSuite"]

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_SECRET_NAME = re.compile(r"(^|_)(password|passwd|secret|token|api_key|apikey|private_key|passphrase)$")

# Transport -> the hook an adapter moving messages that way must implement.
_TRANSPORT_HOOKS = {
    Transport.PUSH: "deliver",
    Transport.POLL: "poll",
    Transport.WEBHOOK: "parse_webhook",
}


def _problems(lines: list[str]) -> None:
    if lines:
        pytest.fail("\n".join(f"- {line}" for line in lines), pytrace=False)


class DeclarationSuite(Suite):
    @contract("declaration.identity")
    def test_declaration_identity(self, record_testsuite_property: Any) -> None:
        """Name and version: the name is the entry-point name (lower_snake_case), the version PEP 440."""
        from packaging.version import InvalidVersion, Version

        cls = self.kit.adapter_cls
        name, version = getattr(cls, "name", None), getattr(cls, "version", None)
        record_testsuite_property(f"woonbrug_{self.kit.name}_version", str(version))
        problems = []
        if not isinstance(name, str) or not _NAME.match(name):
            problems.append(
                f'name={name!r}: declare `name = "my_adapter"` (lower_snake_case, at most 40 characters); it '
                "must equal the name of your `woonbrug.adapters` entry point"
            )
        if not isinstance(version, str):
            problems.append(f'version={version!r}: declare `version = "1.0.0"` (a PEP 440 version string)')
        else:
            try:
                Version(version)
            except InvalidVersion:
                problems.append(f"version={version!r} is not a PEP 440 version (like 1.2.0)")
        if isinstance(name, str):
            try:
                check_adapter_class(cls, name)
            except TypeError as error:
                problems.extend(str(error).split("; "))
        _problems(problems)

    @contract("declaration.model_major")
    def test_declaration_model_major(self, record_testsuite_property: Any) -> None:
        """The canonical model major the adapter was built for must be the one this kit (and gateway) runs."""
        major = getattr(self.kit.adapter_cls, "model_major", None)
        record_testsuite_property(f"woonbrug_{self.kit.name}_model_major", str(major))
        record_testsuite_property("woonbrug_kit_model_major", str(MODEL_MAJOR))
        if major != MODEL_MAJOR:
            pytest.fail(
                f"{self.kit.name} states canonical model v{major}, but this kit and gateway run v{MODEL_MAJOR}. "
                f"Build the adapter against model v{MODEL_MAJOR} (schemas/v{MODEL_MAJOR}/) and set "
                f"`model_major = {MODEL_MAJOR}`; a gateway refuses to load an adapter of another major.",
                pytrace=False,
            )

    @contract("declaration.capabilities")
    def test_declaration_capabilities(self) -> None:
        """Capabilities name known message types and transports, and each has its hook implemented."""
        kit = self.kit
        caps = getattr(kit.adapter_cls, "capabilities", None)
        if not isinstance(caps, Capabilities):
            pytest.fail(
                "declare `capabilities = adapters.Capabilities(decodes=..., encodes=..., transports=...)`",
                pytrace=False,
            )
        problems = []
        known = ", ".join(sorted(MESSAGE_TYPES))
        for side in ("decodes", "encodes"):
            unknown = sorted(set(getattr(caps, side)) - set(MESSAGE_TYPES))
            if unknown:
                problems.append(f"capabilities.{side} names unknown message types {unknown}; known: {known}")
        if not caps.decodes and not caps.encodes:
            problems.append("capabilities declare no message type at all (decodes and encodes are both empty)")
        if not caps.transports:
            problems.append("capabilities.transports is empty: say how messages move (push, poll, webhook, file_drop)")
        if caps.decodes and not (kit.overrides_method("decode") or kit.overrides_method("decode_stream")):
            problems.append("capabilities.decodes is not empty, but the adapter does not implement decode()")
        if caps.encodes and not kit.overrides_method("encode"):
            problems.append("capabilities.encodes is not empty, but the adapter does not implement encode()")
        for transport, hook in _TRANSPORT_HOOKS.items():
            if transport in caps.transports and not kit.overrides_method(hook):
                problems.append(f"transport {transport.value!r} is declared, but {hook}() is not implemented")
        if kit.overrides_method("deliver") and not ({Transport.PUSH, Transport.FILE_DROP} & set(caps.transports)):
            problems.append("deliver() is implemented, but capabilities.transports has neither push nor file_drop")
        _problems(problems)

    @contract("declaration.config")
    def test_declaration_config(self) -> None:
        """The config model: an AdapterConfig with a JSON Schema, secrets as SecretStr, the kit's config valid."""
        model = getattr(self.kit.adapter_cls, "config_model", None)
        if not (isinstance(model, type) and issubclass(model, AdapterConfig)):
            pytest.fail(
                f"config_model={model!r}: declare `config_model = MyConfig`, a subclass of adapters.AdapterConfig",
                pytrace=False,
            )
        problems = []
        try:
            schema = model.model_json_schema()
            json.dumps(schema)
        except Exception as error:
            problems.append(f"config_model.model_json_schema() fails ({type(error).__name__}: {error})")
        for name, field in model.model_fields.items():
            if _SECRET_NAME.search(name) and not any(
                candidate in (SecretStr, SecretBytes) for candidate in candidate_types(field.annotation)
            ):
                problems.append(
                    f"config field {name!r} looks like a secret: type it as pydantic.SecretStr (or SecretStr | None) "
                    "so it never shows in logs, reprs or error texts"
                )
        try:
            self.kit.config()
        except ContractSetupError as error:
            problems.append(str(error))
        _problems(problems)

    @contract("declaration.instance")
    def test_declaration_instance(self) -> None:
        """The adapter builds from its config with an injected client, as the gateway and the kit build it."""
        failure: BaseException | None = None
        try:
            adapter = self.kit.adapter()
        except Exception as error:
            failure = error
        if isinstance(failure, ContractSetupError):
            setup_failure(failure)
        if failure is not None:
            pytest.fail(
                f"{self.kit.name}(config, client=httpx.AsyncClient(...)) raised {type(failure).__name__}: {failure}. "
                "An adapter's __init__ takes its config and a keyword-only `client` (see adapters.Adapter), and "
                "does no I/O: connections are made when a hook runs",
                pytrace=False,
            )
        assert isinstance(adapter, Adapter)
