"""Vendor-format conformance: what `encode` produces, and the vendor's own samples, obey the vendor format.

The adapter says how its format is checked, with one or more of these hooks (or the same names given to
`contract_test_class`):

- `validate_vendor_payload(payload)`: returns a list of problems (or raises) — anything custom;
- `xsd_path`: an XSD; a SOAP envelope is checked element by element inside its Body (the texts of its
  errors keep the element and the rule, never the value);
- `wsdl_path`: a WSDL; a SOAP envelope must be of the SOAP version its binding uses and hold an operation's
  element (the one in the payload's `operation` metadata, when given); a request must carry wsa:Action
  equal to that operation's soapAction and a wsa:MessageID;
- `json_schema`: a JSON Schema (a mapping, or a path to a .json/.yaml file);
- `vera_schemas`: {message type: VERA WRV schema name}; checked against the VERA spec given with
  `--vera-spec` and every code against VERA's Referentiedata (`--vera-referentiedata`, default beside the
  spec): unknown, or in the wrong case. The spec is given with
  `--vera-spec PATH` or `vera_spec=` (without a spec this fails, naming the fix: never a silent skip);
- `csv_columns`: the header in order (a mapping may give each column a regular expression), with
  `csv_delimiter` (default `;`) and `csv_encoding` (default `utf-8-sig`).

Relative paths are read relative to the adapter's module.
"""

from __future__ import annotations

import contextlib
import inspect
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest

from adapters import MappingError, PermanentError, VendorPayload
from contract_tests import vendor_formats
from contract_tests.kit import ContractKit, ContractSetupError, GoldenCase
from contract_tests.suites.base import Cases, Provider, Suite, contract, option, setup_failure
from contract_tests.suites.roundtrip import hypothesis_settings
from schemas import MESSAGE_TYPES, Message

__all__ = ["ConformanceSuite", "format_checks"]

Check = Callable[[VendorPayload, tuple[str, ...]], list[str]]


@dataclass(frozen=True)
class FormatChecks:
    checks: list[tuple[str, Check]]


def _adapter_relative(kit: ContractKit, value: str | Path) -> Path:
    path = Path(value)
    if path.is_absolute():
        return path
    try:
        return Path(inspect.getfile(kit.adapter_cls)).resolve().parent / path
    except TypeError:  # pragma: no cover - a class without a source file
        return path.resolve()


def _custom(hook: Callable[[VendorPayload], Iterable[str] | None]) -> Check:
    def check(payload: VendorPayload, types: tuple[str, ...]) -> list[str]:
        try:
            result = hook(payload)
        except Exception as error:
            return [f"{type(error).__name__}: {error}"]
        return [str(problem) for problem in result] if result is not None else []

    return check


def vera_spec_path(kit: ContractKit, request: pytest.FixtureRequest) -> Path | None:
    """The VERA spec: `vera_spec=` in the test file, else `--vera-spec`, else $WOONBRUG_VERA_SPEC."""
    given = kit.vera_spec or option(request, "vera_spec") or os.environ.get("WOONBRUG_VERA_SPEC")
    return Path(given) if given else None


def referentiedata_path(kit: ContractKit, request: pytest.FixtureRequest, spec: Path) -> Path:
    """VERA's code lists: `--vera-referentiedata`, else $WOONBRUG_VERA_REFERENTIEDATA, else beside the spec."""
    given = option(request, "vera_referentiedata") or os.environ.get("WOONBRUG_VERA_REFERENTIEDATA")
    return Path(given) if given else spec.parent / "Referentiedata.csv"


