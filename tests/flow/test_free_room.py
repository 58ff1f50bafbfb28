"""Free room outside the passend and DAEB norms, and the region's own passend exceptions: at their
boundaries, in eligibility and through the flow (offer and acceptance judged again)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from adapters import Capabilities
from gateway.core.clock import SimulatedClock
from gateway.flow.eligibility import RejectionReason, check_eligibility
from gateway.flow.free_room import FreeRoom, free_room, room_allows
from gateway.flow.parameters import default_parameter_table
from gateway.flow.policy import RegionPolicy
from gateway.flow.quotas import Shares
from gateway.flow.records import (
    EenheidRecord,
    InschrijvingRecord,
    KandidaatRecord,
    PublicatieRecord,
    ToewijzingRecord,
)
from gateway.flow.service import FlowError, FlowService
from schemas import MESSAGE_TYPES, PassendheidDetailSoort
from tests import factories
from tests.flow.builders import household, region, unit
from tests.flow.test_service import CORP, PORTAL, START, vacancy
from tests.store.databases import TestDatabase, sqlite_database

DAY = datetime(2026, 3, 10, tzinfo=UTC).date()


@pytest.mark.parametrize(
    ("share", "outside", "lettings", "allowed"),
    [
        ("0.05", 0, 18, False),  # the 1st non-passend letting would be 1 of 19: above 5%
        ("0.05", 0, 19, True),  # 1 of 20 is exactly 5%
        ("0.05", 1, 38, False),
        ("0.05", 1, 39, True),
        ("0.075", 0, 12, False),
        ("0.075", 0, 13, True),  # 1 of 14 = 7.1%
        ("0.15", 0, 5, False),
        ("0.15", 0, 6, True),  # 1 of 7 = 14.3%: only where the region agreed 15%
        ("0", 0, 1000, False),
    ],
)
def test_room_at_its_boundaries(share: str, outside: int, lettings: int, allowed: bool) -> None:
    assert room_allows(Decimal(share), outside, lettings) is allowed


def test_room_of_a_corporations_year() -> None:
    year = Shares(lettings=40, daeb=14, daeb_doelgroep=13, passend=19, niet_passend=1, binding=0)
    room = free_room(year, passend_share=Decimal("0.05"), daeb_share=Decimal("0.15"))
    assert room == FreeRoom(passend=False, daeb=True)


def test_the_regions_free_shares_are_capped_by_the_law() -> None:
    assert RegionPolicy().passend_free_share == Decimal("0.05")
    assert RegionPolicy().daeb_free_share == Decimal("0.075")
    assert RegionPolicy(daeb_free_share=Decimal("0.15")).daeb_free_share == Decimal("0.15")
    with pytest.raises(ValidationError):
        RegionPolicy(daeb_free_share=Decimal("0.16"))
    with pytest.raises(ValidationError):
        RegionPolicy(passend_free_share=Decimal("0.051"))


def _eligibility(inschrijving: Any, eenheid: Any, policy: RegionPolicy, **kwargs: Any) -> Any:
    parameters = default_parameter_table().for_date(DAY)
    return check_eligibility(inschrijving, eenheid, policy=policy, parameters=parameters, allocation_date=DAY, **kwargs)


def test_a_non_passend_household_through_an_exception_or_the_free_room() -> None:
    low_income, above_aftopping = household(income="25000.00"), unit(rekenhuur="750.00")
    policy = RegionPolicy(passend_exceptions=[PassendheidDetailSoort.HHV])
    refused = _eligibility(low_income, above_aftopping, policy)
    assert refused.reasons == (RejectionReason.NIET_PASSEND,)
    through_room = _eligibility(low_income, above_aftopping, policy, free_room=FreeRoom(passend=True))
    assert through_room.eligible
    assert through_room.uses_passend_room
    assert through_room.passendheidsoort.code == "NIE"
    # The region's own exception comes first and uses no room.
    excepted = _eligibility(
        low_income,
        above_aftopping,
        policy,
        passend_exception=PassendheidDetailSoort.HHV,
        free_room=FreeRoom(passend=True),
    )
    assert (excepted.eligible, excepted.uses_passend_room) == (True, False)
    assert excepted.passendheiddetailsoort is PassendheidDetailSoort.HHV
    # An exception the region does not allow counts for nothing.
    other = _eligibility(low_income, above_aftopping, policy, passend_exception=PassendheidDetailSoort.BIJ)
    assert other.reasons == (RejectionReason.NIET_PASSEND,)


def test_a_household_above_the_daeb_limit_only_through_the_daeb_free_room() -> None:
    above_limit = household(income="60000.00", persons=2)
    daeb_unit = unit(rekenhuur="700.00")
    assert _eligibility(above_limit, daeb_unit, RegionPolicy()).reasons == (RejectionReason.DAEB_INKOMENSGRENS,)
    through_room = _eligibility(above_limit, daeb_unit, RegionPolicy(), free_room=FreeRoom(daeb=True))
    assert through_room.eligible
    assert through_room.uses_daeb_room


# --- through the flow ---------------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Iterator[TestDatabase]:
    with sqlite_database(tmp_path) as database:
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


def _prior_lettings(db: TestDatabase, count: int, *, start: int = 0, **facts: Any) -> None:
    """`count` lettings of the corporation earlier this year (passend DAEB lettings unless `facts` say otherwise)."""
    moment = datetime(2026, 2, 1, tzinfo=UTC)
    with db.transaction() as session:
        for n in range(start, start + count):
            session.add(
                EenheidRecord(id=f"E-old-{n}", corporatie=CORP, gemeente="GM0268", document={}, updated_at=moment)
            )
            session.add(
                PublicatieRecord(
                    id=f"P-old-{n}",
                    corporatie=CORP,
                    eenheid_id=f"E-old-{n}",
                    gemeente="GM0268",
                    model="AAN",
                    status="AFG",
                    begindatum=moment,
                    einddatum=moment + timedelta(days=7),
                    daeb=True,
                    binding=False,
                    correlation_id=f"c-{n}",
                    document={},
                    created_at=moment,
                    updated_at=moment,
                )
            )
            session.add(
                InschrijvingRecord(
                    id=f"I-old-{n}",
                    portal=PORTAL,
                    status="BEE",
                    gemeente="GM0268",
                    begindatum=moment.date(),
                    document={},
                    updated_at=moment,
                )
            )
            session.flush()
            values: dict[str, Any] = {
                "passendheidsoort": "PAS",
                "daeb": True,
                "daeb_doelgroep": True,
                **facts,
            }
            session.add(
                ToewijzingRecord(
                    id=f"T-old-{n}",
                    publicatie_id=f"P-old-{n}",
                    inschrijving_id=f"I-old-{n}",
                    corporatie=CORP,
                    gemeente="GM0268",
                    jaar=2026,
                    datum=moment,
                    binding=False,
                    herkomst="gemeente",
                    inschrijfduur_dagen=100,
                    reacties=3,
                    document={},
                    **values,
                )
            )


def _seeker(flow: FlowService, inschrijving_id: str, income: float) -> str:
    flow.register(
        factories.inschrijving(id=inschrijving_id, inkomen={"bedrag": income, "jaar": 2025, "bron": {"code": "ARB"}}),
        portal=PORTAL,
    )
    return inschrijving_id


def _candidate(db: TestDatabase, publicatie_id: str) -> KandidaatRecord:
    with db.session() as session:
        [candidate] = session.query(KandidaatRecord).filter(KandidaatRecord.publicatie_id == publicatie_id).all()
        session.expunge(candidate)
    return candidate


@pytest.mark.parametrize(("prior", "ranked"), [(18, False), (19, True)])
def test_the_flow_uses_the_passend_free_room_from_the_twentieth_letting(
    flow: FlowService, db: TestDatabase, clock: SimulatedClock, prior: int, ranked: bool
) -> None:
    _prior_lettings(db, prior)
    publicatie = flow.publish_vacancy(vacancy(rekenhuur=750.0))  # above the aftoppingsgrens for two persons
    seeker = _seeker(flow, "I-nie", 30000.0)
    flow.respond(publicatie.id, seeker)
    clock.advance(timedelta(days=8).total_seconds())
    flow.tick()
    candidate = _candidate(db, publicatie.id)
    if not ranked:
        assert (candidate.status, candidate.afwijzing) == ("AFG", ["NIET_PASSEND"])
        return
    assert candidate.status == "AAN"
    assert candidate.eligibility is not None
    assert candidate.eligibility["vrije_ruimte"] == ["passend"]
    with db.session() as session:
        [offer] = flow._open_offers(session, publicatie_id=publicatie.id)
    toewijzing, warnings = flow.accept(offer.id)
    assert toewijzing.passendheidsoort.code == "NIE"
    assert warnings == []  # 19 of 20 passend is exactly the 95% norm


def test_the_room_is_judged_again_at_acceptance(flow: FlowService, db: TestDatabase, clock: SimulatedClock) -> None:
    _prior_lettings(db, 19)
    publicatie = flow.publish_vacancy(vacancy(rekenhuur=750.0))
    flow.respond(publicatie.id, _seeker(flow, "I-nie", 30000.0))
    clock.advance(timedelta(days=8).total_seconds())
    flow.tick()
    _prior_lettings(db, 1, start=100, passendheidsoort="NIE")  # another non-passend letting used the room meanwhile
    with db.session() as session:
        [offer] = flow._open_offers(session, publicatie_id=publicatie.id)
    with pytest.raises(FlowError, match=r"free room .* is used up"):
        flow.accept(offer.id)


def test_staff_record_the_regions_own_passend_exception(
    flow: FlowService, db: TestDatabase, clock: SimulatedClock
) -> None:
    publicatie = flow.publish_vacancy(vacancy(rekenhuur=750.0))
    seeker = _seeker(flow, "I-hhv", 30000.0)
    flow.respond(publicatie.id, seeker)
    with pytest.raises(FlowError, match="needs its reason"):
        flow.grant_passend_exception(publicatie.id, seeker, PassendheidDetailSoort.HHV, actor="staff", reden=" ")
    flow.grant_passend_exception(
        publicatie.id, seeker, PassendheidDetailSoort.HHV, actor="staff", reden="herhuisvesting sloop Waalkade"
    )
    clock.advance(timedelta(days=8).total_seconds())
    flow.tick()
    candidate = _candidate(db, publicatie.id)
    assert candidate.status == "AAN"
    assert candidate.eligibility is not None
    assert candidate.eligibility["passendheiddetailsoort"] == "HHV"
    assert candidate.eligibility["vrije_ruimte"] == []
    with pytest.raises(FlowError, match="no longer open"):
        flow.grant_passend_exception(publicatie.id, seeker, PassendheidDetailSoort.HHV, actor="staff", reden="te laat")


def test_an_exception_the_region_does_not_allow_is_refused(flow: FlowService) -> None:
    narrow = region()
    narrow = narrow.model_copy(update={"policy": narrow.policy.model_copy(update={"passend_exceptions": []})})
    every_type = Capabilities(encodes=frozenset(MESSAGE_TYPES))
    strict = FlowService(
        flow.db, narrow, parameters=default_parameter_table(), clock=flow.clock, capabilities=lambda _a: every_type
    )
    with pytest.raises(FlowError, match="allows no passend exception HHV"):
        strict.grant_passend_exception("pub-x", "I-x", PassendheidDetailSoort.HHV, actor="staff", reden="r")
