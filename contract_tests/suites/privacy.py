"""Privacy: no personal data in exception texts, nor in log records at INFO and above.

The kit plants distinctive personal data (`contract_tests.personal`) in the messages it uses and then
provokes the places where adapters leak: encoding, decoding vendor data with a bad BSN, birth date or
income or cut off right after a name, and deliveries the vendor refuses with an error page that echoes the request.
Every exception (with its causes) and every captured log record is scanned for the planted values. Golden
vendor samples are scanned for the personal data their canonical files hold.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar

import pytest

from adapters import Adapter, MappingError
from contract_tests.compare import model_paths
from contract_tests.faults import FAULTS, Fault, RecordingTransport, soap_faults
from contract_tests.kit import ContractKit, ContractSetupError
from contract_tests.personal import (
    BAD_BSN,
    BSN_DIGITS,
    PLANTED,
    Leak,
    LeakScanner,
    capture_logs,
    has_personal_data,
)
from contract_tests.suites.base import Cases, Provider, Suite, contract, setup_failure
from contract_tests.suites.errors import delivery_type, operations, run_operation, soap_namespace
from schemas import MESSAGE_TYPES, Message
from schemas.privacy import personal_values

__all__ = ["PrivacySuite"]

_CORRUPT_DATES = {"1961-07-23": "1961-13-23", "23-07-1961": "23-13-1961", "19610723": "19611323"}
_CORRUPT_INCOME = {"31415.92": "-31415.92", "31415,92": "-31415,92"}  # negative: no income can be
_TRANSPORT_FAULTS = ("http-400", "http-422", "http-500", "malformed-200")

HINT = (
    "How to fix: error texts name fields and positions, never values (see adapters.sdk.errors); do not copy "
    "vendor responses or payloads into exceptions or log messages; log identifiers, not records; give your own "
    "pydantic models `hide_input_in_errors=True`."
)


def _personal_types(kit: ContractKit, types: list[str]) -> list[str]:
    return [t for t in types if has_personal_data(MESSAGE_TYPES[t])]


def encode_cases(kit: ContractKit) -> Cases:
    types = _personal_types(kit, kit.encodes)
    return [(t, t) for t in types], f"not applicable: no message type {kit.name} encodes carries personal data"


def _damages(message_types: set[type[Message]], golden: bool = False) -> list[str]:
    """The damages that apply to messages of these types: a bad BSN, birth date (or, in the kit's own
    messages, income), a cut after a name."""
    kinds = {kind for message_type in message_types for kind in model_paths(message_type).values()}
    damages = []
    if kinds & ({"bsn", "geboortedatum"} if golden else {"bsn", "geboortedatum", "inkomen"}):
        damages.append("bad-value")
    if "naam" in kinds:
        damages.append("cut-after-name")
    return damages


def decode_cases(kit: ContractKit) -> Cases:
    cases: list[tuple[str, Any]] = []
    if kit.decodes:
        for message_type in _personal_types(kit, sorted(set(kit.encodes) & set(kit.decodes))):
            for damage in _damages({MESSAGE_TYPES[message_type]}):
                cases.append((f"{message_type}-{damage}", ("generated", message_type, damage)))
        for case in kit.complete_golden():
            try:
                expected = kit.expected(case)
            except ContractSetupError:
                continue
            for damage in _damages({type(message) for _, message in expected}, golden=True):
                cases.append((f"golden-{case.name}-{damage}", ("golden", case, damage)))
    reason = (
        f"not applicable: {kit.name} decodes no message type with personal data that the kit can produce "
        "(it needs an encoder for the type, or a golden sample holding personal data)"
    )
    return cases, reason


def transport_cases(kit: ContractKit) -> Cases:
    applicable = "deliver" in operations(kit) and bool(_personal_types(kit, kit.encodes))
    faults = [fault for fault in FAULTS if fault.id in _TRANSPORT_FAULTS]
    if applicable:
        namespace = soap_namespace(kit)
        if namespace:
            faults.extend(soap_faults(namespace))
    cases = [(fault.id, fault) for fault in faults] if applicable else []
    return cases, f"not applicable: {kit.name} delivers no message type that carries personal data"


def _report(kit: ContractKit, situation: str, leaks: list[Leak], errors: list[BaseException]) -> None:
    if not leaks:
        return
    kinds = "\n".join(f"- {leak}" for leak in dict.fromkeys(leaks))
    raised = ", ".join(dict.fromkeys(type(error).__name__ for error in errors)) or "none"
    pytest.fail(
        f"{kit.name} leaks personal data when {situation}:\n{kinds}\n(exceptions raised: {raised}; the values are "
        f"the kit's fictional ones, so they are not repeated here.)\n{HINT}",
        pytrace=False,
    )


def _scan(scanner: LeakScanner, records: list[Any], errors: list[BaseException]) -> list[Leak]:
    leaks = scanner.in_records(records)
    for error in errors:
        label = f"the text of a {type(error).__name__}" + (
            f" at {error.location}" if isinstance(error, MappingError) else ""
        )
        leaks.extend(scanner.in_exception(error, label))
    return leaks


def _damage(body: bytes, damage: str, replacements: dict[str, str], names: list[str]) -> bytes | None:
    """The vendor payload with a personal value made invalid, or cut right after a name; None if impossible."""
    if damage == "bad-value":
        damaged = body
        for old, new in replacements.items():
            damaged = damaged.replace(old.encode(), new.encode())
        return damaged if damaged != body else None
    for name in names:
        at = body.find(name.encode())
        if at >= 0:
            return body[: at + len(name.encode()) + 1]
    return None


class PrivacySuite(Suite):
    providers: ClassVar[dict[str, Provider]] = {
        "privacy_encoded_type": encode_cases,
        "privacy_decode_case": decode_cases,
        "privacy_fault": transport_cases,
    }

    @contract("privacy.encode")
    def test_privacy_encode(self, privacy_encoded_type: str) -> None:
        """Encoding (and decoding back) a message full of personal data logs none of it at INFO and above."""
        kit = self.kit
        try:
            message = kit.sample(privacy_encoded_type, personal=True)
            adapter = kit.adapter()
        except ContractSetupError as error:
            setup_failure(error)
            return
        errors: list[BaseException] = []
        with capture_logs() as records:
            try:
                payload = adapter.encode(message)
                if privacy_encoded_type in kit.decodes:
                    errors.extend(kit.decode(adapter, payload.body).errors)
            except Exception as error:
                errors.append(error)
        _report(kit, f"encoding a {privacy_encoded_type}", _scan(LeakScanner(), records, errors), errors)

    @contract("privacy.decode")
    def test_privacy_decode(self, privacy_decode_case: tuple[str, Any, str]) -> None:
        """Bad vendor data that holds personal data: the errors and logs about it do not repeat it."""
        source, subject, damage = privacy_decode_case
        kit = self.kit
        try:
            adapter = kit.adapter_for(subject) if source == "golden" else kit.adapter()
            body, scanner, replacements, names = self._material(kit, adapter, source, subject)
        except ContractSetupError as error:
            setup_failure(error)
            return
        damaged = _damage(body, damage, replacements, names)
        if damaged is None:
            pytest.skip(f"the vendor payload holds none of the personal values this damage ({damage}) needs")
        with capture_logs() as records:
            decoding = kit.decode(adapter, damaged)
        errors: list[BaseException] = list(decoding.errors)
        if decoding.escaped is not None:
            errors.append(decoding.escaped)
        what = "a BSN, birth date or income is invalid" if damage == "bad-value" else "it is cut off after a name"
        label = subject if source == "generated" else f"golden {subject.name}"
        _report(kit, f"decoding vendor data in which {what} ({label})", _scan(scanner, records, errors), errors)

    def _material(
        self, kit: ContractKit, adapter: Adapter[Any], source: str, subject: Any
    ) -> tuple[bytes, LeakScanner, dict[str, str], list[str]]:
        """The vendor bytes to damage, what to scan for, the replacements that make values invalid, and names."""
        if source == "generated":
            body = adapter.encode(kit.sample(subject, personal=True)).body
            scanner = LeakScanner({**PLANTED, "invalid birth date": tuple(_CORRUPT_DATES.values())})
            return body, scanner, {BSN_DIGITS: BAD_BSN, **_CORRUPT_DATES, **_CORRUPT_INCOME}, list(PLANTED["name"])
        assert subject.vendor is not None
        values: list[str] = []
        for _, message in kit.expected(subject):
            values.extend(value for value in personal_values(message) if len(value) >= 5)
        bsns = [value for value in values if value.isdigit() and len(value) == 9]
        replacements = {bsn: bsn[:-1] + str((int(bsn[-1]) + 1) % 10) for bsn in bsns}
        for value in values:  # birth dates, ISO and Dutch: month 13 makes them invalid
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                year, month, day = value.split("-")
                replacements[value] = f"{year}-13-{day}"
                replacements[f"{day}-{month}-{year}"] = f"{day}-13-{year}"
        needles = tuple(dict.fromkeys([*values, *replacements.values()]))
        scanner = LeakScanner({"value from the golden canonical file": needles})
        names = [value for value in values if not value.replace("-", "").replace(".", "").isdigit()]
        return subject.vendor.read_bytes(), scanner, replacements, names

    @contract("privacy.transport")
    def test_privacy_transport(self, privacy_fault: Fault) -> None:
        """A refused or failed delivery of personal data (the error page echoes it) does not repeat it."""
        kit = self.kit
        try:
            message = kit.sample(delivery_type(kit, personal=True), personal=True)
        except ContractSetupError as error:
            setup_failure(error)
            return
        transport = RecordingTransport(privacy_fault.respond)
        errors: list[BaseException] = []
        work: Callable[[], Any] = lambda: run_operation(kit, "deliver", transport, message, "contract-kit-privacy")  # noqa: E731
        with capture_logs() as records:
            try:
                kit.run(work)
            except Exception as error:
                errors.append(error)
        _report(
            kit, f"a delivery fails with {privacy_fault.description}", _scan(LeakScanner(), records, errors), errors
        )
