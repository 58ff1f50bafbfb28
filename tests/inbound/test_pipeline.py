"""The pipeline on its own, over a real store: a batch the store refuses is taken row by row (only the
bad row is lost, refused with a reason that quotes no value), and a message that breaks the flow in any
way is one refusal while the next goes on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from adapters import Capabilities
from gateway.core.clock import SimulatedClock
from gateway.flow.parameters import default_parameter_table
from gateway.flow.records import EenheidRecord, InschrijvingRecord
from gateway.flow.service import FlowService
from gateway.inbound import rejections
from gateway.inbound.ownership import Channel, Via
from gateway.inbound.pipeline import InboundPipeline, reason_of
from gateway.store import audit
from gateway.store.models import InboxMessage
from schemas import MESSAGE_TYPES, InschrijvingGeregistreerd, Message, MessageSource
from tests import factories
from tests.api.world import vacancy
from tests.flow.builders import region
from tests.store.databases import TestDatabase, postgres_database, sqlite_database

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PORTAL = "portal-rijnwaal"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestDatabase]:
    if request.param == "sqlite":
        with sqlite_database(tmp_path) as database:
            yield database
    else:
        with postgres_database(request.getfixturevalue("postgres_url")) as database:
            yield database


class PoisonedFlow(FlowService):
    """The real flow, except that one message id breaks it with an error no one planned for."""

    poison = "vac-E-2"

    def handle(self, message: Message, *, tenant: str) -> None:
        if message.message_id == self.poison:
            raise RuntimeError("an unplanned failure with a value in it: Jansen")
        super().handle(message, tenant=tenant)


def make_flow(db: TestDatabase, cls: type[FlowService] = FlowService) -> FlowService:
    every_type = Capabilities(encodes=frozenset(MESSAGE_TYPES))
    return cls(
        db,
        region(),
        parameters=default_parameter_table(),
        clock=SimulatedClock(START),
        capabilities=lambda _adapter: every_type,
    )


def registration(n: int, **changes: object) -> InschrijvingGeregistreerd:
    return InschrijvingGeregistreerd(
        message_id=f"ins-{n}",
        correlation_id=f"c-ins-{n}",
        source=MessageSource(tenant=PORTAL, system="portal"),
        payload=factories.inschrijving(id=f"I-{n}").model_copy(update=changes),
    )


def test_a_message_that_breaks_the_flow_in_any_way_is_one_refusal_and_the_next_goes_on(db: TestDatabase) -> None:
    flow = make_flow(db, PoisonedFlow)
    messages = [vacancy("corp-b", f"E-{n}", factories.GEMEENTE_NIJMEGEN) for n in (1, 2, 3)]

    result = InboundPipeline(flow).take(Channel("corp-b", Via.POLL), messages, adapter="soap_erp")

    assert (result.received, result.refused_by_flow) == (3, 1)
    with db.session() as session:
        assert sorted(session.scalars(select(EenheidRecord.id))) == ["E-1", "E-3"]
        assert session.scalar(select(func.count()).where(InboxMessage.processed_at.is_(None))) == 0
        [refusal] = audit.search(session, action="inbox.refused")
        [kept] = rejections.recent(session)
    assert refusal.detail["reason"] == "the message could not be applied (RuntimeError)"  # no value quoted
    assert (kept.kind, kept.message_id) == ("flow", "vac-E-2")


@pytest.mark.postgres
def test_a_batch_the_store_refuses_is_taken_row_by_row(postgres_url: str) -> None:
    """PostgreSQL cannot store NUL in text: the batch fails, and then only that row."""
    with postgres_database(postgres_url) as database:
        flow = make_flow(database)
        bad_person = factories.inschrijving().aanvrager.model_copy(update={"achternaam": "Jan\x00sen"})
        batch = [registration(1), registration(2, aanvrager=bad_person), registration(3)]

        result = InboundPipeline(flow).take(Channel(PORTAL, Via.IMPORT), batch, adapter="csv")

        assert (result.received, result.refused_by_flow) == (2, 1)
        with database.session() as session:
            assert sorted(session.scalars(select(InschrijvingRecord.id))) == ["I-1", "I-3"]
            [kept] = rejections.recent(session)
        assert kept.message_id == "ins-2"
        assert kept.reason.startswith("the store refused the change")
        assert "Jan" not in kept.reason
        assert "Jan" not in " ".join(str(refusal) for refusal in result.refusals)


def test_reason_of_keeps_the_flows_reasons_and_only_the_kind_of_anything_else() -> None:
    from sqlalchemy.exc import IntegrityError

    from gateway.flow.service import FlowError

    assert reason_of(FlowError("no publicatie P-1")) == "no publicatie P-1"
    integrity = IntegrityError("INSERT ...", {"achternaam": "Jansen"}, Exception("duplicate key Jansen"))
    assert reason_of(integrity) == "the store refused the change (Exception)"
    assert reason_of(LookupError("no corporatie corp-z in the region")) == "no corporatie corp-z in the region"
    assert reason_of(KeyError("Jansen")) == "the message could not be applied (KeyError)"  # a dict's key: a value
    assert reason_of(ValueError("Jansen")) == "the message could not be applied (ValueError)"


class UnreachableStoreFlow(FlowService):
    """The flow when the database connection drops while a message is applied."""

    def handle(self, message: Message, *, tenant: str) -> None:
        from sqlalchemy.exc import OperationalError

        raise OperationalError("UPDATE ...", {}, Exception("server closed the connection unexpectedly"))


def test_an_unreachable_store_is_no_refusal_the_message_waits_for_the_next_round(db: TestDatabase) -> None:
    from sqlalchemy.exc import OperationalError

    message = vacancy("corp-b", "E-1", factories.GEMEENTE_NIJMEGEN)
    with pytest.raises(OperationalError):
        InboundPipeline(make_flow(db, UnreachableStoreFlow)).take(Channel("corp-b", Via.POLL), [message], adapter="x")
    with db.session() as session:
        assert session.scalar(select(func.count()).where(InboxMessage.processed_at.is_(None))) == 1
        assert rejections.recent(session) == []

    assert InboundPipeline(make_flow(db)).apply_pending() == 0  # the store is back: applied, not refused
    with db.session() as session:
        assert list(session.scalars(select(EenheidRecord.id))) == ["E-1"]
