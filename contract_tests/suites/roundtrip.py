"""Translation round trip: canonical -> vendor -> canonical keeps every field the adapter says it carries.

For each message type the adapter both encodes and decodes, hypothesis generates valid canonical messages
(`contract_tests.strategies`) and the golden canonical files add the vendor's own examples. Each goes
through `encode` then `decode`, and the result is compared, leaf by leaf, on the adapter's declared
`roundtrip_fields` for that type (by default the type and the whole payload). A field that is lost or
changed is reported by its path, so a lossy mapping cannot hide.

An adapter may refuse a message its vendor format cannot hold by raising `MappingError` (naming the
field) or `PermanentError` from `encode`; the kit then draws another, and fails only when nearly every
message is refused. Any other exception from `encode` is a failure.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import pytest

from adapters import MappingError, PermanentError
from contract_tests.compare import (
    DEFAULT_ROUNDTRIP_FIELDS,
    canonical_json,
    check_paths,
    differences,
    model_paths,
    render_differences,
)
from contract_tests.kit import ContractKit, ContractSetupError, Decoding
from contract_tests.suites.base import Cases, Provider, Suite, contract, option, setup_failure
from schemas import MESSAGE_TYPES, Message
from schemas.privacy import redacted_dump

if TYPE_CHECKING:
    from hypothesis import settings

__all__ = ["RoundtripSuite", "hypothesis_settings", "roundtrip_types"]


def roundtrip_types(kit: ContractKit) -> Cases:
    both = sorted(set(kit.encodes) & set(kit.decodes))
    reason = (
        f"not applicable: {kit.name} encodes {kit.encodes or 'nothing'} and decodes {kit.decodes or 'nothing'}; "
        "no message type goes both ways, so there is nothing to round-trip"
    )
    return [(t, t) for t in both], reason


def roundtrip_golden(kit: ContractKit) -> Cases:
    both = set(kit.encodes) & set(kit.decodes)
    cases = []
    for case in kit.complete_golden():
        try:
            types = {message.type for _, message in kit.expected(case)}
        except ContractSetupError:
            types = both  # broken golden file: let the test report it
        if types & both:
            cases.append((case.name, case))
    return cases, "not applicable: no golden canonical file holds a message type the adapter both encodes and decodes"


def hypothesis_settings(examples: int) -> settings:
    """The kit's hypothesis settings: no example database in the vendor's tree, and no shrinking.

    Shrinking a nested message takes minutes and the failure text already names each lost field, so the
    first failing example is reported as found.
    """
    from hypothesis import HealthCheck, Phase, settings

    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=(Phase.explicit, Phase.reuse, Phase.generate),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def describe_decoding(kit: ContractKit, decoding: Decoding, what: str) -> str | None:
    """Why a decode of one encoded message is not exactly one message, or None when it is."""
    if decoding.escaped is not None:
        error = decoding.escaped
        return (
            f"decode() of {what} raised {type(error).__name__}: {error}. Decoding never raises for bad data: "
            "yield a MappingError with a Location for a record that cannot be translated"
        )
    if decoding.errors:
        listed = "; ".join(str(error) for error in decoding.errors[:3])
        return f"decode() of {what} gave {len(decoding.errors)} MappingError(s): {listed}"
    if len(decoding.messages) != 1:
        return f"decode() of {what} gave {len(decoding.messages)} messages instead of 1"
    return None


def compare_roundtrip(kit: ContractKit, sent: Message, got: Message, declared: Sequence[str]) -> str | None:
    """The failure text when `got` differs from `sent` on the declared paths, else None."""
    found = differences(
        canonical_json(sent), canonical_json(got), declared, model_paths(MESSAGE_TYPES.get(sent.type, type(sent)))
    )
    if not found:
        return None
    if tuple(declared) == DEFAULT_ROUNDTRIP_FIELDS:
        declaration = (
            f"{kit.name} declares no roundtrip_fields for {sent.type}, so the kit compares the type and the whole "
            "payload. If the vendor format cannot hold some fields, declare the ones it does carry: "
            f'`roundtrip_fields = {{"{sent.type}": ["payload.id", ...]}}`'
        )
    else:
        declaration = (
            f"{kit.name} declares roundtrip_fields[{sent.type!r}] = {list(declared)}; each listed field must survive. "
            "If the vendor format truly cannot hold one, remove it from the declaration (an honest, smaller contract)"
        )
    return (
        f"{kit.name} loses data on the round trip canonical -> vendor -> canonical ({sent.type}), "
        f"{len(found)} field(s):\n{render_differences(found)}\n"
        f"How to fix: write these fields in encode() and read them back in decode().\n{declaration}"
    )


class RoundtripSuite(Suite):
    providers: ClassVar[dict[str, Provider]] = {"roundtrip_type": roundtrip_types, "roundtrip_case": roundtrip_golden}

    @contract("roundtrip.generated")
    def test_roundtrip_generated(self, roundtrip_type: str, request: pytest.FixtureRequest) -> None:
        """Generated messages of this type survive encode -> decode on every declared field."""
        from hypothesis import given, note, reject
        from hypothesis.errors import FailedHealthCheck, Unsatisfiable

        from contract_tests.strategies import messages

        kit = self.kit
        declared = kit.roundtrip_fields(roundtrip_type)
        problems = check_paths(MESSAGE_TYPES[roundtrip_type], declared)
        if problems:
            pytest.fail(
                f"roundtrip_fields[{roundtrip_type!r}] of {kit.name} names fields that do not exist:\n"
                + "\n".join(f"- {p}" for p in problems),
                pytrace=False,
            )
        try:
            adapter = kit.adapter()
        except ContractSetupError as error:
            setup_failure(error)
            return
        refusals: list[str] = []

        @hypothesis_settings(kit.examples(option(request, "woonbrug_max_examples")))
        @given(messages(MESSAGE_TYPES[roundtrip_type]))
        def round_trip(message: Message) -> None:
            try:
                payload = adapter.encode(message)
            except (MappingError, PermanentError) as error:
                refusals.append(str(error))
                reject()
            except Exception as error:
                raise AssertionError(
                    f"encode() of a valid {roundtrip_type} message raised {type(error).__name__}: {error}. "
                    "encode() refuses a message its format cannot hold with a MappingError naming the field (or a "
                    "PermanentError); anything else is a bug"
                ) from error
            decoding = kit.decode(adapter, payload.body)
            problem = describe_decoding(kit, decoding, f"what encode() made of a valid {roundtrip_type} message")
            if not problem:
                problem = compare_roundtrip(kit, message, decoding.messages[0], declared)
            if problem:
                note(f"the message sent (personal data redacted): {json.dumps(redacted_dump(message))}")
                raise AssertionError(problem)

        try:
            round_trip()
        except (Unsatisfiable, FailedHealthCheck):
            last = refusals[-1] if refusals else "(none recorded)"
            pytest.fail(
                f"{kit.name}.encode() refused nearly every generated {roundtrip_type} message with MappingError "
                f"({len(refusals)} refusals; last: {last}). Refuse only what the vendor format truly cannot hold.",
                pytrace=False,
            )

    @contract("roundtrip.golden")
    def test_roundtrip_golden(self, roundtrip_case: Any) -> None:
        """The golden canonical messages survive encode -> decode on every declared field."""
        kit = self.kit
        try:
            expected = kit.expected(roundtrip_case)
            adapter = kit.adapter()
        except ContractSetupError as error:
            setup_failure(error)
            return
        both = set(kit.encodes) & set(kit.decodes)
        failures = []
        for index, (_, message) in enumerate(expected):
            if message.type not in both:
                continue
            where = f"{roundtrip_case.canonical.name} message {index} ({message.type})"
            try:
                payload = adapter.encode(message)
            except Exception as error:
                failures.append(f"{where}: encode() raised {type(error).__name__}: {error}")
                continue
            decoding = kit.decode(adapter, payload.body)
            problem = describe_decoding(kit, decoding, where)
            if problem:
                failures.append(problem)
                continue
            failure = compare_roundtrip(kit, message, decoding.messages[0], kit.roundtrip_fields(message.type))
            if failure:
                failures.append(f"{where}: {failure}")
        if failures:
            pytest.fail("\n\n".join(failures), pytrace=False)
