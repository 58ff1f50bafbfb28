"""The kit's view of one adapter under test: its class, config, fixtures, hooks, opt-outs and sample messages.

A `ContractKit` is built once per generated test class (by `contract_test_class`) and shared by its
tests. It never talks to a live vendor system: translation runs with an HTTP client that refuses every
request, error tests use `httpx.MockTransport`, and idempotency uses the adapter's own local simulator.

Hooks an adapter may offer (each may also be given to `contract_test_class`, which wins):

    roundtrip_fields          {message type or "*": [canonical JSON paths it carries]}
    simulator()               a local vendor system: `.running()` yields something with `.url`; a `.ledger`
    endpoint_config(url)      config values that point the adapter at `url` (default: {"base_url": url})
    validate_vendor_payload   (payload) -> problems (or raise): the vendor format check
    xsd_path / wsdl_path / json_schema / vera_schemas / csv_columns (+ csv_delimiter, csv_encoding)

An adapter ships these hooks with itself in a module named `contract` in its own package (found by
`shipped_hooks`; `contract_hooks = "some.module"` on the adapter class names another one). That module
may also give defaults for `contract_test_class`'s other arguments (`config`, `fixtures_dir`,
`vendor_suffix`, `golden_ignore`), so an installed adapter passes the kit with no hooks of the caller's.
Lookup order for a hook: the caller's argument, the shipped module, the adapter class.
"""

from __future__ import annotations

import asyncio
import importlib
import json
from collections.abc import Callable, Coroutine, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import httpx
import pydantic

from adapters import (
    ENTRY_POINT_GROUP,
    Adapter,
    AdapterConfig,
    AdapterError,
    MappingError,
    VendorPayload,
)
from contract_tests.compare import DEFAULT_ROUNDTRIP_FIELDS
from schemas import MESSAGE_TYPES, Message, parse_message

__all__ = [
    "HOOKS",
    "ContractKit",
    "ContractSetupError",
    "Decoding",
    "GoldenCase",
    "load_adapter",
    "shipped_hooks",
]

T = TypeVar("T")
AdapterClass = type[Adapter]  # type: ignore[type-arg]  # any adapter, whatever its config type

HOOKS = (
    "roundtrip_fields",
    "simulator",
    "endpoint_config",
    "validate_vendor_payload",
    "xsd_path",
    "wsdl_path",
    "json_schema",
    "vera_schemas",
    "csv_columns",
    "csv_delimiter",
    "csv_encoding",
)
"""Optional adapter attributes the kit uses; `contract_test_class(..., <hook>=...)` overrides each."""

SHIPPED_DEFAULTS = ("config", "fixtures_dir", "encode_fixtures_dir", "vendor_suffix", "golden_ignore")
"""Arguments of `contract_test_class` an adapter's shipped `contract` module may give defaults for."""

KIT_ENDPOINT = "http://vendor.contract-kit.invalid"  # never resolved: the kit's MockTransport answers
_BASE_URL_FIELDS = ("base_url", "url", "endpoint", "endpoint_url", "service_url")
_CONTENT_TYPES = {".json": "application/json", ".xml": "text/xml", ".csv": "text/csv", ".txt": "text/plain"}


class ContractSetupError(Exception):
    """The kit cannot run this check as set up (config, fixtures or hooks); the text says what to change."""


def load_adapter(name: str) -> AdapterClass:
    """The adapter registered as `name` under the `woonbrug.adapters` entry points, loaded as it is.

    Shape problems (a wrong model major, a missing capability declaration) are left for the declaration
    suite to report as failures; only what leaves nothing to test raises here.
    """
    points = [point for point in entry_points(group=ENTRY_POINT_GROUP) if point.name == name]
    if not points:
        installed = sorted(point.name for point in entry_points(group=ENTRY_POINT_GROUP))
        raise LookupError(
            f"no adapter named {name!r} is installed (entry-point group {ENTRY_POINT_GROUP!r}); "
            f"installed: {', '.join(installed) or 'none'}. Install your package (pip install -e .) or pass "
            "the adapter class itself to contract_test_class"
        )
    target = points[0].load()
    if not (isinstance(target, type) and issubclass(target, Adapter)):
        raise TypeError(f"entry point {name!r} ({points[0].value}) is not a subclass of adapters.Adapter")
    return target


