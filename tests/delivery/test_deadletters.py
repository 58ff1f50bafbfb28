"""Dead letters and replay: a permanent error dead-letters at once; after the fix, replay delivers it."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from adapters.sdk.simulator import Fault
from gateway.core.clock import SimulatedClock
from gateway.delivery import Destination, Dispatcher, ReplayError, lineage, list_dead_letters, replay, replay_all
from gateway.store import AuditEntry, OutboxMessage, audit
from tests.delivery.builders import publicatie_message
from tests.delivery.helpers import CORP_A, deliver_all, dispatcher, put, row
from tests.delivery.sink import Sink
from tests.factories import T0
from tests.store.databases import TestDatabase


async def test_refused_then_fixed_then_replayed(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    message = publicatie_message("P-7")
    [original_id] = put(database, clock, [message])
    sink.refused_keys.add("P-7")  # the vendor does not know this unit yet: 422, permanent
    dispatchers.append(worker := dispatcher(database, sink, clock))
    await deliver_all([worker], database, clock)

    with database.session() as session:
        [letter] = list_dead_letters(session)
    assert (letter.id, letter.attempts, letter.last_status, letter.error_class) == (
        original_id,
        1,
        422,
        "PermanentError",
    )
    assert letter.reason is not None
    assert "422" in letter.reason
    assert sink.ledger.effects() == []

    sink.refused_keys.clear()  # the vendor fixed its unit register
    replayed_at = clock.advance(3600)
    with database.transaction() as session:
        child = replay(session, original_id, actor="ops:anna", reason="unit registered at vendor", clock=clock)
        child_id = child.id
    await deliver_all([worker], database, clock)

    assert [e.idempotency_key for e in sink.ledger.effects()] == [message.message_id]
    with database.session() as session:
        family = lineage(session, child_id)
        assert [(m.id, m.generation, m.status, m.parent_id) for m in family] == [
            (original_id, 0, "dead", None),
            (child_id, 1, "delivered", original_id),
        ]
        assert family[1].replayed_by == "ops:anna"
        assert family[1].replay_reason == "unit registered at vendor"
        assert family[1].replayed_at == replayed_at
        assert family[1].idempotency_key == family[0].idempotency_key  # the receiver sees one effect
        assert [m.id for m in lineage(session, original_id)] == [original_id, child_id]
        assert list_dead_letters(session) == []  # replayed letters leave the list...
        [shown] = list_dead_letters(session, include_replayed=True)  # ...unless asked for
        assert shown.replayed_as == child_id
        replayed = audit.search(session, action="outbox.replayed")
        assert [(e.actor, e.publicatie_id, e.detail["replay_of"]) for e in replayed] == [
            ("ops:anna", "P-7", original_id)
        ]
        # The free-text reason stays out of the append-only log.
        assert "unit registered" not in str(session.scalars(select(AuditEntry.detail)).all())


async def test_replay_of_a_dead_letter_that_took_effect_after_all_is_not_a_second_effect(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    """Dead after timeouts, though the vendor had applied it: the replay's same key dedupes it."""
    message = publicatie_message("P-8")
    [original_id] = put(database, clock, [message])
    sink.ledger.record(message.message_id, message.type, {})  # the effect happened; the answers never came
    sink.faults.fail_next(Fault.SERVER_ERROR, count=2)
    dispatchers.append(worker := dispatcher(database, sink, clock, max_attempts=2, threshold=100))
    await deliver_all([worker], database, clock)
    assert row(database, original_id).status == "dead"

    with database.transaction() as session:
        replay(session, original_id, actor="ops", clock=clock)
    await deliver_all([worker], database, clock)
    assert len(sink.ledger.effects()) == 1
    assert sink.ledger.duplicates() == 1


def test_only_a_dead_letter_can_be_replayed_and_only_once(database: TestDatabase, clock: SimulatedClock) -> None:
    [pending_id, dead_id] = put(database, clock, [publicatie_message("P-1"), publicatie_message("P-2")])
    _kill(database, dead_id)
    with database.transaction() as session, pytest.raises(ReplayError, match="pending, not a dead letter"):
        replay(session, pending_id, actor="ops", clock=clock)
    with database.transaction() as session, pytest.raises(ReplayError, match="does not exist"):
        replay(session, 99_999, actor="ops", clock=clock)
    with database.transaction() as session:
        child = replay(session, dead_id, actor="ops", clock=clock)
        child_id = child.id
    with database.transaction() as session, pytest.raises(ReplayError, match=f"replayed already as {child_id}"):
        replay(session, dead_id, actor="ops", clock=clock)
    # A replay that dies too can be replayed in its turn: generation 2, same key.
    _kill(database, child_id)
    with database.transaction() as session:
        grandchild = replay(session, child_id, actor="ops", clock=clock)
        assert (grandchild.generation, grandchild.parent_id) == (2, child_id)
        assert [m.generation for m in lineage(session, dead_id)] == [0, 1, 2]


