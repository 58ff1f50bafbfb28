"""Outbound: what the adapter writes is what the vendor system expects, field by field, in `encode()` and on the wire.

- `outbound.golden_encode`: each outbound golden pair (canonical in, vendor payload out) encodes to its
  vendor file exactly, compared field by field (`contract_tests.wire`: amounts to the cent, times with
  their zone, the text encoding, the column order). Pairs live in `encode_fixtures_dir`, by default
  `<fixtures_dir>/encode`, else the fixtures folder itself (its pairs of types the adapter encodes).
  A canonical file holding several messages is written with `encode_many` (one CSV file, one header).
- `outbound.fixtures`: every type the adapter encodes has at least one outbound golden pair: a bug that
  only shows in what goes out (a rent one cent off, two amounts swapped) is invisible otherwise.
- `outbound.wire`: the same message delivered to the adapter's simulator; what `deliver()` put on the wire
  (captured from the HTTP client, or the files a file-drop simulator lists in `delivered_payloads()`)
  carries every field `encode()` writes, with the same value: a deliver() that builds its own request
  cannot drift from the checked one. Delivered twice with one idempotency key, every request carries that
  key unchanged (a header or in the body): a retry under a new key is a second booking.
- `outbound.paging`: a simulator that can serve several pages (`seed_pages(count)` returns the settings
  that make its pages small) is polled until it has nothing new; every record must arrive exactly once.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

import httpx
import pytest

from contract_tests.kit import ContractKit, ContractSetupError, GoldenCase
from contract_tests.suites.base import Cases, Provider, Suite, contract, setup_failure
from contract_tests.wire import differences, payload_fields, render
from schemas import Message

__all__ = ["OutboundSuite"]

_MAX_POLLS = 50


def outbound_cases(kit: ContractKit) -> Cases:
    if not kit.encodes:
        return [], f"not applicable: {kit.name} encodes nothing (capabilities.encodes is empty)"
    cases = [(case.name, case) for case in kit.encode_cases()]
    return cases, f"no outbound golden pairs in {kit.encode_dir} (test_outbound_fixtures says what is missing)"


def wire_types(kit: ContractKit) -> Cases:
    applicable = kit.overrides_method("deliver") and bool(kit.encodes)
    reason = f"not applicable: {kit.name} does not deliver (deliver() not implemented)"
    return ([(t, t) for t in kit.encodes] if applicable else []), reason


def paging_cases(kit: ContractKit) -> Cases:
    if not kit.overrides_method("poll"):
        return [], f"not applicable: {kit.name} does not poll (poll() not implemented)"
    return [("several-pages", 7)], ""


def _encode(kit: ContractKit, adapter: Any, messages: list[Message]) -> Any:
    if len(messages) == 1:
        return adapter.encode(messages[0])
    return adapter.encode_many(messages)


class _Recorder:
    """Every request the adapter's HTTP client sends, with its body, for the wire checks."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    async def hook(self, request: httpx.Request) -> None:
        await request.aread()
        self.requests.append(request)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=10.0, event_hooks={"request": [self.hook]})


def _carries(request: httpx.Request, key: str) -> bool:
    return any(key in value for value in request.headers.values()) or key.encode() in request.content


