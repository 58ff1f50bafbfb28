"""The audit log: searchable by business keys, append-only in code and in the database, no personal data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from gateway.store import AuditEntry, audit
from tests import factories
from tests.delivery.builders import inschrijving_message, publicatie_message, reactie_message, toewijzing_message
from tests.store.databases import TestDatabase

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_keys_follow_the_payload_and_its_references() -> None:
    assert audit.keys_of(publicatie_message("P-1")).publicatie_id == "P-1"
    reactie = audit.keys_of(reactie_message())
    assert (reactie.publicatie_id, reactie.inschrijving_id, reactie.toewijzing_id) == ("P-2001", "I-3001", None)
    toewijzing = audit.keys_of(toewijzing_message("T-9"))
    assert (toewijzing.toewijzing_id, toewijzing.publicatie_id, toewijzing.inschrijving_id) == (
        "T-9",
        "P-2001",
        "I-3001",
    )
    message = inschrijving_message()
    keys = audit.keys_of(message)
    assert keys.inschrijving_id == "I-3001"
    assert (keys.correlation_id, keys.message_id) == ("flow-I-3001", message.message_id)


def test_entries_are_found_by_business_key_and_correlation_id(database: TestDatabase) -> None:
    with database.transaction() as session:
        for index, message in enumerate([publicatie_message("P-1"), reactie_message(), toewijzing_message()]):
            audit.record(
                session,
                at=T0 + timedelta(minutes=index),
                actor="test",
                action="outbox.enqueued",
                entity_type="outbox",
                entity_id=str(index),
                keys=audit.keys_of(message),
                detail={"type": message.type},
            )
    with database.session() as session:
        assert [e.entity_id for e in audit.search(session, publicatie_id="P-2001")] == ["1", "2"]
        assert [e.entity_id for e in audit.search(session, correlation_id="flow-P-1")] == ["0"]
        assert [e.entity_id for e in audit.search(session, toewijzing_id="T-6001")] == ["2"]
        assert [
            e.entity_id for e in audit.search(session, inschrijving_id="I-3001", since=T0 + timedelta(minutes=2))
        ] == ["2"]
        assert audit.search(session, publicatie_id="P-unknown") == []


def test_code_cannot_change_or_delete_an_entry(database: TestDatabase) -> None:
    with database.transaction() as session:
        audit.record(session, at=T0, actor="test", action="x", entity_type="outbox")

    def rewrite() -> None:
        with database.transaction() as session:
            entry = session.scalars(select(AuditEntry)).one()
            entry.action = "rewritten"

    def remove() -> None:
        with database.transaction() as session:
            session.delete(session.scalars(select(AuditEntry)).one())

    with pytest.raises(audit.AuditLogIsAppendOnly):
        rewrite()
    with pytest.raises(audit.AuditLogIsAppendOnly):
        remove()
    with database.session() as session:
        assert session.scalars(select(AuditEntry.action)).all() == ["x"]


@pytest.mark.parametrize(
    "statement",
    [
        update(AuditEntry).values(actor="someone else"),
        delete(AuditEntry),
    ],
    ids=["update", "delete"],
)
def test_the_database_refuses_updates_and_deletes(database: TestDatabase, statement: object) -> None:
    with database.transaction() as session:
        audit.record(session, at=T0, actor="test", action="x", entity_type="outbox")
    with pytest.raises(DBAPIError, match="append-only"), database.transaction() as session:
        session.execute(statement)  # type: ignore[call-overload]  # both are executable statements
    with database.session() as session:
        assert session.scalars(select(AuditEntry.actor)).all() == ["test"]


def test_postgres_refuses_truncate_too(database: TestDatabase) -> None:
    if database.dialect != "postgresql":
        return  # SQLite has no TRUNCATE; DELETE is refused (above)
    with pytest.raises(DBAPIError, match="append-only"), database.transaction() as session:
        session.execute(text("TRUNCATE audit_log"))


def test_personal_values_are_refused_in_detail(database: TestDatabase) -> None:
    message = inschrijving_message()
    with pytest.raises(ValueError, match="personal value") as caught, database.transaction() as session:
        audit.record(
            session,
            at=T0,
            actor="test",
            action="inbox.received",
            entity_type="inbox",
            detail={"who": factories.ACHTERNAAM},
            about=message,
        )
    assert factories.ACHTERNAAM not in str(caught.value)
    with database.session() as session:
        assert session.scalars(select(AuditEntry)).all() == []