def test_the_operators_reason_is_kept_without_personal_data(database: TestDatabase, clock: SimulatedClock) -> None:
    [dead_id] = put(database, clock, [publicatie_message("P-1")])
    _kill(database, dead_id)
    reason = "seeker 111222333 (j.jansen@example.nl, NL91ABNA0417164300) asked; unit now registered at vendor"
    with database.transaction() as session:
        child_id = replay(session, dead_id, actor="ops", reason=reason, clock=clock).id
    stored = row(database, child_id).replay_reason
    assert stored is not None
    assert "unit now registered at vendor" in stored
    for personal in ("111222333", "j.jansen@example.nl", "NL91ABNA0417164300"):
        assert personal not in stored


def test_replay_all_takes_every_open_dead_letter_or_one_adapters(database: TestDatabase, clock: SimulatedClock) -> None:
    ids = put(database, clock, [publicatie_message(f"P-{i}") for i in range(3)])
    [other_id] = put(database, clock, [publicatie_message("P-9")], Destination("corp-a", "other-adapter"))
    for outbox_id in [*ids, other_id]:
        _kill(database, outbox_id)
    with database.transaction() as session:
        children = replay_all(session, actor="ops", reason="vendor fixed", adapter="other-adapter", clock=clock)
        assert [c.parent_id for c in children] == [other_id]
    with database.transaction() as session:
        children = replay_all(session, actor="ops", clock=clock)
        assert sorted(c.parent_id for c in children if c.parent_id) == sorted(ids)
    with database.session() as session:
        assert list_dead_letters(session) == []
        assert len(list_dead_letters(session, include_replayed=True)) == 4
        assert [d.adapter for d in list_dead_letters(session, adapter="other-adapter", include_replayed=True)] == [
            "other-adapter"
        ]
        assert list_dead_letters(session, corporation="corp-b", include_replayed=True) == []
    assert CORP_A.endpoint == "corp-a/test-sink"


def _kill(database: TestDatabase, outbox_id: int) -> None:
    """Make a message a dead letter directly (how it died is tested elsewhere)."""
    with database.transaction() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id)
            .values(status="dead", dead_at=T0, last_error="refused (test)", last_status=400)
        )


async def test_a_replay_after_a_newer_version_was_delivered_sends_nothing(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    """v0 of the listing dies; v1 is delivered; replaying v0 would roll the vendor back to v0."""
    [old_id] = put(database, clock, [publicatie_message("P-8", 0)])
    sink.refused_keys.add("P-8")
    dispatchers.append(worker := dispatcher(database, sink, clock))
    await deliver_all([worker], database, clock)
    sink.refused_keys.clear()
    [new_id] = put(database, clock, [publicatie_message("P-8", 1)])
    await deliver_all([worker], database, clock)
    assert [e.idempotency_key for e in sink.ledger.effects()] == ["msg-P-8-1"]

    with database.transaction() as session:
        marked = replay(session, old_id, actor="ops:anna", reason="vendor fixed", clock=clock)
        assert (marked.id, marked.superseded_by) == (old_id, new_id)
    with database.transaction() as session:
        assert replay(session, old_id, actor="ops:anna", clock=clock).id == old_id  # again: still nothing
        assert replay_all(session, actor="ops", clock=clock) == []
    await deliver_all([worker], database, clock)

    assert [e.idempotency_key for e in sink.ledger.effects()] == ["msg-P-8-1"]  # nothing sent
    with database.session() as session:
        assert [m.id for m in lineage(session, old_id)] == [old_id]  # no child was made
        [letter] = list_dead_letters(session)
        assert (letter.id, letter.superseded_by) == (old_id, new_id)
        assert list_dead_letters(session, include_superseded=False) == []
        [entry] = audit.search(session, action="outbox.superseded")
    assert entry.detail["superseded_by"] == new_id


async def test_an_older_delivered_version_does_not_supersede_a_newer_dead_letter(
    database: TestDatabase, sink: Sink, clock: SimulatedClock, dispatchers: list[Dispatcher]
) -> None:
    dispatchers.append(worker := dispatcher(database, sink, clock))
    put(database, clock, [publicatie_message("P-9", 0)])
    await deliver_all([worker], database, clock)
    sink.refused_keys.add("P-9")
    [dead_id] = put(database, clock, [publicatie_message("P-9", 1)])
    await deliver_all([worker], database, clock)
    sink.refused_keys.clear()

    with database.transaction() as session:
        child = replay(session, dead_id, actor="ops", clock=clock)
        assert (child.parent_id, child.superseded_by) == (dead_id, None)
    await deliver_all([worker], database, clock)
    assert [e.idempotency_key for e in sink.ledger.effects()] == ["msg-P-9-0", "msg-P-9-1"]