def shipped_hooks(adapter_cls: type) -> ModuleType | None:
    """The kit hooks an adapter ships: its `contract_hooks` module, else `<its package>.contract`, else None.

    The convention (a `contract` module beside the adapter) is what makes a copied adapter package keep
    its hooks: nothing outside the package names them. A declared module that cannot be imported is a
    setup error; a missing conventional one just means the adapter ships no hooks.
    """
    declared = getattr(adapter_cls, "contract_hooks", None)
    module_name = adapter_cls.__module__
    module = importlib.import_module(module_name)
    package = module_name if hasattr(module, "__path__") else module_name.rpartition(".")[0]
    if isinstance(declared, str):
        try:
            return importlib.import_module(declared, package or None)
        except ImportError as error:
            raise ContractSetupError(
                f"{adapter_cls.__name__}.contract_hooks names {declared!r}, which cannot be imported: {error}"
            ) from None
    if not package:
        return None
    name = f"{package}.contract"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name == name:
            return None
        raise


@dataclass(frozen=True)
class GoldenCase:
    """One golden pair in the fixtures folder: `<name>.vendor.<ext>` and `<name>.canonical.json` (or
    `.canonical.jsonl`), optionally with `<name>.errors.json(l)`: the located errors its bad records give,
    and `<name>.config.json`: settings this sample is decoded with, over the kit's config (one layout of
    several an adapter reads, e.g. a CSV import mapping)."""

    name: str
    vendor: Path | None
    canonical: Path | None
    errors: Path | None = None
    settings: Path | None = None

    def payload(self) -> VendorPayload:
        assert self.vendor is not None
        content_type = _CONTENT_TYPES.get(self.vendor.suffix.lower(), "application/octet-stream")
        return VendorPayload(self.vendor.read_bytes(), content_type, {"fixture": self.vendor.name})


@dataclass
class Decoding:
    """What decoding one payload gave: messages, located errors, and an exception that escaped, if any."""

    messages: list[Message]
    errors: list[MappingError]
    escaped: BaseException | None = None