def format_checks(kit: ContractKit, request: pytest.FixtureRequest) -> FormatChecks:
    """The checks the adapter's hooks ask for."""
    checks: list[tuple[str, Check]] = []
    custom = kit.hook("validate_vendor_payload")
    if custom is not None:
        if inspect.isfunction(custom) and "self" in inspect.signature(custom).parameters:
            custom = getattr(kit.adapter(), "validate_vendor_payload")  # noqa: B009 - a method wants an instance
        checks.append(("validate_vendor_payload", _custom(custom)))
    xsd = kit.hook("xsd_path")
    if xsd is not None:
        xsd_file = _adapter_relative(kit, xsd)
        if not xsd_file.is_file():
            raise ContractSetupError(f"xsd_path of {kit.name} points at {xsd_file}, which does not exist")
        checks.append((f"XSD {xsd_file.name}", lambda payload, _t: vendor_formats.xsd_problems(xsd_file, payload.body)))
    wsdl = kit.hook("wsdl_path")
    if wsdl is not None:
        wsdl_file = _adapter_relative(kit, wsdl)
        if not wsdl_file.is_file():
            raise ContractSetupError(f"wsdl_path of {kit.name} points at {wsdl_file}, which does not exist")

        def wsdl_check(payload: VendorPayload, _types: tuple[str, ...]) -> list[str]:
            return vendor_formats.soap_problems(wsdl_file, payload.body, payload.metadata.get("operation"))

        checks.append((f"WSDL {wsdl_file.name}", wsdl_check))
    schema = kit.hook("json_schema")
    if schema is not None:
        loaded = vendor_formats.load_json_schema(
            schema if isinstance(schema, Mapping) else _adapter_relative(kit, schema)
        )
        checks.append(("JSON Schema", lambda payload, _t: vendor_formats.json_schema_problems(loaded, payload.body)))
    vera = kit.hook("vera_schemas")
    if vera is not None:
        spec = vera_spec_path(kit, request)
        if spec is None:
            # A failure, not a skip: a green run must mean the VERA checks ran.
            raise ContractSetupError(
                f"{kit.name} declares vera_schemas, but no VERA spec was given, so its VERA WRV conformance "
                "cannot be checked. Fix: run with --vera-spec PATH/TO/WRV-4.3.0.yaml (or pass vera_spec=... to "
                "contract_test_class, or set WOONBRUG_VERA_SPEC); or opt out of 'conformance' with the reason"
            )
        if not spec.is_file():
            raise ContractSetupError(f"the VERA spec given ({spec}) does not exist")
        else:
            checks.append(("VERA WRV " + spec.name, _vera_check(kit, spec, vera)))
            codes = referentiedata_path(kit, request, spec)
            if not codes.is_file():
                raise ContractSetupError(
                    f"{kit.name} declares vera_schemas, but VERA's code lists were not found at {codes}, so its codes "
                    "cannot be checked. Fix: run with --vera-referentiedata PATH/TO/Referentiedata.csv (or put it "
                    "beside the spec, or set WOONBRUG_VERA_REFERENTIEDATA)"
                )

            def code_check(payload: VendorPayload, _types: tuple[str, ...]) -> list[str]:
                return vendor_formats.vera_code_problems(codes, payload.body)

            checks.append(("VERA Referentiedata", code_check))
    columns = kit.hook("csv_columns")
    if columns is not None:
        delimiter = kit.hook("csv_delimiter") or ";"
        encoding = kit.hook("csv_encoding") or "utf-8-sig"

        def csv_check(payload: VendorPayload, _types: tuple[str, ...]) -> list[str]:
            return vendor_formats.csv_problems(columns, payload.body, delimiter=delimiter, encoding=encoding)

        checks.append(("CSV columns", csv_check))
    return FormatChecks(checks)


def _vera_check(kit: ContractKit, spec: Path, vera: Any) -> Check:
    def names_for(types: tuple[str, ...]) -> list[str]:
        names = []
        for message_type in types:
            name = vera(message_type) if callable(vera) else vera.get(message_type)
            if name and name not in names:
                names.append(str(name))
        return names

    def check(payload: VendorPayload, types: tuple[str, ...]) -> list[str]:
        names = names_for(types)
        if not names:
            return [f"vera_schemas of {kit.name} names no VERA schema for {', '.join(types) or 'this payload'}"]
        return vendor_formats.vera_problems(spec, names, payload.body)

    return check


def _no_checks(kit: ContractKit) -> str:
    return (
        f"{kit.name} offers no way to check its vendor format. Declare one of: `xsd_path` (SOAP/XML), `json_schema` "
        "(REST/JSON), `vera_schemas` (VERA WRV), `csv_columns` (CSV), or a `validate_vendor_payload(payload)` "
        "method returning the problems it finds; or opt out of 'conformance' with the reason"
    )


def _run_checks(kit: ContractKit, request: pytest.FixtureRequest) -> FormatChecks:
    try:
        found = format_checks(kit, request)
    except ContractSetupError as error:
        setup_failure(error)
        raise AssertionError("unreachable") from error
    if not found.checks:
        pytest.fail(_no_checks(kit), pytrace=False)
    return found


