"""`contract_test_class`: the one line in a vendor's test file that runs the whole contract kit.

    from contract_tests import contract_test_class

    TestMyAdapter = contract_test_class("my_adapter", config={"base_url": "http://127.0.0.1:1"},
                                        fixtures_dir="fixtures", opt_outs={"idempotency": "no simulator yet"})

The returned class holds every suite's tests (declaration, roundtrip, conformance, golden, errors,
idempotency, privacy), parametrised for this adapter. Opted-out tests are skipped with the vendor's
reason; unknown opt-out names raise at import, so a typo cannot switch a check off.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from adapters import Adapter, VendorPayload
from contract_tests.kit import ContractKit, load_adapter, load_config_file, resolve_dir, shipped_hooks
from contract_tests.optouts import check_opt_outs, opt_out_reason
from contract_tests.plugin import MARKER
from contract_tests.suites.base import Provider, Suite
from contract_tests.suites.conformance import ConformanceSuite
from contract_tests.suites.declaration import DeclarationSuite
from contract_tests.suites.errors import ErrorsSuite
from contract_tests.suites.golden import GoldenSuite
from contract_tests.suites.idempotency import IdempotencySuite
from contract_tests.suites.outbound import OutboundSuite
from contract_tests.suites.privacy import PrivacySuite
from contract_tests.suites.roundtrip import RoundtripSuite
from schemas import MODEL_MAJOR

__all__ = ["MARKER", "SUITE_CLASSES", "contract_test_class"]

SUITE_CLASSES: tuple[type[Suite], ...] = (
    DeclarationSuite,
    RoundtripSuite,
    ConformanceSuite,
    GoldenSuite,
    ErrorsSuite,
    IdempotencySuite,
    OutboundSuite,
    PrivacySuite,
)


def _caller_dir() -> Path | None:
    """The folder of the test file that called `contract_test_class` (relative paths start there)."""
    frame = sys._getframe(2)
    filename = frame.f_globals.get("__file__")
    return Path(filename).resolve().parent if isinstance(filename, str) else None


def _skipped(function: Callable[..., Any], reason: str) -> Callable[..., Any]:
    """The test function with a skip mark carrying the vendor's reason (its own marks kept)."""

    @functools.wraps(function)
    def opted_out(*args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    opted_out.pytestmark = [*getattr(function, "pytestmark", []), pytest.mark.skip(reason=reason)]  # type: ignore[attr-defined]
    return opted_out


def contract_test_class(
    adapter: str | type[Adapter[Any]],
    *,
    config: Mapping[str, Any] | str | Path | None = None,
    fixtures_dir: str | Path | None = None,
    encode_fixtures_dir: str | Path | None = None,
    opt_outs: Mapping[str, str] | None = None,
    roundtrip_fields: Mapping[str, Sequence[str]] | None = None,
    simulator: Callable[[], Any] | None = None,
    endpoint_config: Callable[[str], Mapping[str, Any]] | None = None,
    validate_vendor_payload: Callable[[VendorPayload], Iterable[str] | None] | None = None,
    xsd_path: str | Path | None = None,
    wsdl_path: str | Path | None = None,
    json_schema: Mapping[str, Any] | str | Path | None = None,
    vera_schemas: Mapping[str, str] | Callable[[str], str | None] | None = None,
    csv_columns: Sequence[str] | Mapping[str, str | None] | None = None,
    vera_spec: str | Path | None = None,
    max_examples: int | None = None,
    vendor_suffix: str | None = None,
    golden_ignore: Sequence[str] | None = None,
    name: str | None = None,
) -> type:
    """A pytest test class running the contract kit against `adapter`.

    adapter:        the entry-point name of an installed adapter (`"my_adapter"`), or the adapter class.
    config:         settings for the adapter's config model: a mapping, or a YAML/JSON file path; laid over
                    the `config` the adapter ships in its `contract` module (yours win, key by key).
    fixtures_dir:   golden pairs `<name>.vendor.<ext>` + `<name>.canonical.json`; relative to the test file
                    (default: the `fixtures_dir` the adapter ships).
    encode_fixtures_dir: outbound golden pairs, canonical in and vendor payload out (default: the adapter's
                    shipped one, else `<fixtures_dir>/encode`); a folder of pairs that go both ways may be
                    the fixtures folder itself.
    opt_outs:       {opt-out name: reason}; names are listed in `contract_tests.optouts.OPT_OUTS`.
    roundtrip_fields, simulator, endpoint_config, validate_vendor_payload, xsd_path, wsdl_path, json_schema,
    vera_schemas, csv_columns:
                    the adapter's hooks, given here instead of on the adapter class (these win).
    vera_spec:      path to VERA's WRV OpenAPI file (else `--vera-spec` or $WOONBRUG_VERA_SPEC).
    max_examples:   hypothesis examples per property (else `--woonbrug-max-examples`, default 20).
    vendor_suffix:  how vendor samples are named after `<name>` (default: the adapter's shipped one, else
                    `.vendor.*`; e.g. `.vera.json`).
    golden_ignore:  canonical paths a golden comparison skips: what a sample does not determine (`occurredAt`
                    when the adapter stamps the time of receipt).
    The adapter's shipped hooks (`contract_tests.kit.shipped_hooks`: its package's `contract` module)
    give every argument you leave out; so an installed adapter needs only its name here.
    name:           the class name (default `TestContract<Adapter>`; pytest uses the variable name anyway).
    """
    caller = _caller_dir()
    adapter_cls = load_adapter(adapter) if isinstance(adapter, str) else adapter
    if not (isinstance(adapter_cls, type) and issubclass(adapter_cls, Adapter)):
        raise TypeError(f"contract_test_class needs an adapter name or an adapters.Adapter subclass, not {adapter!r}")
    checked = check_opt_outs(opt_outs)
    shipped = shipped_hooks(adapter_cls)
    shipped_config = getattr(shipped, "config", None)
    config_values = dict(shipped_config) if isinstance(shipped_config, Mapping) else {}
    if isinstance(config, str | Path):
        config_path = resolve_dir(config, caller)
        assert config_path is not None
        config_values.update(load_config_file(config_path))
    else:
        config_values.update(config or {})
    if fixtures_dir is None:
        fixtures_dir = getattr(shipped, "fixtures_dir", None)
    if encode_fixtures_dir is None:
        encode_fixtures_dir = getattr(shipped, "encode_fixtures_dir", None)
    if vendor_suffix is None:
        vendor_suffix = getattr(shipped, "vendor_suffix", None) or ".vendor.*"
    if golden_ignore is None:
        golden_ignore = getattr(shipped, "golden_ignore", None) or ()
    overrides = {
        "roundtrip_fields": roundtrip_fields,
        "simulator": simulator,
        "endpoint_config": endpoint_config,
        "validate_vendor_payload": validate_vendor_payload,
        "xsd_path": resolve_dir(xsd_path, caller),
        "wsdl_path": resolve_dir(wsdl_path, caller),
        "json_schema": json_schema if isinstance(json_schema, Mapping) else resolve_dir(json_schema, caller),
        "vera_schemas": vera_schemas,
        "csv_columns": csv_columns,
    }
    kit = ContractKit(
        adapter_cls=adapter_cls,
        config_values=config_values,
        fixtures_dir=resolve_dir(fixtures_dir, caller),
        opt_outs=checked,
        overrides={key: value for key, value in overrides.items() if value is not None},
        vera_spec=resolve_dir(vera_spec, caller),
        max_examples=max_examples,
        vendor_suffix=vendor_suffix,
        golden_ignore=tuple(golden_ignore),
        shipped=shipped,
        encode_fixtures_dir=resolve_dir(encode_fixtures_dir, caller),
    )
    providers: dict[str, Provider] = {}
    namespace: dict[str, Any] = {}
    for suite in SUITE_CLASSES:
        providers.update(suite.providers)
        for attribute, value in vars(suite).items():
            contract_name = getattr(value, "contract_name", None)
            if attribute.startswith("test_") and contract_name:
                reason = opt_out_reason(checked, contract_name)
                namespace[attribute] = _skipped(value, reason) if reason else value

    def pytest_generate_tests(self: Any, metafunc: pytest.Metafunc) -> None:
        """Parametrise each test with its cases for this adapter, or one skipped case saying why none."""
        for argname in metafunc.fixturenames:
            provider = providers.get(argname)
            if provider is None:
                continue
            cases, reason = provider(kit)
            if cases:
                metafunc.parametrize(argname, [pytest.param(value, id=case_id) for case_id, value in cases])
            else:
                metafunc.parametrize(argname, [pytest.param(None, id="n/a", marks=pytest.mark.skip(reason=reason))])

    class_name = name or "TestContract" + "".join(part.title() for part in kit.name.split("_"))
    marker = getattr(pytest.mark, MARKER)(
        adapter=kit.name,
        version=str(getattr(adapter_cls, "version", "?")),
        model_major=getattr(adapter_cls, "model_major", None),
        kit_model_major=MODEL_MAJOR,
        opt_outs=dict(checked),
    )
    namespace.update(
        {
            "__test__": True,
            "__doc__": f"The Woonbrug contract kit, run against the {kit.name!r} adapter.",
            "__module__": sys._getframe(1).f_globals.get("__name__", __name__),
            "kit": kit,
            "pytestmark": [marker],
            "pytest_generate_tests": pytest_generate_tests,
        }
    )
    return type(class_name, SUITE_CLASSES, namespace)
