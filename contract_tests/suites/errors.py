"""Error semantics: whatever goes wrong, the caller learns from the exception class alone what to do.

- Transport faults are injected through `httpx.MockTransport` into the adapter's injected client (the
  adapter never reaches a network): timeouts, refused and reset connections, 5xx, 429 with Retry-After,
  4xx, a garbled 200, and for SOAP adapters Client and Server faults. Each must leave `deliver` / `poll`
  as the class `contract_tests.faults.FAULTS` names; a 429's Retry-After must be kept.
- Malformed vendor payloads must come out of decoding as `MappingError`s that say where (a Location),
  never as another exception and never as messages made from junk.
- A message type the adapter does not declare must be refused as `UnsupportedOperation`.

No other exception type may ever leave an adapter.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from adapters import (
    AdapterError,
    DeliveryReceipt,
    Location,
    MappingError,
    PermanentError,
    PollResult,
    TransientError,
    UnsupportedOperation,
)
from contract_tests.faults import FAULTS, SOAP_NAMESPACES, Fault, RecordingTransport, fix_hint, soap_faults
from contract_tests.kit import KIT_ENDPOINT, ContractKit, ContractSetupError
from contract_tests.suites.base import Cases, Provider, Suite, contract, setup_failure
from schemas import MESSAGE_TYPES, Message

__all__ = ["ErrorsSuite", "delivery_type", "run_operation"]

ALLOWED = (TransientError, PermanentError, MappingError)

MALFORMED: dict[str, bytes] = {
    "empty": b"",
    "binary-junk": bytes([0, 255, 254, 1, 0x80, 0x9F]) * 20 + b"\x00\xc3\x28",
    "truncated-json": b'{"id": "contract-kit", "items": [1, 2, {"nested": ',
    "truncated-xml": b'<?xml version="1.0" encoding="UTF-8"?><root><item id="1"><value>',
    "wrong-shape-json": b'{"unexpected": [true, null, {"deeper": []}]}',
    "wrong-shape-xml": b'<?xml version="1.0"?><unexpected><nothing/></unexpected>',
    "unbalanced-csv": b'col_a;col_b;col_c\n"unterminated;1;2\n3;4\n',
}
# Inputs that are junk from any vendor: nothing may be made of them.
_NO_MESSAGES = {"binary-junk", "truncated-json", "truncated-xml", "wrong-shape-json", "wrong-shape-xml"}
# Inputs that cannot be read at all: at least one MappingError must say so.
_MUST_ERROR = {"binary-junk", "truncated-sample"}
# Inputs broken at one place: the MappingError must say where (line, row, record or field), not just
# "(whole payload)", which is right only for a payload that cannot be read at all.
_MUST_LOCATE = {"truncated-json", "truncated-xml", "truncated-sample"}


def delivery_type(kit: ContractKit, personal: bool = False) -> str:
    """The message type the kit delivers in transport tests: one with a golden file if any, else the first."""
    from contract_tests.personal import has_personal_data

    candidates = list(kit.encodes)
    if personal:
        with_data = [t for t in candidates if has_personal_data(MESSAGE_TYPES[t])]
        candidates = with_data or candidates
    for message_type in candidates:
        if any(True for _ in kit.golden_messages(message_type)):
            return message_type
    return candidates[0]


def soap_namespace(kit: ContractKit) -> str | None:
    """The SOAP envelope namespace of what the adapter sends, when it speaks SOAP."""
    from lxml import etree

    from adapters.sdk.xml import parse

    if not kit.encodes:
        return None
    try:
        payload = kit.adapter().encode(kit.sample(delivery_type(kit)))
        namespace = etree.QName(parse(payload.body)).namespace
    except Exception:
        return None  # not XML, or not encodable here: no SOAP faults to add
    return namespace if namespace in SOAP_NAMESPACES else None


def operations(kit: ContractKit) -> list[str]:
    ops = []
    if "push" in kit.transports and kit.overrides_method("deliver") and kit.encodes:
        ops.append("deliver")
    if "poll" in kit.transports and kit.overrides_method("poll"):
        ops.append("poll")
    return ops


def transport_cases(kit: ContractKit) -> Cases:
    ops = operations(kit)
    faults = list(FAULTS)
    namespace = soap_namespace(kit) if ops else None
    if namespace:
        faults.extend(soap_faults(namespace))
    cases = [(f"{op}-{fault.id}", (op, fault)) for op in ops for fault in faults]
    reason = f"not applicable: {kit.name} makes no HTTP calls of its own (no push or poll transport declared)"
    return cases, reason


def malformed_cases(kit: ContractKit) -> Cases:
    channels = []
    if kit.decodes and (kit.overrides_method("decode") or kit.overrides_method("decode_stream")):
        channels.append("decode")
    if "webhook" in kit.transports and kit.overrides_method("parse_webhook"):
        channels.append("webhook")
    names = [*MALFORMED, "truncated-sample"]
    cases = [(f"{channel}-{name}", (channel, name)) for channel in channels for name in names]
    return cases, f"not applicable: {kit.name} decodes nothing"


def undeclared_cases(kit: ContractKit) -> Cases:
    others = sorted(set(MESSAGE_TYPES) - set(kit.encodes))
    cases = [(others[0], others[0])] if others else []
    return cases, f"not applicable: {kit.name} encodes every message type"


async def run_operation(
    kit: ContractKit, operation: str, transport: RecordingTransport, message: Message | None, key: str
) -> Any:
    async with transport.client() as client:
        adapter = kit.adapter(client, **kit.endpoint_config(KIT_ENDPOINT))
        if operation == "deliver":
            assert message is not None
            return await adapter.deliver(message, idempotency_key=key)
        return await adapter.poll(None)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}({str(error)[:200]!r})"


def judge_fault(
    kit: ContractKit, operation: str, fault: Fault, result: Any, error: BaseException | None, requests: int
) -> str | None:
    """Why the outcome of one injected fault breaks the contract, or None when it keeps it."""
    what = f"{operation}() while the vendor system gave {fault.description}"
    if requests == 0:
        raised = f" (it raised {_describe(error)})" if error is not None else ""
        return (
            f"{operation}() sent no request through the injected HTTP client{raised}, so the kit could not inject "
            f"'{fault.id}'. Use `self.client` (or the SDK helper `self.request(...)`) for all HTTP: the gateway and "
            "the kit inject transports through it. If the adapter needs settings to build its URL, give them with "
            "config= or an `endpoint_config(url)` classmethod"
        )
    if error is None:
        if fault.success_allowed and operation == "deliver":
            return None
        if operation == "poll" and isinstance(result, PollResult) and fault.expect is MappingError:
            if result.rejects and not result.messages:
                return None
            return (
                f"poll() returned {len(result.messages)} message(s) and no reject for {fault.description}: "
                "a garbled page must become a MappingError (raised, or in PollResult.rejects), never silence"
            )
        return (
            f"{what} returned {type(result).__name__} instead of raising {fault.expect.__name__}: a failed call "
            f"must raise, or the gateway takes it for done. How to fix: {fix_hint(fault.expect)}"
        )
    if not isinstance(error, ALLOWED):
        return (
            f"{what} raised {_describe(error)}. Only TransientError, PermanentError or MappingError may leave an "
            f"adapter; this fault means {fault.expect.__name__}. How to fix: {fix_hint(fault.expect)}"
        )
    if fault.success_allowed:
        return None
    if not isinstance(error, fault.expect):
        return (
            f"{what} raised {_describe(error)}, but this fault means {fault.expect.__name__}"
            f"{' (retry later)' if fault.expect is TransientError else ' (do not retry)'}. "
            f"How to fix: {fix_hint(fault.expect)}"
        )
    if fault.retry_after is not None:
        kept = getattr(error, "retry_after", None)
        if kept != fault.retry_after:
            return (
                f"{what} raised TransientError with retry_after={kept!r}; the vendor asked for {fault.retry_after:g} "
                "seconds. Keep the vendor's wish: TransientError(..., retry_after=seconds) — "
                "adapters.sdk.boundary.parse_retry_after reads the header, and `self.request(...)` does it for you"
            )
    return None


def _truncated_sample(kit: ContractKit) -> bytes | None:
    """The first part of a real vendor payload (a golden sample, or an encoded message), cut mid-record."""
    body: bytes | None = None
    for case in kit.golden_cases():
        if case.vendor is not None and case.settings is None:  # read with the kit's own config below
            body = case.vendor.read_bytes()
            break
    if body is None:
        both = sorted(set(kit.encodes) & set(kit.decodes))
        if not both:
            return None
        body = kit.adapter().encode(kit.sample(both[0])).body
    cut = max(1, len(body) // 2)
    while cut > 1 and body[cut - 1 : cut] in (b"\n", b"\r"):
        cut -= 1  # never cut at a record boundary: the last record must be visibly broken
    return body[:cut]


class ErrorsSuite(Suite):
    providers: ClassVar[dict[str, Provider]] = {
        "transport_fault": transport_cases,
        "malformed_case": malformed_cases,
        "undeclared_type": undeclared_cases,
    }

    @contract("errors.transport")
    def test_errors_transport(self, transport_fault: tuple[str, Fault]) -> None:
        """An injected transport fault leaves deliver()/poll() as the error class it means."""
        operation, fault = transport_fault
        kit = self.kit
        transport = RecordingTransport(fault.respond)
        try:
            message = kit.sample(delivery_type(kit)) if operation == "deliver" else None
            kit.endpoint_config(KIT_ENDPOINT)
        except ContractSetupError as setup_error:
            setup_failure(setup_error)
            return
        result: Any = None
        error: BaseException | None = None
        try:
            result = kit.run(lambda: run_operation(kit, operation, transport, message, f"contract-kit-{fault.id}"))
        except Exception as raised:
            error = raised
        problem = judge_fault(kit, operation, fault, result, error, len(transport.requests))
        if problem:
            pytest.fail(problem, pytrace=False)
        if operation == "deliver" and error is None and not isinstance(result, DeliveryReceipt):
            pytest.fail(
                f"deliver() returned {type(result).__name__}; it returns an adapters.DeliveryReceipt", pytrace=False
            )

    @contract("errors.malformed")
    def test_errors_malformed(self, malformed_case: tuple[str, str]) -> None:
        """Junk from the vendor becomes located MappingErrors: nothing else raised, no messages made of junk."""
        channel, name = malformed_case
        kit = self.kit
        try:
            body = _truncated_sample(kit) if name == "truncated-sample" else MALFORMED[name]
            adapter = kit.adapter()
        except ContractSetupError as setup_error:
            setup_failure(setup_error)
            return
        if body is None:
            pytest.skip("no vendor sample to truncate: add a golden <name>.vendor.<ext> to the fixtures folder")
        messages: list[Message] = []
        errors: list[AdapterError] = []
        escaped: BaseException | None = None
        if channel == "decode":
            decoding = kit.decode(adapter, body)
            messages, errors, escaped = decoding.messages, list(decoding.errors), decoding.escaped
        else:
            try:
                for item in adapter.parse_webhook(body, {"Content-Type": "application/octet-stream"}):
                    (errors if isinstance(item, MappingError) else messages).append(item)  # type: ignore[arg-type]
            except (MappingError, PermanentError) as refused:
                errors.append(refused)
            except Exception as other:
                escaped = other
        call = "decode_all()" if channel == "decode" else "parse_webhook()"
        problems = []
        if escaped is not None:
            problems.append(
                f"{call} raised {_describe(escaped)}. Bad vendor data is a MappingError with a Location (field path, "
                "XML line, CSV row and column); parse inside `adapters.vendor_boundary(self.name)` and the SDK "
                "translates JSON, XML, CSV and encoding errors for you"
            )
        for found in errors:
            location = getattr(found, "location", None)
            if not isinstance(found, MappingError):
                continue
            if not isinstance(location, Location) or (name in _MUST_LOCATE and location == Location()):
                problems.append(
                    f"MappingError without a location: {found}. The payload is broken at one place, so say where: "
                    "MappingError(reason, location=Location(line=..., column=..., row=..., csv_column=..., "
                    "record=..., field=...)); parsing inside adapters.vendor_boundary gives JSON/XML line and column"
                )
        if name in _NO_MESSAGES and messages:
            problems.append(f"{call} made {len(messages)} message(s) out of junk ({name}); it must refuse it")
        if name in _MUST_ERROR and not errors and escaped is None:
            problems.append(
                f"{call} reported nothing wrong with unreadable input ({name}): yield a MappingError saying where, "
                "or the gateway takes a broken file for an empty one"
            )
        if problems:
            pytest.fail(f"{name} given to {call}:\n" + "\n".join(f"- {p}" for p in problems), pytrace=False)

    @contract("errors.undeclared")
    def test_errors_undeclared(self, undeclared_type: str) -> None:
        """Encoding a type the adapter does not declare is refused as UnsupportedOperation, not mangled."""
        from hypothesis import HealthCheck, Phase, find, settings

        from contract_tests.strategies import messages

        kit = self.kit
        message = find(
            messages(MESSAGE_TYPES[undeclared_type]),
            lambda _: True,
            settings=settings(
                database=None,
                phases=[Phase.generate],
                derandomize=True,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            ),
        )
        try:
            payload = kit.adapter().encode(message)
        except UnsupportedOperation:
            return
        except ContractSetupError as error:
            setup_failure(error)
            return
        except Exception as error:
            pytest.fail(
                f"encode() of a {undeclared_type} message, which capabilities.encodes does not list, raised "
                f"{_describe(error)}; refuse it with adapters.UnsupportedOperation (calling `super().encode(message)` "
                "does that)",
                pytrace=False,
            )
        pytest.fail(
            f"encode() turned a {undeclared_type} message into a {payload.content_type} payload, but "
            "capabilities.encodes does not list that type: declare it (and pass the kit for it) or refuse it with "
            "UnsupportedOperation (`return super().encode(message)`)",
            pytrace=False,
        )