class GuardTransport:
    """An HTTP transport that refuses every request and remembers it: translation must not do I/O."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        raise httpx.ConnectError("the contract kit allows no network access here", request=request)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handler))


@dataclass
class ContractKit:
    """Everything the generated tests need to know about the adapter under test."""

    adapter_cls: AdapterClass
    config_values: dict[str, Any] = field(default_factory=dict)
    fixtures_dir: Path | None = None
    opt_outs: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, Any] = field(default_factory=dict)
    vera_spec: Path | None = None
    max_examples: int | None = None
    vendor_suffix: str = ".vendor.*"
    golden_ignore: tuple[str, ...] = ()
    shipped: ModuleType | None = None
    encode_fixtures_dir: Path | None = None
    _samples: dict[tuple[str, bool, str], Message] = field(default_factory=dict, repr=False)
    _config: AdapterConfig | None = field(default=None, repr=False)

    # --- identity and hooks ---------------------------------------------------------------------------

    @property
    def name(self) -> str:
        name = getattr(self.adapter_cls, "name", None)
        return name if isinstance(name, str) else self.adapter_cls.__name__

    def hook(self, name: str) -> Any:
        """A hook from the factory's arguments, else the adapter's shipped hooks, else its class, else None."""
        if name in self.overrides and self.overrides[name] is not None:
            return self.overrides[name]
        shipped = getattr(self.shipped, name, None) if self.shipped is not None else None
        if shipped is not None:
            return shipped
        return getattr(self.adapter_cls, name, None)

    def overrides_method(self, method: str) -> bool:
        """Whether the adapter implements `method` itself rather than inheriting the SDK's refusal."""
        own = getattr(self.adapter_cls, method, None)
        return own is not None and own is not getattr(Adapter, method, None)

    @property
    def encodes(self) -> list[str]:
        caps = getattr(self.adapter_cls, "capabilities", None)
        return sorted(t for t in getattr(caps, "encodes", ()) if t in MESSAGE_TYPES)

    @property
    def decodes(self) -> list[str]:
        caps = getattr(self.adapter_cls, "capabilities", None)
        return sorted(t for t in getattr(caps, "decodes", ()) if t in MESSAGE_TYPES)

    @property
    def transports(self) -> set[str]:
        caps = getattr(self.adapter_cls, "capabilities", None)
        return {str(getattr(t, "value", t)) for t in getattr(caps, "transports", ())}

    def examples(self, option: int | None) -> int:
        """How many generated examples per property: the factory's number, else --woonbrug-max-examples."""
        return self.max_examples or option or 20

    # --- building the adapter -------------------------------------------------------------------------

    def config(self, **changes: Any) -> AdapterConfig:
        """The adapter's config model validated from the kit's config values (plus `changes`)."""
        if self._config is not None and not changes:
            return self._config
        model = getattr(self.adapter_cls, "config_model", None)
        if not (isinstance(model, type) and issubclass(model, AdapterConfig)):
            raise ContractSetupError(
                f"{self.name}.config_model must be an adapters.AdapterConfig subclass (got {model!r})"
            )
        try:
            config = model.model_validate({**self.config_values, **changes})
        except pydantic.ValidationError as error:
            lines = [
                f"  {'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}"
                for e in error.errors(include_input=False, include_url=False)
            ]
            raise ContractSetupError(
                f"the kit's config for {self.name} does not validate against {model.__name__}:\n"
                + "\n".join(lines)
                + "\nPass valid settings as contract_test_class(..., config={...}) or --config FILE."
            ) from None
        if not changes:
            self._config = config
        return config

    def adapter(self, client: httpx.AsyncClient | None = None, **changes: Any) -> Adapter[Any]:
        """A fresh adapter instance. Without a client it gets one that refuses all network access."""
        return self.adapter_cls(self.config(**changes), client=client or GuardTransport().client())

    def endpoint_config(self, url: str) -> dict[str, Any]:
        """Config values that point the adapter at `url` (a MockTransport's or a simulator's)."""
        hook = self.hook("endpoint_config")
        if hook is not None:
            return dict(hook(url))
        model = getattr(self.adapter_cls, "config_model", None)
        fields = getattr(model, "model_fields", {})
        for name in _BASE_URL_FIELDS:
            if name in fields:
                return {name: url}
        raise ContractSetupError(
            f"{self.name}'s config has none of the fields {', '.join(_BASE_URL_FIELDS)}, so the kit cannot point "
            "it at its fault injector or simulator. Add a classmethod `endpoint_config(url) -> dict` to the "
            "adapter (or pass endpoint_config=... to contract_test_class)"
        )

    # --- translation helpers --------------------------------------------------------------------------

    def decode(self, adapter: Adapter[Any], body: bytes) -> Decoding:
        """`decode_all` as the gateway calls it; anything that escapes is kept, not raised."""
        result = Decoding([], [])
        try:
            for item in adapter.decode_all(body):
                if isinstance(item, MappingError):
                    result.errors.append(item)
                elif isinstance(item, Message):
                    result.messages.append(item)
                else:
                    raise TypeError(f"decode yielded a {type(item).__name__}, not a Message or MappingError")
        except Exception as error:
            result.escaped = error
        return result

    def roundtrip_fields(self, message_type: str) -> tuple[str, ...]:
        declared = self.hook("roundtrip_fields")
        if isinstance(declared, Mapping):
            paths = declared.get(message_type, declared.get("*"))
            if paths is not None:
                return tuple(paths)
        return DEFAULT_ROUNDTRIP_FIELDS

    # --- golden fixtures ------------------------------------------------------------------------------

    def _vendor_name(self, filename: str) -> str | None:
        """The golden name of a vendor sample file, or None when the file is not one."""
        suffix = self.vendor_suffix
        if "*" in suffix:
            marker = suffix.split("*", 1)[0]
            return filename.split(marker, 1)[0] if marker in filename else None
        return filename[: -len(suffix)] if filename.endswith(suffix) else None

    def _scan_fixtures(
        self, folder: Path | None = None
    ) -> tuple[dict[str, list[Path]], dict[str, Path], dict[str, Path], dict[str, Path]]:
        vendor: dict[str, list[Path]] = {}
        canonical: dict[str, Path] = {}
        errors: dict[str, Path] = {}
        settings: dict[str, Path] = {}
        folder = folder or self.fixtures_dir
        if folder is None or not folder.is_dir():
            return vendor, canonical, errors, settings
        for path in sorted(folder.iterdir()):
            if not path.is_file():
                continue
            for suffix, found in (
                (".canonical.json", canonical),
                (".canonical.jsonl", canonical),
                (".errors.json", errors),
                (".errors.jsonl", errors),
                (".config.json", settings),
            ):
                if path.name.endswith(suffix):
                    found[path.name.removesuffix(suffix)] = path
                    break
            else:
                name = self._vendor_name(path.name)
                if name:
                    vendor.setdefault(name, []).append(path)
        return vendor, canonical, errors, settings

    @property
    def encode_dir(self) -> Path | None:
        """Where outbound golden pairs are: `encode_fixtures_dir`, else `<fixtures_dir>/encode` when it
        exists, else the fixtures folder itself (its pairs of types the adapter encodes go both ways)."""
        if self.encode_fixtures_dir is not None:
            return self.encode_fixtures_dir
        if self.fixtures_dir is not None and (self.fixtures_dir / "encode").is_dir():
            return self.fixtures_dir / "encode"
        return self.fixtures_dir

    def encode_cases(self) -> list[GoldenCase]:
        """Outbound golden pairs (canonical in, vendor payload out) of the types the adapter encodes."""
        folder = self.encode_dir
        if folder is None:
            return []
        vendor, canonical, errors, _ = self._scan_fixtures(folder)
        cases = []
        for name in sorted(set(vendor) & set(canonical)):
            case = GoldenCase(name, vendor[name][0], canonical[name], errors.get(name))
            try:
                types = {message.type for _, message in self.expected(case)}
            except ContractSetupError:
                types = set()  # a broken canonical file: the outbound suite reports it
            if not types or (types <= set(self.encodes) and case.errors is None):  # bad rows are not written
                cases.append(case)
        return cases

    def golden_cases(self) -> list[GoldenCase]:
        """Golden pairs in the fixtures folder, complete or not (the golden suite reports incomplete ones)."""
        vendor, canonical, errors, settings = self._scan_fixtures()
        return [
            GoldenCase(
                name,
                vendor[name][0] if name in vendor else None,
                canonical.get(name),
                errors.get(name),
                settings.get(name),
            )
            for name in sorted(set(vendor) | set(canonical))
        ]

    def adapter_for(self, case: GoldenCase) -> Adapter[Any]:
        """A fresh adapter set up the way this golden sample is read (its `<name>.config.json`, if any)."""
        if case.settings is None:
            return self.adapter()
        changes = _read_json(case.settings)
        if not isinstance(changes, dict):
            raise ContractSetupError(f'{case.settings}: a JSON object of settings, e.g. {{"mapping": "eenheden"}}')
        return self.adapter(**changes)

    def golden_problems(self) -> list[str]:
        problems = []
        vendor, _, errors, settings = self._scan_fixtures()
        for case in self.golden_cases():
            if case.vendor is None:
                problems.append(f"{case.name}.canonical.json has no vendor sample {case.name}{self.vendor_suffix}")
            elif case.canonical is None:
                problems.append(f"{case.vendor.name} has no {case.name}.canonical.json beside it")
        for name, paths in vendor.items():
            if len(paths) > 1:
                problems.append(f"{name} has several vendor files ({', '.join(p.name for p in paths)}); keep one")
        for name, path in [*errors.items(), *settings.items()]:
            if name not in vendor:
                problems.append(f"{path.name} has no vendor sample {name}{self.vendor_suffix} beside it")
        return problems

    def complete_golden(self) -> list[GoldenCase]:
        return [case for case in self.golden_cases() if case.vendor is not None and case.canonical is not None]

    def expected(self, case: GoldenCase) -> list[tuple[dict[str, Any], Message]]:
        """The expected messages of a golden pair: the raw JSON as written and the parsed message."""
        assert case.canonical is not None
        data = _read_json(case.canonical)
        items = data if isinstance(data, list) else [data]
        out = []
        for index, item in enumerate(items):
            where = f"{case.canonical}" + (f"[{index}]" if isinstance(data, list) else "")
            if not isinstance(item, dict):
                raise ContractSetupError(f"{where}: a canonical message is a JSON object")
            try:
                out.append((item, parse_message(item)))
            except pydantic.ValidationError as error:
                first = error.errors(include_input=False)[0]
                path = ".".join(str(p) for p in first["loc"])
                raise ContractSetupError(
                    f"{where}: not a valid canonical message: field {path}: {first['msg']}. "
                    "Fix the golden file (its JSON Schema is schemas/v1/message.<type>.schema.json)"
                ) from None
        return out

    def expected_errors(self, case: GoldenCase) -> list[dict[str, Any]] | None:
        """The located errors a golden sample's bad records must give, in order (None: it has none listed)."""
        if case.errors is None:
            return None
        data = _read_json(case.errors)
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise ContractSetupError(f'{case.errors}: a list of objects like {{"row": 4, "column": "Type"}}')
        return data

    def encode_messages(self, message_type: str) -> Iterator[Message]:
        """The canonical messages of `message_type` in the outbound golden pairs."""
        for case in self.encode_cases():
            try:
                expected = self.expected(case)
            except ContractSetupError:
                continue  # the outbound suite reports it
            for _, message in expected:
                if message.type == message_type:
                    yield message

    def golden_messages(self, message_type: str) -> Iterator[Message]:
        for case in self.complete_golden():
            try:
                expected = self.expected(case)
            except ContractSetupError:
                continue  # the golden suite reports it
            for _, message in expected:
                if message.type == message_type:
                    yield message

    # --- sample messages ------------------------------------------------------------------------------

    def sample(self, message_type: str, *, personal: bool = False, other_than: Message | None = None) -> Message:
        """A message of `message_type` that the adapter encodes: a golden one if there is, else generated.

        Generated samples are deterministic (the same on every run), so a fault test that fails once fails
        the same way again. With `personal=True` its personal fields hold the kit's planted values; with
        `other_than`, it differs from that message in message id and business key.
        """
        key = (message_type, personal, other_than.message_id if other_than is not None else "")
        if key in self._samples:
            return self._samples[key]
        from contract_tests.personal import personalise

        adapter = self.adapter()
        refusals: list[str] = []

        def ready(message: Message) -> Message:
            return personalise(message) if personal else message

        def fits(message: Message) -> bool:
            if other_than is not None and (
                message.message_id == other_than.message_id or message.business_key == other_than.business_key
            ):
                return False
            try:
                adapter.encode(ready(message))
            except AdapterError as error:
                refusals.append(f"{type(error).__name__}: {error}")
                return False
            return True

        for golden in self.golden_messages(message_type):
            if fits(golden):
                self._samples[key] = ready(golden)
                return self._samples[key]
        from hypothesis import HealthCheck, Phase, find, settings
        from hypothesis.errors import NoSuchExample

        from contract_tests.strategies import messages

        try:
            found = find(
                messages(MESSAGE_TYPES[message_type]),
                fits,
                settings=settings(
                    database=None,
                    max_examples=200,
                    phases=[Phase.generate],
                    derandomize=True,
                    deadline=None,
                    suppress_health_check=list(HealthCheck),
                ),
            )
        except NoSuchExample:
            last = refusals[-1] if refusals else "no refusal recorded"
            raise ContractSetupError(
                f"{self.name}.encode() refused 200 generated {message_type} messages (last: {last}). An adapter "
                f"that declares {message_type} in capabilities.encodes must encode ordinary messages of that "
                "type; add a golden <name>.canonical.json of this type to the fixtures folder if only "
                "particular ones fit"
            ) from None
        self._samples[key] = ready(found)
        return self._samples[key]

    # --- async ----------------------------------------------------------------------------------------

    @staticmethod
    def run(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """Run an async scenario to completion on a fresh event loop."""
        return asyncio.run(work())


def _read_json(path: Path) -> Any:
    """A golden `.json` file, or a `.jsonl` file as the list of its lines' values."""
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix == ".jsonl":
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        return json.loads(text)
    except ValueError as error:
        raise ContractSetupError(f"{path}: not valid JSON ({error})") from None


def resolve_dir(value: str | Path | None, caller_dir: Path | None) -> Path | None:
    """A folder given relative to the test file (or, failing that, to the current directory)."""
    if value is None:
        return None
    path = Path(value)
    if path.is_absolute():
        return path
    if caller_dir is not None and (caller_dir / path).exists():
        return (caller_dir / path).resolve()
    if path.exists():
        return path.resolve()
    return (caller_dir / path).resolve() if caller_dir is not None else path.resolve()


def load_config_file(path: Path) -> dict[str, Any]:
    """Adapter settings from a YAML or JSON file (a mapping)."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ContractSetupError(f"config {path}: not valid YAML/JSON{where}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ContractSetupError(f"config {path}: must be a mapping of settings")
    return data
