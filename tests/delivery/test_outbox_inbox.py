"""The transactional outbox and the idempotent inbox."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gateway.core.clock import SimulatedClock
from gateway.delivery import (
    Destination,
    DuplicateKeyConflict,
    enqueue,
    enqueue_many,
    mark_processed,
    receive,
    unprocessed,
)
from gateway.store import AuditEntry, InboxMessage, OutboxMessage, audit
from schemas import MessageSource, parse_message
from tests import factories
from tests.delivery.builders import inschrijving_message, publicatie_message
from tests.delivery.helpers import CORP_A, CORP_B
from tests.store.databases import TestDatabase


def _count(database: TestDatabase, model: type[object]) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_enqueue_commits_and_rolls_back_with_the_callers_change(database: TestDatabase, clock: SimulatedClock) -> None:
    class FlowFailed(Exception):
        pass

    def change_then_fail() -> None:
        with database.transaction() as session:
            enqueue(session, publicatie_message("P-1"), CORP_A, clock=clock)
            raise FlowFailed  # the caller's state change fails after the enqueue

    with pytest.raises(FlowFailed):
        change_then_fail()
    assert _count(database, OutboxMessage) == 0
    assert _count(database, AuditEntry) == 0  # no trace of a message that was never promised

    with database.transaction() as session:
        row = enqueue(session, publicatie_message("P-1"), CORP_A, clock=clock)
        assert row.id is not None  # flushed, so the caller can refer to it, but not committed by enqueue
    assert _count(database, OutboxMessage) == 1


def test_enqueue_stores_what_dispatch_needs(database: TestDatabase, clock: SimulatedClock) -> None:
    message = publicatie_message("P-1")
    with database.transaction() as session:
        row = enqueue(session, message, CORP_A, clock=clock)
    assert (row.idempotency_key, row.message_id, row.generation) == (message.message_id, message.message_id, 0)
    assert (row.corporation, row.adapter, row.endpoint) == ("corp-a", "test-sink", "corp-a/test-sink")
    assert (row.business_key, row.ordering_key, row.status, row.attempts) == ("P-1", "P-1", "pending", 0)
    assert row.next_attempt_at == clock.now()
    assert parse_message(row.payload) == message  # the full message survives the round trip
    with database.session() as session:
        [entry] = audit.search(session, publicatie_id="P-1")
    assert (entry.action, entry.detail["destination"]) == ("outbox.enqueued", "corp-a/test-sink")


def test_enqueueing_twice_is_a_no_op(database: TestDatabase, clock: SimulatedClock) -> None:
    message = publicatie_message("P-1")
    with database.transaction() as session:
        first = enqueue(session, message, CORP_A, clock=clock)
    with database.transaction() as session:
        again = enqueue(session, message, CORP_A, clock=clock)
    assert again.id == first.id
    assert _count(database, OutboxMessage) == 1


def test_one_message_to_two_destinations_needs_enqueue_many(database: TestDatabase, clock: SimulatedClock) -> None:
    message = publicatie_message("P-1")
    with database.transaction() as session:
        enqueue(session, message, CORP_A, clock=clock)
    with database.transaction() as session, pytest.raises(DuplicateKeyConflict, match="enqueue_many"):
        enqueue(session, message, CORP_B, clock=clock)

    other = publicatie_message("P-2")
    with database.transaction() as session:
        rows = enqueue_many(session, other, [CORP_A, CORP_B], clock=clock)
        keys = [r.idempotency_key for r in rows]
    assert keys == [f"{other.message_id}@corp-a/test-sink", f"{other.message_id}@corp-b/test-sink"]


def test_unordered_and_custom_business_keys(database: TestDatabase, clock: SimulatedClock) -> None:
    with database.transaction() as session:
        loose = enqueue(session, publicatie_message("P-1"), CORP_A, ordered=False, clock=clock)
        keyed = enqueue(session, publicatie_message("P-2"), CORP_A, business_key="region-42", clock=clock)
    assert (loose.business_key, loose.ordering_key) == ("P-1", None)
    assert (keyed.business_key, keyed.ordering_key) == ("region-42", "region-42")


def test_a_destination_must_be_well_formed() -> None:
    assert Destination.parse("corp-a/vera") == Destination("corp-a", "vera")
    for bad in (("", "vera"), ("corp/a", "vera"), ("corp-a", "")):
        with pytest.raises(ValueError, match="destination"):
            Destination(*bad)


def test_the_inbox_stores_once_and_acknowledges_repeats(database: TestDatabase, clock: SimulatedClock) -> None:
    message = publicatie_message("P-1")
    with database.transaction() as session:
        stored, duplicate = receive(session, message, clock=clock)
        first_id = stored.id
    assert not duplicate
    with database.transaction() as session:
        again = receive(session, message, clock=clock)
    assert again.duplicate
    assert again.stored.id == first_id
    assert _count(database, InboxMessage) == 1

    # The same message id from another tenant is another message.
    foreign = message.model_copy(update={"source": MessageSource(tenant="corp-b", system="erp")})
    with database.transaction() as session:
        assert not receive(session, foreign, clock=clock).duplicate
    with database.session() as session:
        assert [e.action for e in audit.search(session, message_id=message.message_id)] == [
            "inbox.received",
            "inbox.duplicate",
            "inbox.received",
        ]


def test_processing_is_marked_once(database: TestDatabase, clock: SimulatedClock) -> None:
    with database.transaction() as session:
        for index in range(3):
            receive(session, publicatie_message(f"P-{index}"), clock=clock)
    with database.transaction() as session:
        batch = unprocessed(session, limit=2)
        assert [parse_message(r.payload).business_key for r in batch] == ["P-0", "P-1"]
        for inbox_row in batch:
            mark_processed(session, inbox_row.id, clock=clock)
    with database.transaction() as session:
        assert [r.message_id for r in unprocessed(session)] == ["msg-P-2-0"]
        with pytest.raises(LookupError, match="processed already"):
            mark_processed(session, batch[0].id, clock=clock)


def test_no_personal_data_reaches_the_audit_log(database: TestDatabase, clock: SimulatedClock) -> None:
    message = inschrijving_message()
    with database.transaction() as session:
        receive(session, message, clock=clock)
        enqueue(session, message, CORP_A, clock=clock)
    with database.session() as session:
        entries = session.scalars(select(AuditEntry)).all()
        text = repr([(e.actor, e.action, e.entity_id, e.detail, e.inschrijving_id) for e in entries])
    assert len(entries) == 2
    assert entries[0].inschrijving_id == "I-3001"
    for personal in (factories.BSN_VALID, factories.ACHTERNAAM, factories.VOORNAAM, factories.EMAIL, "1987-03-14"):
        assert personal not in text
