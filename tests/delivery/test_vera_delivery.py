"""The outbox delivering through the reference VERA adapter to its simulator (real HTTP, real store)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from adapters.sdk.simulator import Fault
from adapters.vera import mapping
from adapters.vera.adapter import VeraAdapter
from adapters.vera.config import VeraConfig
from adapters.vera.simulator import DEFAULT_API_KEY, VENDOR_EXTRA_ATTRIBUUT, VeraSimulator, with_vendor_fields
from gateway.core.clock import SimulatedClock
from gateway.delivery import Destination, Dispatcher, RetryPolicy
from gateway.store import audit
from tests.adapters.vera.cases import CASES
from tests.delivery.builders import publicatie_message
from tests.delivery.helpers import deliver_all, put, row, statuses
from tests.store.databases import TestDatabase

VERA = Destination("corp-a", "vera")


@pytest.fixture
def vera() -> Iterator[VeraSimulator]:
    with VeraSimulator().running() as simulator:
        yield simulator


def _resolver(simulator: VeraSimulator) -> Any:
    def resolve(destination: Destination) -> VeraAdapter:
        assert destination == VERA
        return VeraAdapter(VeraConfig(base_url=simulator.url, api_key=SecretStr(DEFAULT_API_KEY)))

    return resolve


async def test_the_outbox_delivers_through_the_vera_adapter(
    database: TestDatabase, vera: VeraSimulator, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    messages = [publicatie_message(f"P-{i}") for i in range(3)]
    ids = put(database, clock, messages, VERA)
    vera.faults.fail_next(Fault.UNAVAILABLE)
    worker = Dispatcher(
        database, _resolver(vera), clock=clock, policy=RetryPolicy(base_seconds=1.0), worker_id="vera-test"
    )
    dispatchers.append(worker)
    await deliver_all([worker], database, clock)

    assert statuses(database) == {"delivered": 3}
    assert sorted(e.idempotency_key for e in vera.ledger.effects()) == sorted(m.message_id for m in messages)
    assert sorted(record["id"] for record in vera.records("publicaties")) == ["P-0", "P-1", "P-2"]
    assert {row(database, outbox_id).last_status for outbox_id in ids} <= {200, 201}


async def test_a_vera_system_recognises_a_redelivery_by_its_key(
    database: TestDatabase, vera: VeraSimulator, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    """The first delivery's answer was lost (the worker died): the outbox sends again, VERA replays its answer."""
    message = publicatie_message("P-9")
    [outbox_id] = put(database, clock, [message], VERA)
    direct = _resolver(vera)(VERA)
    try:
        first = await direct.deliver(message, idempotency_key=message.message_id)
    finally:
        await direct.aclose()
    assert not first.duplicate

    worker = Dispatcher(database, _resolver(vera), clock=clock, worker_id="vera-test")
    dispatchers.append(worker)
    await deliver_all([worker], database, clock)
    assert row(database, outbox_id).status == "delivered"
    assert len(vera.ledger.effects()) == 1
    assert vera.ledger.duplicates() == 1
    assert len(vera.records("publicaties")) == 1
    with database.session() as session:
        [entry] = audit.search(session, action="delivery.delivered")
    assert entry.detail["receiver_had_it"] is True


async def test_the_outbox_write_back_keeps_what_the_corporation_holds(
    database: TestDatabase, vera: VeraSimulator, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    """A status change and an allocation the corporation entered itself: merged into its records, not replaced,
    also when a colleague edits one of them between the adapter's read and its write."""
    withdrawn, allocation = CASES["publicatie_ingetrokken"](), CASES["toewijzing_gedaan"]()
    held: dict[str, dict[str, Any]] = {}
    for message in (withdrawn, allocation):
        resource = mapping.resource_for_type(message.type).name
        body = mapping.encode(message).body
        assert isinstance(body, dict)
        held[resource], _ = with_vendor_fields(body)
        vera.preload(resource, [held[resource]])
    vera.edit_after_read("publicaties", withdrawn.payload.id, {"leverancierStatus": "door collega gewijzigd"})
    put(database, clock, [withdrawn, allocation], VERA)
    worker = Dispatcher(database, _resolver(vera), clock=clock, worker_id="vera-test")
    dispatchers.append(worker)
    await deliver_all([worker], database, clock)

    assert statuses(database) == {"delivered": 2}
    [publicatie], [toewijzing] = vera.records("publicaties"), vera.records("toewijzingen")
    assert publicatie["leverancierStatus"] == "door collega gewijzigd"
    assert publicatie["leverancierKenmerken"] == held["publicaties"]["leverancierKenmerken"]
    assert toewijzing["leverancierKenmerken"] == held["toewijzingen"]["leverancierKenmerken"]
    assert all(VENDOR_EXTRA_ATTRIBUUT in r["extra-attributen"] for r in (publicatie, toewijzing))
    assert publicatie["status"]["code"] == "ING"
