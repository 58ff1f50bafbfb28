"""Idempotency: the same message delivered twice has one effect at the vendor system.

The gateway delivers at least once: after a timeout it cannot know whether the vendor got the message,
so it sends it again with the same idempotency key. The adapter must carry that key so the vendor system
applies the message once. The kit checks this against the adapter's own local simulator (no live
system): deliver, deliver the same again, then deliver a different message as a control (proving the
simulator's ledger counts deliveries at all).

The simulator comes from the adapter's `simulator()` classmethod or `contract_test_class(simulator=...)`:
an object whose `.running()` context manager yields something with a `.url`, and which (or whose running
form) has a `.ledger` with `effects()` listing each distinct effect once — `adapters.sdk.simulator.Ledger`
does exactly this. The adapter is pointed at it through `endpoint_config(url)`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any, ClassVar

import httpx
import pytest

from adapters import DeliveryReceipt
from contract_tests.kit import ContractKit, ContractSetupError
from contract_tests.suites.base import Cases, Provider, Suite, contract, setup_failure

__all__ = ["IdempotencySuite"]


def delivered_types(kit: ContractKit) -> Cases:
    applicable = kit.overrides_method("deliver") and bool(kit.encodes)
    reason = (
        f"not applicable: {kit.name} does not deliver (deliver() not implemented), so idempotency at the "
        "receiver is the gateway inbox's job"
    )
    return ([(t, t) for t in kit.encodes] if applicable else []), reason


def _ledger(simulator: Any, running: Any) -> Any:
    for holder in (running, simulator):
        ledger = getattr(holder, "ledger", None)
        if ledger is not None and callable(getattr(ledger, "effects", None)):
            return ledger
    raise ContractSetupError(
        "the simulator has no `ledger` with an `effects()` method (on the simulator or what running() yields); "
        "use adapters.sdk.simulator.Ledger to record each delivery by its idempotency key"
    )


class IdempotencySuite(Suite):
    providers: ClassVar[dict[str, Provider]] = {"delivered_type": delivered_types}

    @pytest.fixture(scope="class")
    @classmethod
    def contract_simulator(cls) -> Iterator[tuple[Any, Any] | None]:
        """The adapter's simulator, running for this class's idempotency tests (None when it has none)."""
        factory = cls.kit.hook("simulator")
        if factory is None:
            yield None
            return
        simulator = factory()
        with simulator.running() as running:
            yield simulator, running

    @contract("idempotency.redelivery")
    def test_idempotency_redelivery(self, delivered_type: str, contract_simulator: tuple[Any, Any] | None) -> None:
        """Deliver a message twice with one key: one effect. A different message: a second effect."""
        kit = self.kit
        if contract_simulator is None:
            pytest.fail(
                f"{kit.name} offers no simulator, so the kit cannot check that a redelivery has one effect. Add a "
                "classmethod `simulator()` returning a local vendor system (see adapters.sdk.simulator: "
                "SimulatorServer and Ledger), or pass simulator=... to contract_test_class, or opt out of "
                "'idempotency' with the reason",
                pytrace=False,
            )
        simulator, running = contract_simulator
        try:
            ledger = _ledger(simulator, running)
            message = kit.sample(delivered_type)
            control = kit.sample(delivered_type, other_than=message)
            changes = kit.endpoint_config(str(running.url))
        except ContractSetupError as error:
            setup_failure(error)
            return
        key = f"contract-kit-{uuid.uuid4()}"

        prepare = getattr(simulator, "prepare", None)
        if callable(prepare):
            prepare(message)
            prepare(control)

        async def deliveries() -> tuple[int, int, int, list[DeliveryReceipt]]:
            async with httpx.AsyncClient(timeout=10.0) as client:
                adapter = kit.adapter(client, **changes)
                start = len(ledger.effects())
                first = await adapter.deliver(message, idempotency_key=key)
                after_first = len(ledger.effects())
                second = await adapter.deliver(message, idempotency_key=key)
                after_second = len(ledger.effects())
                third = await adapter.deliver(control, idempotency_key=f"{key}-control")
                after_control = len(ledger.effects())
            return after_first - start, after_second - after_first, after_control - after_second, [first, second, third]

        failure: BaseException | None = None
        try:
            first, again, control_effects, receipts = kit.run(deliveries)
        except Exception as error:
            failure = error
        if isinstance(failure, ContractSetupError):
            setup_failure(failure)
        if failure is not None:
            pytest.fail(
                f"delivering {delivered_type} to the simulator at {running.url} raised "
                f"{type(failure).__name__}: {failure}. Check that endpoint_config(url) points the adapter at the "
                "simulator and that the simulator accepts what deliver() sends (a message that changes an existing "
                "record needs it there first: give the simulator a `prepare(message)` method that creates it)",
                pytrace=False,
            )
        for receipt in receipts:
            if not isinstance(receipt, DeliveryReceipt):
                pytest.fail(
                    f"deliver() returned {type(receipt).__name__}; it returns adapters.DeliveryReceipt", pytrace=False
                )
        if receipts[0].idempotency_key != key:
            pytest.fail(
                f"deliver() returned a receipt for key {receipts[0].idempotency_key!r}, not the key it was given; "
                "return DeliveryReceipt(idempotency_key, ...) with the caller's key",
                pytrace=False,
            )
        if first != 1:
            pytest.fail(
                f"the first delivery of a {delivered_type} had {first} effects at the simulator (expected 1). Does "
                "deliver() reach the simulator, and does the simulator record each delivery in its ledger?",
                pytrace=False,
            )
        if again != 0:
            pytest.fail(
                f"delivering the same {delivered_type} message again with the same idempotency key had {again} "
                "more effect(s) at the vendor system. The gateway redelivers after timeouts and crashes, so send the "
                "key along (an Idempotency-Key header, or a message id the vendor deduplicates on) and let a "
                "redelivery change nothing",
                pytrace=False,
            )
        if control_effects != 1:
            pytest.fail(
                f"a different {delivered_type} message with its own key had {control_effects} effect(s) (expected 1): "
                "the simulator's ledger does not count distinct deliveries, so this check proves nothing. Record "
                "each delivery by its idempotency key (adapters.sdk.simulator.Ledger.record)",
                pytrace=False,
            )