def _problem_text(label: str, results: list[tuple[str, list[str]]]) -> str | None:
    failing = [(name, problems) for name, problems in results if problems]
    if not failing:
        return None
    lines = [f"{label} does not conform:"]
    for name, problems in failing:
        lines.append(f"  {name}:")
        lines.extend(f"    - {problem}" for problem in problems)
    return "\n".join(lines)


def encoded_types(kit: ContractKit) -> Cases:
    return [(t, t) for t in kit.encodes], f"not applicable: {kit.name} encodes nothing"


def vendor_samples(kit: ContractKit) -> Cases:
    cases = [(case.name, case) for case in kit.golden_cases() if case.vendor is not None]
    return cases, "no vendor samples (<name>.vendor.<ext>) in the fixtures folder to check"


class ConformanceSuite(Suite):
    providers: ClassVar[dict[str, Provider]] = {"encoded_type": encoded_types, "vendor_sample": vendor_samples}

    @contract("conformance.encoded")
    def test_conformance_encoded(self, encoded_type: str, request: pytest.FixtureRequest) -> None:
        """What encode() makes of generated and golden messages of this type conforms to the vendor format."""
        from hypothesis import given, reject
        from hypothesis.errors import FailedHealthCheck, Unsatisfiable

        from contract_tests.strategies import messages

        kit = self.kit
        found = _run_checks(kit, request)
        refusals: list[str] = []
        try:
            adapter = kit.adapter()
            golden = [*kit.golden_messages(encoded_type), *kit.encode_messages(encoded_type)]
        except ContractSetupError as error:
            setup_failure(error)
            return

        def check(message: Message, label: str, generated: bool) -> None:
            try:
                payload = adapter.encode(message)
            except (MappingError, PermanentError) as error:
                if generated:
                    refusals.append(f"{type(error).__name__}: {error}")
                    reject()  # a format that cannot hold this message may refuse it; the kit draws another
                raise AssertionError(f"{label}: encode() refused it: {error}") from error
            results = [(name, run(payload, (encoded_type,))) for name, run in found.checks]
            failure = _problem_text(label, results)
            if failure:
                raise AssertionError(
                    f"{failure}\nHow to fix: make encode() write what the vendor format requires; if the format "
                    "description itself is out of date, update it with the vendor's current one"
                )

        for index, message in enumerate(golden):
            check(message, f"encode() of golden {encoded_type} message {index}", generated=False)
        examples = max(5, kit.examples(option(request, "woonbrug_max_examples")) // 2)

        @hypothesis_settings(examples)
        @given(messages(MESSAGE_TYPES[encoded_type]))
        def generated(message: Message) -> None:
            check(message, f"encode() of a generated {encoded_type} message", generated=True)

        try:
            generated()
        except (Unsatisfiable, FailedHealthCheck):
            # hypothesis gives up when nearly every example is refused; say that in the vendor's terms
            last = refusals[-1] if refusals else "(none recorded)"
            pytest.fail(
                f"{kit.name}.encode() refused nearly every generated {encoded_type} message ({len(refusals)} "
                f"refusals; last: {last}). Refuse only what the vendor format truly cannot hold: a field your "
                "format requires but the canonical model leaves optional needs a default or a mapping, not a refusal",
                pytrace=False,
            )

    @contract("conformance.vendor_samples")
    def test_conformance_vendor_samples(self, vendor_sample: GoldenCase, request: pytest.FixtureRequest) -> None:
        """The vendor's own samples in the fixtures folder conform to the vendor format (stale samples fail)."""
        kit = self.kit
        found = _run_checks(kit, request)
        types: tuple[str, ...] = tuple(kit.decodes)
        if vendor_sample.canonical is not None:
            with contextlib.suppress(ContractSetupError):  # the golden suite reports a broken canonical file
                types = tuple(dict.fromkeys(message.type for _, message in kit.expected(vendor_sample)))
        assert vendor_sample.vendor is not None
        results = [(name, run(vendor_sample.payload(), types)) for name, run in found.checks]
        failure = _problem_text(f"vendor sample {vendor_sample.vendor.name}", results)
        if failure:
            pytest.fail(
                f"{failure}\nHow to fix: replace the sample with one the vendor system really sends, or correct "
                "the format description (XSD, JSON Schema, columns) the adapter declares",
                pytrace=False,
            )
