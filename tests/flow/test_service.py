"""The flow service over a real store (SQLite and PostgreSQL): each step's state, outbox and audit."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from adapters import Capabilities
from gateway.core.clock import SimulatedClock
from gateway.flow.lottery import lotingzaad_commitment, verify_trekking
from gateway.flow.parameters import default_parameter_table
from gateway.flow.records import (
    AanbiedingRecord,
    InschrijvingRecord,
    KandidaatRecord,
    PublicatieRecord,
    SanctieRecord,
    ToewijzingRecord,
)
from gateway.flow.sanctions import REFUSAL_REASONS
from gateway.flow.service import FlowError, FlowService
from gateway.flow.transitions import IllegalTransition
from gateway.flow.trekkingen import published_trekking
from gateway.store.audit import search
from gateway.store.models import OutboxMessage
from schemas import (
    MESSAGE_TYPES,
    AanbiedingDetailStatus,
    EenheidVrijgekomen,
    MessageSource,
    OvereenkomstGetekend,
    Publicatie,
    PublicatieModel,
    Sanctie,
)
from tests import factories
from tests.flow.builders import region
from tests.store.databases import TestDatabase, postgres_database, sqlite_database

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CORP = "corp-b"  # lets homes in Nijmegen (GM0268), the factories' gemeente
PORTAL = "portal-rijnwaal"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestDatabase]:
    if request.param == "sqlite":
        with sqlite_database(tmp_path) as database:
            yield database
    else:
        with postgres_database(request.getfixturevalue("postgres_url")) as database:
            yield database


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(START)


@pytest.fixture
def flow(db: TestDatabase, clock: SimulatedClock) -> FlowService:
    every_type = Capabilities(encodes=frozenset(MESSAGE_TYPES))
    return FlowService(
        db, region(), parameters=default_parameter_table(), clock=clock, capabilities=lambda _adapter: every_type
    )


def vacancy(unit_id: str = "E-1", model: PublicatieModel = PublicatieModel.AAN, **unit: Any) -> EenheidVrijgekomen:
    eenheid = factories.eenheid(id=unit_id, idOrganisatie=CORP, **unit)
    return EenheidVrijgekomen(
        message_id=f"vac-{unit_id}",
        correlation_id=f"flow-{unit_id}",
        source=MessageSource(tenant=CORP, system="soap_erp"),
        payload={"eenheid": eenheid, "beschikbaarPer": "2026-04-01", "gewenstModel": model},
    )


def register(flow: FlowService, count: int) -> list[str]:
    """`count` seekers in Nijmegen, registered a year apart (the first waited longest)."""
    ids = []
    for index in range(count):
        inschrijving = factories.inschrijving(
            id=f"I-{index}",
            begindatum=f"{2015 + index}-01-01",
            inkomen={"bedrag": 30000.0, "jaar": 2025, "bron": {"code": "ARB"}},
        )
        flow.register(inschrijving, portal=PORTAL)
        ids.append(inschrijving.id)
    return ids


def outbox_types(db: TestDatabase) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(OutboxMessage.type).order_by(OutboxMessage.id)))


def test_the_whole_flow_from_vacancy_to_signed_lease(
    flow: FlowService, db: TestDatabase, clock: SimulatedClock
) -> None:
    publicatie = flow.publish_vacancy(vacancy())
    seekers = register(flow, 4)
    for seeker in seekers:
        flow.respond(publicatie.id, seeker, portal=PORTAL)
    clock.advance(timedelta(days=8).total_seconds())

    assert flow.tick().windows_closed == [publicatie.id]
    with db.session() as session:
        ranked = session.scalars(
            select(KandidaatRecord)
            .where(KandidaatRecord.publicatie_id == publicatie.id)
            .order_by(KandidaatRecord.positie)
        ).all()
        assert [k.inschrijving_id for k in ranked] == seekers  # longest inschrijfduur first
        assert [k.status for k in ranked] == ["AAN", "SEL", "SEL", "SEL"]
        first_offer = flow._open_offers(session, publicatie_id=publicatie.id)[0].id

    flow.refuse(first_offer, AanbiedingDetailStatus.WBN, portal=PORTAL)
    clock.advance(timedelta(days=4).total_seconds())
    assert len(flow.tick().offers_expired) == 1  # the second candidate did not answer in time
    with db.session() as session:
        third_offer = flow._open_offers(session, publicatie_id=publicatie.id)[0]
        assert third_offer.inschrijving_id == seekers[2]
    toewijzing, warnings = flow.accept(third_offer.id, portal=PORTAL)
    assert toewijzing.inschrijving.id == seekers[2]
    assert toewijzing.passendheidsoort.code in {"PAS", "NVT"}
    assert warnings == []

    lease = OvereenkomstGetekend(
        correlation_id="flow-E-1",
        source=MessageSource(tenant=CORP, system="soap_erp"),
        payload={
            "id": "OVK-1",
            "idOrganisatie": CORP,
            "soort": {"code": "HUU"},
            "status": {"code": "LOP"},
            "begindatum": "2026-04-01",
            "eenheid": {"id": "E-1"},
            "toewijzing": {"id": toewijzing.id},
            "inschrijving": {"id": seekers[2]},
            "huurprijs": 640.25,
        },
    )
    flow.sign_contract(lease)
    flow.sign_contract(lease)  # reported twice: one effect
    with db.session() as session:
        assert session.get(PublicatieRecord, publicatie.id).status == "AFG"  # type: ignore[union-attr]
        assert session.get(InschrijvingRecord, seekers[2]).status == "BEE"  # type: ignore[union-attr]
        assert session.scalar(select(func.count()).select_from(ToewijzingRecord)) == 1
        trail = [entry.action for entry in search(session, publicatie_id=publicatie.id)]
    assert trail[0] == "publicatie.gepubliceerd"
    assert "kandidatenlijst.vrijgegeven" in trail
    assert "toewijzing.gedaan" in trail
    assert outbox_types(db) == [
        "publicatie.aangeboden",
        "kandidatenlijst.vrijgegeven",
        "aanbieding.gedaan",
        "aanbieding.gedaan",
        "aanbieding.gedaan",
        "toewijzing.gedaan",
        "publicatie.afgerond",
    ]


def test_a_released_list_carries_no_personal_data(flow: FlowService, db: TestDatabase, clock: SimulatedClock) -> None:
    publicatie = flow.publish_vacancy(vacancy())
    for seeker in register(flow, 2):
        flow.respond(publicatie.id, seeker)
    clock.advance(timedelta(days=8).total_seconds())
    flow.tick()
    with db.session() as session:
        payload = session.scalar(
            select(OutboxMessage.payload).where(OutboxMessage.type == "kandidatenlijst.vrijgegeven")
        )
    text = str(payload)
    for value in (factories.BSN_VALID, factories.VOORNAAM, factories.ACHTERNAAM, factories.EMAIL, "30000"):
        assert value not in text


def test_publishing_the_same_vacancy_twice_gives_one_listing(flow: FlowService, db: TestDatabase) -> None:
    first = flow.publish_vacancy(vacancy())
    again = flow.publish_vacancy(vacancy())
    assert first.id == again.id
    assert outbox_types(db) == ["publicatie.aangeboden"]


def test_illegal_transitions_are_refused_and_change_nothing(
    flow: FlowService, db: TestDatabase, clock: SimulatedClock
) -> None:
    publicatie = flow.publish_vacancy(vacancy())
    [seeker] = register(flow, 1)
    flow.respond(publicatie.id, seeker)
    with pytest.raises(FlowError, match="still open"):
        flow.close_window(publicatie.id)
    clock.advance(timedelta(days=8).total_seconds())
    flow.tick()
    with db.session() as session:
        offer = flow._open_offers(session, publicatie_id=publicatie.id)[0].id
    flow.refuse(offer, AanbiedingDetailStatus.HUU)
    with pytest.raises(IllegalTransition, match=r"aanbieding .* is GEW \(Geweigerd\); it cannot become TOE"):
        flow.accept(offer)
    with pytest.raises(IllegalTransition, match=r"publicatie .* is AAN"):
        flow.close_window(publicatie.id)
    with pytest.raises(FlowError, match="not a reason for refusing"):
        flow.refuse(offer, AanbiedingDetailStatus.REA)


def test_responses_outside_the_window_are_refused(flow: FlowService, clock: SimulatedClock) -> None:
    publicatie = flow.publish_vacancy(vacancy())
    [seeker] = register(flow, 1)
    clock.advance(timedelta(days=7, seconds=1).total_seconds())
    with pytest.raises(FlowError, match="not open for responses"):
        flow.respond(publicatie.id, seeker)


def test_withdrawal_before_allocation(flow: FlowService, db: TestDatabase, clock: SimulatedClock) -> None:
    publicatie = flow.publish_vacancy(vacancy())
    [seeker] = register(flow, 1)
    flow.respond(publicatie.id, seeker)
    clock.advance(timedelta(days=8).total_seconds())
    flow.tick()
    withdrawn = flow.withdraw_publicatie(publicatie.id, actor="regio-staff")
    assert withdrawn.status.code == "ING"
    with db.session() as session:
        assert flow._open_offers(session, publicatie_id=publicatie.id) == []
    with pytest.raises(IllegalTransition):
        flow.withdraw_publicatie(publicatie.id, actor="regio-staff")


def test_refusals_lead_to_a_sanction_that_blocks_the_next_listing(
    flow: FlowService, db: TestDatabase, clock: SimulatedClock
) -> None:
    [seeker] = register(flow, 1)
    for unit in ("E-1", "E-2"):
        publicatie = flow.publish_vacancy(vacancy(unit))
        flow.respond(publicatie.id, seeker)
        clock.advance(timedelta(days=8).total_seconds())
        flow.tick()
        with db.session() as session:
            offer = flow._open_offers(session, publicatie_id=publicatie.id)[0].id
        flow.refuse(offer, AanbiedingDetailStatus.GEE)
    third = flow.publish_vacancy(vacancy("E-3"))
    flow.respond(third.id, seeker)
    clock.advance(timedelta(days=8).total_seconds())
    flow.tick()
    with db.session() as session:
        record = session.scalar(select(KandidaatRecord).where(KandidaatRecord.publicatie_id == third.id))
        assert record is not None
        assert record.status == "AFG"
        assert record.afwijzing == ["GESANCTIONEERD"]


def _close_all(flow: FlowService, clock: SimulatedClock) -> None:
    clock.advance(timedelta(days=8).total_seconds())
    flow.tick()


def _offer_on(flow: FlowService, db: TestDatabase, publicatie_id: str) -> AanbiedingRecord:
    with db.session() as session:
        [offer] = flow._open_offers(session, publicatie_id=publicatie_id)
        session.expunge(offer)
    return offer


def _sanction_directly(db: TestDatabase, inschrijving_id: str, **changes: Any) -> None:
    """A Sanctie recorded beside the flow (as a corporation's own decision would be), after the ranking."""
    sanctie = Sanctie.model_validate(
        {
            "id": f"SAN-{inschrijving_id}",
            "soort": {"code": "ZWA"},
            "status": {"code": "DEF"},
            "begindatum": "2026-03-01",
            "einddatum": "2026-12-31",
            "inschrijving": {"id": inschrijving_id},
            **changes,
        }
    )
    with db.transaction() as session:
        session.add(
            SanctieRecord(
                id=sanctie.id,
                inschrijving_id=inschrijving_id,
                document=sanctie.model_dump(mode="json"),
                created_at=datetime(2026, 3, 1, tzinfo=UTC),
            )
        )


def test_a_sanction_imposed_for_refusals_withdraws_the_households_other_offers(
    flow: FlowService, db: TestDatabase, clock: SimulatedClock
) -> None:
    first, second = register(flow, 2)
    listings = [flow.publish_vacancy(vacancy(f"E-{n}")).id for n in range(3)]
    for publicatie_id in listings:
        for seeker in (first, second):
            flow.respond(publicatie_id, seeker)
    _close_all(flow, clock)
    assert {_offer_on(flow, db, p).inschrijving_id for p in listings} == {first}
    flow.refuse(_offer_on(flow, db, listings[0]).id, AanbiedingDetailStatus.GEE)
    still_open = _offer_on(flow, db, listings[2])
    flow.refuse(_offer_on(flow, db, listings[1]).id, AanbiedingDetailStatus.GEE)  # the second refusal: a sanction
    with db.session() as session:
        withdrawn = session.get(AanbiedingRecord, still_open.id)
        assert withdrawn is not None
        assert (withdrawn.status, withdrawn.detail_status) == ("ING", "ONT")
    assert all(_offer_on(flow, db, p).inschrijving_id == second for p in listings)


def test_a_sanctioned_household_is_skipped_when_its_turn_comes(
    flow: FlowService, db: TestDatabase, clock: SimulatedClock
) -> None:
    seekers = register(flow, 3)
    publicatie = flow.publish_vacancy(vacancy())
    for seeker in seekers:
        flow.respond(publicatie.id, seeker)
    _close_all(flow, clock)
    _sanction_directly(db, seekers[1])
    flow.refuse(_offer_on(flow, db, publicatie.id).id, AanbiedingDetailStatus.WBN)
    assert _offer_on(flow, db, publicatie.id).inschrijving_id == seekers[2]
    with db.session() as session:
        skipped = session.scalar(
            select(KandidaatRecord).where(
                KandidaatRecord.publicatie_id == publicatie.id, KandidaatRecord.inschrijving_id == seekers[1]
            )
        )
        assert skipped is not None
        assert (skipped.status, skipped.afwijzing) == ("AFG", ["GESANCTIONEERD"])
        assert search(session, action="aanbieding.overgeslagen")[0].detail["sanctie"] == f"SAN-{seekers[1]}"


@pytest.mark.parametrize(
    ("begindatum", "einddatum", "status", "blocks"),
    [
        ("2026-03-10", "2026-12-31", "DEF", True),  # begins on the allocation day
        ("2026-01-01", "2026-03-10", "DEF", True),  # ends on the allocation day: still running
        ("2026-01-01", "2026-03-09", "DEF", False),  # ended the day before
        ("2026-03-11", "2026-12-31", "DEF", False),  # begins the day after
        ("2026-01-01", "2026-12-31", "AAN", False),  # only drawn up, not yet definitive
    ],
)
def test_a_blocking_sanction_stops_the_acceptance(
    flow: FlowService,
    db: TestDatabase,
    clock: SimulatedClock,
    begindatum: str,
    einddatum: str,
    status: str,
    blocks: bool,
) -> None:
    [seeker] = register(flow, 1)
    publicatie = flow.publish_vacancy(vacancy())
    flow.respond(publicatie.id, seeker)
    _close_all(flow, clock)  # the allocation day is 10 March 2026
    _sanction_directly(db, seeker, begindatum=begindatum, einddatum=einddatum, status={"code": status})
    offer = _offer_on(flow, db, publicatie.id)
    if blocks:
        with pytest.raises(FlowError, match="blocking sanctie"):
            flow.accept(offer.id)
        with db.session() as session:
            assert session.scalar(select(func.count()).select_from(ToewijzingRecord)) == 0
    else:
        toewijzing, _ = flow.accept(offer.id)
        assert toewijzing.inschrijving.id == seeker


def test_a_lottery_is_committed_at_publication_and_verified_after_the_draw(
    flow: FlowService, db: TestDatabase, clock: SimulatedClock
) -> None:
    publicatie = flow.publish_vacancy(vacancy(model=PublicatieModel.LOT))
    commitment = publicatie.lotingzaad_commitment
    assert commitment is not None
    with db.session() as session:
        record = session.get(PublicatieRecord, publicatie.id)
        assert record is not None
        assert record.lotingzaad is not None
        assert lotingzaad_commitment(record.lotingzaad) == commitment
        # The commitment goes out with the listing's message and into the audit log; the secret does not.
        sent = session.scalar(select(OutboxMessage).where(OutboxMessage.type == "publicatie.aangeboden"))
        assert sent is not None
        assert sent.payload["payload"]["lotingzaadCommitment"] == commitment
        assert record.lotingzaad not in json.dumps(sent.payload)
        [published] = search(session, action="publicatie.gepubliceerd")
        assert published.detail["lotingzaad_commitment"] == commitment
        assert record.lotingzaad not in json.dumps(published.detail)
        before = published_trekking(session, record)
        assert before is not None
        assert (before["commitment"], before["lotingzaad"], before["reacties"]) == (commitment, None, [])
    seekers = register(flow, 5)
    for seeker in seekers:
        flow.respond(publicatie.id, seeker)
    withdrawn = flow.respond(publicatie.id, register_one(flow, "I-late"))
    flow.withdraw_response(withdrawn.id)  # withdrawn before closing: not part of the draw
    clock.advance(timedelta(days=8).total_seconds())
    flow.tick()
    with db.session() as session:
        record = session.get(PublicatieRecord, publicatie.id)
        assert record is not None
        draw = published_trekking(session, record)
        [revealed] = search(session, action="loting.getrokken")
    assert draw is not None
    assert draw["lotingzaad"] == record.lotingzaad  # revealed after the draw, in the audit log and the record
    assert revealed.detail["lotingzaad"] == record.lotingzaad
    assert len(draw["reacties"]) == 5
    assert withdrawn.id not in draw["reacties"]
    assert len(draw["kandidaten"]) == 5
    assert verify_trekking(draw) == []


def register_one(flow: FlowService, inschrijving_id: str) -> str:
    flow.register(factories.inschrijving(id=inschrijving_id, begindatum="2024-01-01"), portal=PORTAL)
    return inschrijving_id


def _without_expected_supply(db: TestDatabase, clock: SimulatedClock) -> FlowService:
    config = region()
    gemeenten = [g.model_copy(update={"verwacht_aanbod": None}) for g in config.gemeenten]
    every_type = Capabilities(encodes=frozenset(MESSAGE_TYPES))
    return FlowService(
        db,
        config.model_copy(update={"gemeenten": gemeenten}),
        parameters=default_parameter_table(),
        clock=clock,
        capabilities=lambda _adapter: every_type,
    )


def test_with_an_expected_supply_early_listings_keep_their_binding(flow: FlowService, db: TestDatabase) -> None:
    """Nijmegen expects 12 listings a year (demo region file): half of those may have regional binding,
    so the year's first six keep it although they come first; the seventh does not."""
    published = [flow.publish_vacancy(vacancy(f"E-{n}")) for n in range(7)]
    with db.session() as session:
        binding = [session.get(PublicatieRecord, p.id).binding for p in published]  # type: ignore[union-attr]
    assert binding == [True] * 6 + [False]


def test_binding_criteria_are_dropped_once_the_cap_is_reached(db: TestDatabase, clock: SimulatedClock) -> None:
    """Behaviour changed with issue 17: the first listing of the year keeps its binding (it was stripped),
    and from then on at most half of the gemeente's listings have it; every drop is audited with its reason.
    (No expected supply and no listings the year before: the budget grows with the listings.)"""
    flow = _without_expected_supply(db, clock)
    published = [flow.publish_vacancy(vacancy(f"E-{n}")) for n in range(6)]  # every unit asks for BIN/REG
    with db.session() as session:
        records = [session.get(PublicatieRecord, p.id) for p in published]
        binding = [(r.binding, r.binding_regionaal, r.binding_lokaal) for r in records if r is not None]
        audited = search(session, action="publicatie.gepubliceerd")
    assert [b for b, _, _ in binding] == [True, False, False, True, False, True]
    assert binding[0] == (True, True, False)
    assert not Publicatie.model_validate(published[1].model_dump(mode="json")).eenheid.criteria
    warnings = {entry.entity_id: entry.detail["binding_warnings"] for entry in audited}
    assert "regionale binding (BIN/REG) dropped from this listing" in warnings[published[1].id][0]
    assert "the next listing with it publishes without it" in warnings[published[0].id][0]


def test_refusal_reasons_are_vera_refusal_codes(vera_dir: Path) -> None:
    with (vera_dir / "Referentiedata.csv").open(encoding="utf-8-sig", newline="") as handle:
        refusals = {
            row["Code"]
            for row in csv.DictReader(handle, delimiter=";")
            if row["Soort"] == "AANBIEDINGDETAILSTATUS" and row["Parent"] == "AANBIEDINGSTATUS.GEW"
        }
    assert {reason.code for reason in REFUSAL_REASONS} == refusals


def test_the_binding_cap_counts_the_dutch_calendar_year(db: TestDatabase) -> None:
    """At 23:30 UTC on 31 December it is New Year in the Netherlands: the listings of the old year no
    longer count towards the cap. (Issue 17: the first binding listing of a year keeps its binding, so the
    test publishes two in the old year and shows the new year's first one keeping it.)"""
    clock = SimulatedClock(datetime(2025, 12, 31, 22, 0, tzinfo=UTC))  # 23:00 in the Netherlands
    flow = _without_expected_supply(db, clock)
    flow.publish_vacancy(vacancy("E-old"))
    second_old = flow.publish_vacancy(vacancy("E-old-2"))
    clock.advance(90 * 60)
    published = flow.publish_vacancy(vacancy("E-new"))
    with db.session() as session:
        assert session.get(PublicatieRecord, second_old.id).binding is False  # type: ignore[union-attr]
        assert session.get(PublicatieRecord, published.id).binding is True  # type: ignore[union-attr]