class OutboundSuite(Suite):
    providers: ClassVar[dict[str, Provider]] = {
        "outbound_case": outbound_cases,
        "wire_type": wire_types,
        "paging_case": paging_cases,
    }

    @contract("outbound.fixtures")
    def test_outbound_fixtures(self) -> None:
        """Every message type the adapter writes has an outbound golden pair (canonical in, vendor out)."""
        kit = self.kit
        if not kit.encodes:
            pytest.skip(f"not applicable: {kit.name} encodes nothing")
        covered: set[str] = set()
        for case in kit.encode_cases():
            try:
                covered |= {message.type for _, message in kit.expected(case)}
            except ContractSetupError as error:
                setup_failure(error)
        missing = [t for t in kit.encodes if t not in covered]
        if missing:
            pytest.fail(
                f"{kit.name} writes {', '.join(missing)} but {kit.encode_dir} holds no outbound golden pair for "
                f"{'it' if len(missing) == 1 else 'them'}. Add <name>.canonical.json (the message) and "
                "<name>.vendor.<ext> (the payload your system expects for it, byte for byte) to the encode folder "
                "(`woonbrug translate ADAPTER --encode FILE` writes a first draft to review), or opt out of "
                "'outbound.fixtures' with the reason",
                pytrace=False,
            )

    @contract("outbound.golden_encode")
    def test_outbound_golden_encode(self, outbound_case: GoldenCase) -> None:
        """encode() of the canonical messages writes the vendor file, field by field."""
        kit = self.kit
        try:
            messages = [message for _, message in kit.expected(outbound_case)]
            adapter = kit.adapter()
        except ContractSetupError as error:
            setup_failure(error)
            return
        assert outbound_case.vendor is not None
        assert outbound_case.canonical is not None
        try:
            payload = _encode(kit, adapter, messages)
        except Exception as error:
            pytest.fail(
                f"encode() of {outbound_case.canonical.name} raised {type(error).__name__}: {error}", pytrace=False
            )
        expected = payload_fields(outbound_case.vendor.read_bytes(), outbound_case.payload().content_type)
        found = differences(expected, payload_fields(payload.body, payload.content_type))
        if found:
            pytest.fail(
                f"encode() of {outbound_case.canonical.name} does not write {outbound_case.vendor.name}:\n"
                + render(found)
                + "\nHow to fix: correct the mapping in encode(); if the sample is what is wrong (the vendor "
                "changed the format), replace it with what the vendor system now expects, after review",
                pytrace=False,
            )

    @contract("outbound.wire")
    def test_outbound_wire(self, wire_type: str, contract_simulator: tuple[Any, Any] | None) -> None:
        """What deliver() sends carries what encode() writes; redelivery carries the same idempotency key."""
        kit = self.kit
        if contract_simulator is None:
            pytest.fail(
                f"{kit.name} offers no simulator, so the kit cannot see what deliver() sends. Add a classmethod "
                "`simulator()` (or ship one in your `contract` module), or opt out of 'outbound.wire' with the reason",
                pytrace=False,
            )
        simulator, running = contract_simulator
        try:
            message = next(iter(kit.encode_messages(wire_type)), None) or kit.sample(wire_type)
            changes = kit.endpoint_config(str(running.url))
            encoded = kit.adapter().encode(message)
        except ContractSetupError as error:
            setup_failure(error)
            return
        prepare = getattr(simulator, "prepare", None)
        if callable(prepare):
            prepare(message)
        delivered = getattr(simulator, "delivered_payloads", None) or getattr(running, "delivered_payloads", None)
        before = len(delivered()) if callable(delivered) else 0
        recorder = _Recorder()
        key = f"contract-kit-wire-{uuid.uuid4()}"

        async def deliver_twice() -> None:
            async with recorder.client() as client:
                adapter = kit.adapter(client, **changes)
                await adapter.deliver(message, idempotency_key=key)
                recorder.requests.append(_MARK)
                await adapter.deliver(message, idempotency_key=key)

        try:
            kit.run(deliver_twice)
        except Exception as error:
            pytest.fail(
                f"delivering {wire_type} to the simulator at {running.url} raised {type(error).__name__}: {error}",
                pytrace=False,
            )
        attempts = _split(recorder.requests)
        if callable(delivered):
            wire = list(delivered())[before:]
            if not wire:
                pytest.fail(f"deliver() of a {wire_type} left nothing at the simulator", pytrace=False)
            sent = wire[0]
        else:
            with_body = [request for request in attempts[0] if request.content]
            if not with_body:
                pytest.fail(
                    f"deliver() of a {wire_type} sent no request with a body through the injected HTTP client; "
                    "use self.client (or self.request(...)) for every call",
                    pytrace=False,
                )
            sent = with_body[-1].content
            for number, attempt in enumerate(attempts, start=1):
                bodies = [request for request in attempt if request.content]
                if bodies and not _carries(bodies[-1], key):
                    pytest.fail(
                        f"delivery attempt {number} of a {wire_type} did not carry the idempotency key deliver() "
                        "was given (in no header and not in the body). Every attempt must send the caller's key "
                        "unchanged, so the vendor system can tell a retry from a new booking: never make a new key "
                        "per attempt",
                        pytrace=False,
                    )
        # the key deliver() was given stands where encode() writes the message id (wsa:MessageID, a file name)
        sent = sent.replace(key.encode(), message.message_id.encode())
        found = differences(
            payload_fields(encoded.body, encoded.content_type), payload_fields(sent, encoded.content_type), subset=True
        )
        if found:
            pytest.fail(
                f"what deliver() of a {wire_type} put on the wire differs from what encode() writes for it:\n"
                + render(found, written="sent")
                + "\nHow to fix: build the request from encode() (or the same mapping function), so the checked "
                "translation is the one that is sent",
                pytrace=False,
            )

    @contract("outbound.paging")
    def test_outbound_paging(self, paging_case: int, contract_simulator: tuple[Any, Any] | None) -> None:
        """Polling a simulator that serves several pages brings every record exactly once."""
        kit = self.kit
        if contract_simulator is None:
            pytest.skip(f"{kit.name} offers no simulator to poll")
        simulator, running = contract_simulator
        seed = getattr(simulator, "seed_pages", None)
        if not callable(seed):
            pytest.skip(
                f"{kit.name}'s simulator has no seed_pages(count) to serve several pages: add one so the kit "
                "checks that polling reads every page"
            )
        try:
            served = seed(paging_case)
            settings = {**kit.endpoint_config(str(running.url)), **dict(served["config"])}
            expected = sorted(str(key) for key in served["keys"])
        except ContractSetupError as error:
            setup_failure(error)
            return

        rejects: list[Any] = []

        async def poll_all() -> tuple[list[str], int]:
            keys: list[str] = []
            polls = 0
            cursor: str | None = None
            async with httpx.AsyncClient(timeout=10.0) as client:
                adapter = kit.adapter(client, **settings)
                while polls < _MAX_POLLS:
                    polls += 1
                    result = await adapter.poll(cursor)
                    keys += [message.business_key for message in result.messages]
                    rejects.extend(result.rejects)
                    if not result.messages or result.cursor == cursor:
                        break
                    cursor = result.cursor
            return keys, polls

        try:
            keys, polls = kit.run(poll_all)
        except Exception as error:
            pytest.fail(f"polling the simulator raised {type(error).__name__}: {error}", pytrace=False)
        missing = sorted(set(expected) - set(keys))
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if missing or repeated:
            parts = []
            if missing:
                parts.append(f"{len(missing)} of {len(expected)} records never arrived ({', '.join(missing[:5])})")
            if repeated:
                parts.append(f"{len(repeated)} arrived more than once ({', '.join(repeated[:5])})")
            if rejects:
                parts.append(f"{len(rejects)} record(s) were rejected (first: {rejects[0]})")
            pytest.fail(
                f"polling {kit.name}'s simulator, which serves {len(expected)} records over several pages, "
                f"{polls} poll(s): " + "; ".join(parts) + ". How to fix: follow the vendor's next-page link or cursor "
                "to the last page, and return the cursor after the last record read",
                pytrace=False,
            )


_MARK: Any = object()  # between the two deliveries in the recorded requests


def _split(recorded: list[Any]) -> list[list[httpx.Request]]:
    attempts: list[list[httpx.Request]] = [[]]
    for item in recorded:
        if item is _MARK:
            attempts.append([])
        else:
            attempts[-1].append(item)
    return attempts
